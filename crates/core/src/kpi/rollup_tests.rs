use jiff::Timestamp;
use proptest::prelude::*;

use super::*;
use crate::kpi::records::{Channel, InteractionParts};
use crate::kpi::score::{Ces, Csat, Nps};
use crate::kpi::settings::ServiceLevelThresholds;

const BASE_MS: i64 = 1_767_600_000_000;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(BASE_MS + ms).unwrap()
}

fn interaction(
    channel: Channel,
    answered_ms: Option<i64>,
    ended_ms: Option<i64>,
    wrap: u32,
    outcome: Outcome,
) -> Interaction {
    Interaction::new(InteractionParts {
        id: "i".into(),
        channel,
        queue: "q".into(),
        agent_id: None,
        customer_id: "c".into(),
        topic: "t".into(),
        arrived_at: at(0),
        answered_at: answered_ms.map(at),
        ended_at: ended_ms.map(at),
        wrap_seconds: wrap,
        outcome,
    })
    .unwrap()
}

fn survey(csat: Option<u8>, nps: Option<u8>, ces: Option<u8>) -> Survey {
    Survey {
        interaction_id: "i".into(),
        responded_at: at(0),
        csat: csat.and_then(Csat::new),
        nps: nps.and_then(Nps::new),
        ces: ces.and_then(Ces::new),
        comment: None,
    }
}

#[test]
fn empty_counts_give_zeros_and_no_data() {
    let row = KpiCounts::default().derive();
    assert_eq!((row.contacts, row.offered, row.answered), (0, 0, 0));
    assert_eq!(row.service_level, None);
    assert_eq!(row.asa_seconds, None);
    assert_eq!(row.aht_seconds, None);
    assert_eq!(row.abandon_rate, None);
    assert_eq!(row.fcr, None);
    assert_eq!((row.csat, row.nps, row.ces), (None, None, None));
    let json = serde_json::to_value(row).unwrap();
    assert_eq!(json["service_level"], serde_json::Value::Null);
    assert_eq!(json["contacts"], 0);
}

#[test]
fn thresholds_are_inclusive_for_t_and_strict_for_short_abandons() {
    let s = KpiSettings::default();
    let mut c = KpiCounts::default();
    c.add(&interaction(Channel::Voice, Some(20_000), None, 0, Outcome::Resolved), true, &s);
    c.add(&interaction(Channel::Voice, Some(20_001), Some(80_001), 9, Outcome::Unresolved), true, &s);
    c.add(&interaction(Channel::Voice, None, Some(4_999), 0, Outcome::Abandoned), false, &s);
    c.add(&interaction(Channel::Voice, None, Some(5_000), 0, Outcome::Abandoned), false, &s);
    c.add(&interaction(Channel::Voice, None, None, 0, Outcome::Abandoned), false, &s);
    c.add(&interaction(Channel::Email, Some(86_400_000), None, 0, Outcome::Resolved), false, &s);
    let row = c.derive();
    assert_eq!(row.contacts, 6);
    assert_eq!(row.short_abandons, 1);
    assert_eq!(row.offered, 5);
    assert_eq!(row.abandoned, 2);
    assert_eq!(row.answered, 3);
    assert_eq!(c.answered_within_t, 2);
    assert_eq!(c.abandoned_within_t, 2);
    assert_eq!(row.service_level, Some(2.0 / 5.0));
    assert_eq!(row.abandon_rate, Some(2.0 / 5.0));
    // FCR counts only the resolved one flagged: the unresolved flag is ignored.
    assert_eq!(row.fcr, Some(1.0 / 3.0));
    assert_eq!(row.asa_seconds, Some((20.0 + 20.001 + 86_400.0) / 3.0));
    // Only one answered contact has an end: 60 s handling plus 9 s wrap.
    assert_eq!(row.aht_seconds, Some(69.0));
    assert_eq!(c.handled, 1);
}

#[test]
fn abandonment_worked_example() {
    // kpis.md §5: 1000 answered, 60 abandoned of which 10 short.
    let c = KpiCounts { contacts: 1060, short_abandons: 10, answered: 1000, abandoned: 50, ..KpiCounts::default() };
    let rate = c.derive().abandon_rate.unwrap();
    assert!((rate * 100.0 - 4.76).abs() < 0.005, "{rate}");
    assert_eq!(c.derive().offered, 1050);
    assert_eq!(c.sl_counts().abandoned, 60);
}

