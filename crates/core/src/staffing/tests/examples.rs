//! The worked examples of shared/domain/staffing.md §3 and §4, to the precision printed there.

use super::*;

/// Ex 1 table: N, P(wait), SL(20 s), ASA, occupancy.
const EX1: [(u32, f64, f64, f64, f64); 4] = [
    (12, 0.4494, 0.6402, 40.44, 0.833),
    (13, 0.2853, 0.7956, 17.12, 0.769),
    (14, 0.1741, 0.8884, 7.84, 0.714),
    (15, 0.1020, 0.9415, 3.67, 0.667),
];

#[test]
fn ex1_table_and_answer() {
    let request = build("100", "30", "180", "0.8", "20").request();
    assert_eq!(request.load.traffic_erlangs(), 10.0);
    for (n, wait, sl, asa, occupancy) in EX1 {
        let m = evaluate(&request, n).unwrap();
        near(m.probability_of_wait, wait, 5e-5);
        near(m.service_level, sl, 5e-5);
        near(m.asa_seconds.unwrap(), asa, 5e-3);
        // The table rounds occupancy twice (0.80747 → 80.75% → 80.8%), hence the
        // extra half unit of the fourth decimal.
        near(m.occupancy.unwrap(), occupancy, 5.5e-4);
        assert_eq!(m.abandon_rate, None);
    }
    let plan = plan(&request).unwrap();
    assert_eq!((plan.agents, plan.scheduled_agents), (14, 14));
    assert_eq!(plan.metrics, evaluate(&request, 14).unwrap());
    assert_eq!(plan.binding, vec![Constraint::ServiceLevel]);
}

#[test]
fn ex1_other_targets_and_shrinkage() {
    let base = || build("100", "30", "180", "0.8", "20");
    assert_eq!(base().occupancy("0.85").plan().agents, 14);
    assert_eq!(base().asa("10").plan().agents, 14);
    // The ASA target alone (a negligible service level) also gives 14.
    let asa_only = build("100", "30", "180", "0.01", "20").asa("10").plan();
    assert_eq!(asa_only.agents, 14);
    assert_eq!(asa_only.binding, vec![Constraint::AverageSpeedOfAnswer]);
    // The occupancy cap alone: 10 / N ≤ 0.85 first holds at N = 12.
    let cap_only = build("100", "30", "180", "0.01", "20").occupancy("0.85").plan();
    assert_eq!(cap_only.agents, 12);
    assert_eq!(cap_only.binding, vec![Constraint::Occupancy]);
    assert_eq!(base().shrinkage("0.3").plan().scheduled_agents, 20);
    assert_eq!(base().shrinkage("0.35").plan().scheduled_agents, 22);
}

#[test]
fn ex2_to_ex5() {
    let ex2 = build("400", "60", "180", "0.8", "30").request();
    let m23 = evaluate(&ex2, 23).unwrap();
    near(m23.service_level, 0.7478, 5e-5);
    near(m23.asa_seconds.unwrap(), 24.94, 5e-3);
    let m24 = evaluate(&ex2, 24).unwrap();
    near(m24.service_level, 0.8470, 5e-5);
    near(m24.asa_seconds.unwrap(), 13.41, 5e-3);
    near(m24.occupancy.unwrap(), 0.833, 5e-4);
    assert_eq!(plan(&ex2).unwrap().agents, 24);

    let ex3 = build("360", "30", "240", "0.8", "15").request();
    let m55 = evaluate(&ex3, 55).unwrap();
    near(m55.occupancy.unwrap(), 0.8727, 5e-5);
    near(m55.probability_of_wait, 0.2387, 5e-5);
    near(m55.service_level, 0.8459, 5e-5);
    near(m55.asa_seconds.unwrap(), 8.18, 5e-3);
    near(evaluate(&ex3, 54).unwrap().service_level, 0.7929, 5e-5);
    assert_eq!(plan(&ex3).unwrap().agents, 55);

    let ex4 = build("250", "60", "240", "0.01", "20").asa("15").request();
    near(evaluate(&ex4, 20).unwrap().asa_seconds.unwrap(), 24.34, 5e-3);
    let m21 = evaluate(&ex4, 21).unwrap();
    near(m21.asa_seconds.unwrap(), 12.84, 5e-3);
    near(m21.service_level, 0.8384, 5e-5);
    assert_eq!(plan(&ex4).unwrap().agents, 21);

    let ex5 = build("2000", "30", "300", "0.8", "20").request();
    near(evaluate(&ex5, 344).unwrap().service_level, 0.7786, 5e-5);
    let p = plan(&ex5).unwrap();
    assert_eq!(p.agents, 345);
    near(p.metrics.service_level, 0.8093, 5e-5);
    near(p.metrics.asa_seconds.unwrap(), 10.67, 5e-3);
    near(p.metrics.occupancy.unwrap(), 0.966, 5e-4);
}

