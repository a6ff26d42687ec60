//! The Erlang C search against the search it replaced, kept here as a reference:
//! every exact test decided per candidate on big numbers, and every figure
//! recomputed from scratch. The fast search must give the same plan, bit for bit.

use std::cmp::Ordering;

use proptest::prelude::*;

use super::super::exact::{BigNat, smallest_from_guess};
use super::*;

/// Exactly, on big numbers only: traffic × `den` compared with `num`, where
/// traffic = volume × AHT / (60 × minutes).
fn traffic_cmp(load: &IntervalLoad, num: &[u64], den: &[u64]) -> Ordering {
    let (v, h, m) = (load.volume(), load.aht_seconds(), load.length().minutes());
    let mut left = vec![v.mantissa(), h.mantissa(), m.denominator()];
    left.extend_from_slice(den);
    let mut right = vec![60, m.mantissa(), v.denominator(), h.denominator()];
    right.extend_from_slice(num);
    BigNat::product(&left).cmp(&BigNat::product(&right))
}

fn stable(load: &IntervalLoad, agents: u64) -> bool {
    traffic_cmp(load, &[agents], &[1]) == Ordering::Less
}

fn within_cap(load: &IntervalLoad, agents: u64, cap: OccupancyCap) -> bool {
    traffic_cmp(load, &[agents, cap.share().mantissa()], &[cap.share().denominator()]) != Ordering::Greater
}

/// The old `failed_constraints` for Erlang C.
fn reference_failed(request: &StaffingRequest, metrics: &Metrics) -> Vec<Constraint> {
    let targets = &request.targets;
    let agents = u64::from(metrics.agents);
    let mut failed = Vec::new();
    if !stable(&request.load, agents) {
        failed.push(Constraint::StableQueue);
    }
    if agents == 0 {
        failed.push(Constraint::SomeoneToAnswer);
    }
    if metrics.service_level < targets.service_level.share() {
        failed.push(Constraint::ServiceLevel);
    }
    if !within_cap(&request.load, agents, targets.max_occupancy) {
        failed.push(Constraint::Occupancy);
    }
    if let Some(max) = targets.max_asa
        && !metrics.asa_seconds.is_some_and(|asa| asa <= max.seconds())
    {
        failed.push(Constraint::AverageSpeedOfAnswer);
    }
    failed
}

/// Erlang C figures for `agents`, from a fresh recurrence.
fn figures(request: &StaffingRequest, agents: u32) -> Metrics {
    let mut recurrence = ErlangB::new(request.load.traffic_erlangs());
    recurrence.advance_to(agents);
    recurrence.metrics(request.load.aht_seconds().to_f64(), request.targets.answer_within_seconds)
}

/// The old Erlang C `plan` (volume > 0): start where the exact conditions first
/// hold (found by guess and correction on big numbers), check every constraint
/// per candidate, then recompute the answer's figures and one agent fewer's.
fn reference_plan(request: &StaffingRequest) -> StaffingPlan {
    let load = &request.load;
    let cap = request.targets.max_occupancy;
    let min_stable = smallest_from_guess(load.traffic_erlangs().floor() + 1.0, |n| stable(load, n));
    let min_within =
        smallest_from_guess((load.traffic_erlangs() / cap.share().to_f64()).ceil(), |n| within_cap(load, n, cap));
    let mut agents = u32::try_from(min_stable.max(min_within)).unwrap();
    while !reference_failed(request, &figures(request, agents)).is_empty() {
        agents += 1;
    }
    StaffingPlan {
        traffic_erlangs: load.traffic_erlangs(),
        agents,
        scheduled_agents: request.shrinkage.scheduled(agents),
        metrics: figures(request, agents),
        abandon_within_threshold: None,
        binding: reference_failed(request, &figures(request, agents - 1)),
    }
}

/// A decimal's text: `whole` and `digits` fraction digits of `fraction`.
fn decimal_text(whole: u64, fraction: u64, digits: usize) -> String {
    if digits == 0 { whole.to_string() } else { format!("{whole}.{:0digits$}", fraction % 10u64.pow(digits as u32)) }
}

/// A decimal between 0 and `max_whole` with up to `max_digits` fraction digits.
fn decimal(max_whole: u64, max_digits: usize) -> impl Strategy<Value = String> {
    (0..max_whole, any::<u64>(), 0..=max_digits).prop_map(|(w, f, d)| decimal_text(w, f, d))
}

/// A cap in (0, 1] with 1 to 4 digits, as (mantissa, scale).
fn cap() -> impl Strategy<Value = (u64, u32)> {
    (1u32..=4).prop_flat_map(|scale| (1..=10u64.pow(scale), Just(scale)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn erlang_c_plan_matches_the_reference_search(
        volume in decimal(400, 16),
        aht in prop_oneof![Just("0".to_string()), decimal(900, 15)],
        // The last length has 18 decimals, so the exact tests overflow u128 and
        // take the big-number path.
        minutes in prop_oneof![Just("15"), Just("30"), Just("7.5"), Just("60"), Just("15.000000000000000001")],
        sl_percent in 1u32..99,
        within in decimal(120, 2),
        cap in proptest::option::of(cap()),
        asa in proptest::option::of(decimal(120, 3)),
        shrinkage in decimal(1, 4),
    ) {
        let mut b = build(&volume, minutes, &aht, &format!("0.{sl_percent:02}"), &within).shrinkage(&shrinkage);
        if let Some((mantissa, scale)) = cap {
            b = b.occupancy(&decimal_text(mantissa / 10u64.pow(scale), mantissa, scale as usize));
        }
        if let Some(asa) = asa.filter(|a| Decimal::parse("a", a).is_ok_and(|d| !d.is_zero())) {
            b = b.asa(&asa);
        }
        let request = b.request();
        prop_assume!(!request.load.volume().is_zero());
        prop_assert_eq!(plan(&request).unwrap(), reference_plan(&request));
    }

    #[test]
    fn occupancy_ties_match_the_reference_search(
        agents in 1u64..300,
        (mantissa, scale) in cap(),
        sl_percent in 1u32..99,
        asa in proptest::option::of(1u32..60),
    ) {
        // AHT 900 s over 15 minutes makes traffic = volume; volume = agents × cap
        // exactly, so traffic / agents = cap: the cap holds with equality.
        let volume = decimal_text(agents * mantissa / 10u64.pow(scale), agents * mantissa, scale as usize);
        let cap = decimal_text(mantissa / 10u64.pow(scale), mantissa, scale as usize);
        let mut b = build(&volume, "15", "900", &format!("0.{sl_percent:02}"), "20").occupancy(&cap);
        if let Some(asa) = asa {
            b = b.asa(&asa.to_string());
        }
        let request = b.request();
        let p = plan(&request).unwrap();
        prop_assert_eq!(&p, &reference_plan(&request));
        prop_assert!(p.agents >= u32::try_from(agents).unwrap());
    }
}