#[test]
fn survey_scores_follow_the_contract() {
    let mut c = KpiCounts::default();
    for s in [
        survey(Some(5), Some(10), Some(7)),
        survey(Some(4), Some(9), None),
        survey(Some(3), Some(7), Some(2)),
        survey(Some(1), Some(6), None),
        survey(None, Some(0), None),
        survey(None, None, None),
    ] {
        c.add_survey(&s);
    }
    let row = c.derive();
    assert_eq!(row.csat_responses, 4);
    assert_eq!(row.csat, Some(0.5));
    assert_eq!(row.nps_responses, 5);
    assert_eq!(row.nps, Some(0.0));
    assert_eq!(row.ces, Some(4.5));
}

#[test]
fn checked_sub_takes_back_a_contribution() {
    let s = KpiSettings::default();
    let mut one = KpiCounts::default();
    one.add(&interaction(Channel::Chat, Some(1_000), Some(9_000), 3, Outcome::Resolved), true, &s);
    let mut both = one;
    both.add(&interaction(Channel::Chat, None, Some(1_000), 0, Outcome::Abandoned), false, &s);
    let rest = both.checked_sub(&one).unwrap();
    assert_eq!(rest.contacts, 1);
    assert_eq!(rest.answered, 0);
    assert_eq!(one.checked_sub(&both), None);
}

// --- property tests -------------------------------------------------------

#[derive(Debug, Clone)]
enum Item {
    Contact(Interaction, bool),
    Response(Survey),
}

fn arb_channel() -> impl Strategy<Value = Channel> {
    proptest::sample::select(Channel::ALL.to_vec())
}

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    proptest::sample::select(Outcome::ALL.to_vec())
}

fn arb_item() -> impl Strategy<Value = Item> {
    // Waits cluster around the thresholds (5 s, 20 s, 60 s) so edges are hit.
    let wait = prop_oneof![0..30_000i64, Just(5_000i64), Just(20_000), Just(60_000), 0..200_000_000i64];
    let contact = (
        arb_channel(),
        arb_outcome(),
        wait,
        proptest::option::of(0..900_000i64),
        0..600u32,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(channel, outcome, wait, handle, wrap, answered, fcr)| {
            let answered_ms = (outcome != Outcome::Abandoned && answered).then_some(wait);
            let ended_ms = handle.map(|h| answered_ms.unwrap_or(wait) + h);
            Item::Contact(interaction(channel, answered_ms, ended_ms, wrap, outcome), fcr)
        });
    let response = (proptest::option::of(1..=5u8), proptest::option::of(0..=10u8), proptest::option::of(1..=7u8))
        .prop_map(|(c, n, e)| Item::Response(survey(c, n, e)));
    prop_oneof![3 => contact, 1 => response]
}

fn count(items: &[&Item], settings: &KpiSettings) -> KpiCounts {
    let mut c = KpiCounts::default();
    for item in items {
        match item {
            Item::Contact(i, fcr) => c.add(i, *fcr, settings),
            Item::Response(s) => c.add_survey(s),
        }
    }
    c
}