#[test]
fn ex6_daily_forecast_with_shrinkage() {
    // calls, N, SL, ASA, scheduled
    let rows = [
        ("160", 26, 0.832, 12.7, 38),
        ("240", 37, 0.804, 14.3, 53),
        ("320", 49, 0.849, 9.7, 70),
        ("192", 31, 0.857, 9.9, 45),
        ("128", 21, 0.802, 16.8, 30),
    ];
    for (calls, n, sl, asa, scheduled) in rows {
        let p = build(calls, "30", "240", "0.8", "20").shrinkage("0.3").plan();
        assert_eq!((p.agents, p.scheduled_agents), (n, scheduled), "{calls} calls");
        near(p.metrics.service_level, sl, 5e-4);
        near(p.metrics.asa_seconds.unwrap(), asa, 5e-2);
    }
}

#[test]
fn checked_erlang_c_values() {
    near(erlang_c(12, 10.0).unwrap(), 0.449388224, 5e-10);
    near(erlang_c(23, 20.0).unwrap(), 0.415737575, 5e-10);
    // The document rounds A = 2000 × 300 / 1800 = 333.33… to 333.33 in the label.
    near(erlang_c(340, 1000.0 / 3.0).unwrap(), 0.619082185, 5e-10);
    assert_eq!(erlang_c(10, 10.0), None);
    assert_eq!(erlang_c(3, 0.0), Some(0.0));
    assert_eq!(erlang_b(0, 5.0), 1.0);
}

#[test]
fn exact_decisions_on_the_decimals_as_typed() {
    // In f64, 21 / (1 − 0.3) = 30.000000000000004.
    assert_eq!(Shrinkage::parse("s", "0.3").unwrap().scheduled(21), 30);
    assert_eq!(Shrinkage::parse("s", "0.35").unwrap().scheduled(14), 22);
    assert_eq!(Shrinkage::NONE.scheduled(17), 17);
    // Traffic 17 under an 0.85 cap: 17 / 0.85 is exactly 20 (f64 says 20.000000000000004).
    let p = build("17", "30", "1800", "0.01", "20").occupancy("0.85").plan();
    assert_eq!(p.traffic_erlangs, 17.0);
    assert_eq!(p.agents, 20);
    assert_eq!(p.binding, vec![Constraint::Occupancy]);
    // The same with decimals that are not binary fractions: 3.4 × 150 / 30 min = 0.2833… Erl.
    let load = build("3.4", "0.5", "2.5", "0.5", "0").request().load;
    // 3.4 × 2.5 / 30 s = 0.28333… Erlangs: one agent is stable, and 0.2833…/1 ≤ 0.3.
    assert!(load.is_stable_with(1) && !load.is_stable_with(0));
    assert!(load.occupancy_within(1, OccupancyCap::parse("c", "0.2834").unwrap()));
    assert!(!load.occupancy_within(1, OccupancyCap::parse("c", "0.2833").unwrap()));
    // Integer traffic: exactly 10 Erlangs needs 11 for stability, not 10.
    assert_eq!(build("100", "30", "180", "0.5", "20").request().load.min_stable_agents(), 11);
}

#[test]
fn no_contacts_and_instant_contacts() {
    for patience in [None, Some("120")] {
        let mut b = build("0", "30", "180", "0.8", "20").shrinkage("0.3");
        if let Some(p) = patience {
            b = b.patience(p);
        }
        let p = b.plan();
        assert_eq!((p.agents, p.scheduled_agents), (0, 0));
        assert_eq!(p.metrics.service_level, 1.0);
        assert_eq!(p.metrics.asa_seconds, Some(0.0));
        assert_eq!(p.metrics.probability_of_wait, 0.0);
        assert_eq!(p.metrics.occupancy, None);
        assert_eq!(p.metrics.abandon_rate, patience.map(|_| 0.0));
        assert!(p.binding.is_empty());
    }
    // Contacts that take no time still need someone to answer them.
    let p = build("10", "30", "0", "0.8", "20").plan();
    assert_eq!(p.agents, 1);
    assert_eq!((p.metrics.service_level, p.metrics.occupancy), (1.0, Some(0.0)));
    let p = build("10", "30", "0", "0.8", "20").patience("60").plan();
    assert_eq!((p.agents, p.metrics.abandon_rate), (1, Some(0.0)));
}

/// Erlang A table (Ex 1, t = 20 s): patience, N, P(wait), P(abandon), SL,
/// P(abandon ≤ 20 s), occupancy.
const ERLANG_A: [(&str, u32, f64, f64, f64, f64, f64); 6] = [
    ("60", 11, 0.327, 0.112, 0.7965, 0.072, 0.808),
    ("60", 12, 0.240, 0.076, 0.8603, 0.051, 0.770),
    ("120", 11, 0.383, 0.094, 0.7422, 0.048, 0.824),
    ("120", 12, 0.280, 0.062, 0.8256, 0.034, 0.782),
    ("300", 12, 0.332, 0.043, 0.7723, 0.018, 0.798),
    ("300", 13, 0.226, 0.025, 0.8582, 0.012, 0.750),
];

#[test]
fn erlang_a_table() {
    for (patience, n, wait, abandon, sl, abandon_within, occupancy) in ERLANG_A {
        let model = ErlangA {
            traffic_erlangs: 10.0,
            aht_seconds: 180.0,
            patience_seconds: patience.parse().unwrap(),
            answer_within_seconds: 20.0,
        };
        let a = model.metrics(n).unwrap();
        let m = a.metrics;
        near(m.probability_of_wait, wait, 5e-4);
        near(m.abandon_rate.unwrap(), abandon, 5e-4);
        near(m.service_level, sl, 5e-5);
        near(a.abandon_within_threshold, abandon_within, 5e-4);
        // The table rounds occupancy twice (0.80747 → 80.75% → 80.8%), hence the
        // extra half unit of the fourth decimal.
        near(m.occupancy.unwrap(), occupancy, 5.5e-4);
        // Little's law and the queue-position chain agree on who abandons.
        near(a.answered_share, 1.0 - m.abandon_rate.unwrap(), 1e-12);
    }
}

#[test]
fn erlang_a_staffing() {
    let with = |patience: &str| build("100", "30", "180", "0.8", "20").patience(patience).plan();
    let p = with("120");
    assert_eq!(p.agents, 12);
    near(p.metrics.service_level, 0.8256, 5e-5);
    near(p.metrics.abandon_rate.unwrap(), 0.062, 5e-4);
    assert_eq!(p.binding, vec![Constraint::ServiceLevel]);
    assert_eq!(with("60").agents, 12);
    assert_eq!(with("300").agents, 13);
    // Fewer agents than Erlangs is allowed: with very impatient callers and a
    // modest target, fewer than 10 agents carry 10 Erlangs offered.
    let impatient = build("100", "30", "180", "0.5", "20").patience("5").plan();
    assert!(impatient.agents < 10, "{impatient:?}");
    assert!(impatient.metrics.service_level >= 0.5);
}

#[test]
fn erlang_a_tends_to_erlang_c_as_patience_grows() {
    let model =
        ErlangA { traffic_erlangs: 10.0, aht_seconds: 180.0, patience_seconds: 1e10, answer_within_seconds: 20.0 };
    for n in 11..=16 {
        let a = model.metrics(n).unwrap().metrics;
        let c = erlang_c_metrics(n, 10.0, 180.0, 20.0);
        near(a.probability_of_wait, c.probability_of_wait, 1e-6);
        near(a.service_level, c.service_level, 1e-6);
        near(a.asa_seconds.unwrap(), c.asa_seconds.unwrap(), 1e-4);
        near(a.occupancy.unwrap(), c.occupancy.unwrap(), 1e-6);
        assert!(a.abandon_rate.unwrap() < 1e-6);
    }
}

#[test]
fn input_ranges_follow_the_contract() {
    let sl = |t: &str| ServiceLevelTarget::parse("--service-level", t);
    assert!(sl("0").is_err() && sl("1").is_err() && sl("1.5").is_err());
    assert_eq!(sl("0.8").unwrap().share(), 0.8);
    assert_eq!(sl("1").unwrap_err().field, "--service-level");
    let cap = |t: &str| OccupancyCap::parse("--max-occupancy", t);
    assert!(cap("0").is_err() && cap("1.01").is_err());
    assert_eq!(cap("1").unwrap(), OccupancyCap::FULL);
    let shrink = |t: &str| Shrinkage::parse("--shrinkage", t);
    assert!(shrink("1").is_err() && shrink("-0.1").is_err());
    assert_eq!(shrink("0").unwrap(), Shrinkage::NONE);
    assert!(PositiveSeconds::parse("--target-asa-seconds", "0").is_err());
    assert!(IntervalLength::parse_minutes("--interval-minutes", "0").is_err());
    let huge = IntervalLoad::new(
        "--volume",
        Decimal::parse("v", "100000000").unwrap(),
        Decimal::parse("h", "180").unwrap(),
        IntervalLength::parse_minutes("m", "30").unwrap(),
    );
    assert_eq!(huge.unwrap_err().field, "--volume");
}