fn seconds(d: jiff::SignedDuration) -> f64 {
    d.as_secs_f64()
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The contract's definitions written out row by row, without `KpiCounts`.
fn straightforward(items: &[Item], s: &KpiSettings) -> KpiRow {
    let contacts: Vec<&Interaction> =
        items.iter().filter_map(|i| if let Item::Contact(c, _) = i { Some(c) } else { None }).collect();
    let surveys: Vec<&Survey> =
        items.iter().filter_map(|i| if let Item::Response(s) = i { Some(s) } else { None }).collect();
    let abandon_wait = |c: &Interaction| match (c.outcome(), c.ended_at()) {
        (Outcome::Abandoned, Some(e)) => Some(seconds(e.duration_since(c.arrived_at()))),
        _ => None,
    };
    let is_short = |c: &Interaction| abandon_wait(c).is_some_and(|w| w < f64::from(s.short_abandon_seconds));
    let short = contacts.iter().filter(|c| is_short(c)).count() as u64;
    let answered: Vec<&&Interaction> = contacts.iter().filter(|c| c.answered_at().is_some()).collect();
    let waits: Vec<f64> =
        answered.iter().map(|c| seconds(c.answered_at().unwrap().duration_since(c.arrived_at()))).collect();
    let within =
        answered.iter().zip(&waits).filter(|(c, w)| **w <= f64::from(s.service_level_seconds.get(c.channel()))).count();
    let handles: Vec<f64> = answered
        .iter()
        .filter_map(|c| {
            let end = c.ended_at()?;
            Some(seconds(end.duration_since(c.answered_at().unwrap())) + f64::from(c.wrap_seconds()))
        })
        .collect();
    let abandoned = contacts.iter().filter(|c| c.outcome() == Outcome::Abandoned && !is_short(c)).count() as u64;
    let fcr_yes = items
        .iter()
        .filter(
            |i| matches!(i, Item::Contact(c, true) if c.answered_at().is_some() && c.outcome() == Outcome::Resolved),
        )
        .count();
    let offered = contacts.len() as u64 - short;
    let frac = |num: usize, den: u64| (den > 0).then(|| num as f64 / den as f64);
    let csat: Vec<u8> = surveys.iter().filter_map(|s| s.csat.map(Csat::get)).collect();
    let nps: Vec<u8> = surveys.iter().filter_map(|s| s.nps.map(Nps::get)).collect();
    let ces: Vec<f64> = surveys.iter().filter_map(|s| s.ces.map(|c| f64::from(c.get()))).collect();
    let promoters = nps.iter().filter(|&&n| n >= 9).count() as f64;
    let detractors = nps.iter().filter(|&&n| n <= 6).count() as f64;
    KpiRow {
        contacts: contacts.len() as u64,
        short_abandons: short,
        offered,
        answered: answered.len() as u64,
        abandoned,
        service_level: frac(within, offered),
        asa_seconds: mean(&waits),
        aht_seconds: mean(&handles),
        abandon_rate: frac(abandoned as usize, offered),
        fcr: frac(fcr_yes, answered.len() as u64),
        csat: frac(csat.iter().filter(|&&c| c >= 4).count(), csat.len() as u64),
        csat_responses: csat.len() as u64,
        nps: (!nps.is_empty()).then(|| 100.0 * (promoters - detractors) / nps.len() as f64),
        nps_responses: nps.len() as u64,
        ces: mean(&ces),
    }
}

fn same_rate(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        _ => false,
    }
}

fn arb_settings() -> impl Strategy<Value = KpiSettings> {
    prop_oneof![
        Just(KpiSettings::default()),
        (0..30u32, 0..90u32).prop_map(|(short, voice)| {
            KpiSettings {
                short_abandon_seconds: short,
                service_level_seconds: ServiceLevelThresholds {
                    voice,
                    chat: voice,
                    ..ServiceLevelThresholds::default()
                },
                ..KpiSettings::default()
            }
        }),
    ]
}

proptest! {
    #[test]
    fn rollups_are_additive_over_any_split(
        items in proptest::collection::vec(arb_item(), 0..60),
        parts in proptest::collection::vec(0..4usize, 60),
        settings in arb_settings(),
    ) {
        let all: Vec<&Item> = items.iter().collect();
        let whole = count(&all, &settings);
        let mut merged = KpiCounts::default();
        for part in 0..4 {
            let piece: Vec<&Item> = items.iter().zip(&parts).filter(|(_, p)| **p == part).map(|(i, _)| i).collect();
            let counts = count(&piece, &settings);
            prop_assert!(whole.checked_sub(&counts).is_some());
            merged.merge(&counts);
        }
        prop_assert_eq!(merged, whole);
        prop_assert_eq!(merged.derive(), whole.derive());
    }

    #[test]
    fn derive_matches_the_definitions_row_by_row(
        items in proptest::collection::vec(arb_item(), 0..60),
        settings in arb_settings(),
    ) {
        let all: Vec<&Item> = items.iter().collect();
        let got = count(&all, &settings).derive();
        let want = straightforward(&items, &settings);
        prop_assert_eq!(
            (got.contacts, got.short_abandons, got.offered, got.answered, got.abandoned, got.csat_responses, got.nps_responses),
            (want.contacts, want.short_abandons, want.offered, want.answered, want.abandoned, want.csat_responses, want.nps_responses)
        );
        for (name, a, b) in [
            ("service_level", got.service_level, want.service_level),
            ("asa_seconds", got.asa_seconds, want.asa_seconds),
            ("aht_seconds", got.aht_seconds, want.aht_seconds),
            ("abandon_rate", got.abandon_rate, want.abandon_rate),
            ("fcr", got.fcr, want.fcr),
            ("csat", got.csat, want.csat),
            ("nps", got.nps, want.nps),
            ("ces", got.ces, want.ces),
        ] {
            prop_assert!(same_rate(a, b), "{}: {:?} vs {:?}", name, a, b);
        }
    }
}
