use std::collections::HashMap;

use super::*;

fn row(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn good() -> HashMap<String, String> {
    row(&[
        ("id", "i1"),
        ("channel", "Voice"),
        ("queue", "billing"),
        ("agent_id", "a1"),
        ("customer_id", "c1"),
        ("topic", "refund"),
        ("arrived_at", "2026-01-05T09:30:00Z"),
        ("answered_at", "2026-01-05 09:30:12.5+00:00"),
        ("ended_at", "2026-01-05T09:40:00Z"),
        ("wrap_seconds", "30"),
        ("outcome", "RESOLVED"),
    ])
}

fn parse(map: &HashMap<String, String>) -> Result<Interaction, FieldErrors> {
    Interaction::parse(|k| map.get(k).map(String::as_str))
}

fn with(change: &[(&str, &str)]) -> Result<Interaction, FieldErrors> {
    let mut map = good();
    for (k, v) in change {
        map.insert(k.to_string(), v.to_string());
    }
    parse(&map)
}

#[test]
fn a_good_row_parses_with_derived_durations() {
    let i = parse(&good()).unwrap();
    assert_eq!(i.channel(), Channel::Voice);
    assert_eq!(i.outcome(), Outcome::Resolved);
    assert_eq!(i.agent_id(), Some("a1"));
    assert_eq!(i.answer_wait(), Some(SignedDuration::from_millis(12_500)));
    // 9:40:00 − 9:30:12.5 = 587.5 s, plus 30 s wrap.
    assert_eq!(i.handle_time(), Some(SignedDuration::from_millis(617_500)));
    assert_eq!(i.fcr_anchor(), i.ended_at());
    assert_eq!(i.abandon_wait(), None);
}

#[test]
fn optional_columns_may_be_empty_or_missing() {
    let mut map = good();
    map.remove("wrap_seconds");
    map.remove("agent_id");
    map.insert("ended_at".into(), "".into());
    let i = parse(&map).unwrap();
    assert_eq!(i.wrap_seconds(), 0);
    assert_eq!(i.agent_id(), None);
    assert_eq!(i.handle_time(), None);
    assert_eq!(i.fcr_anchor(), i.answered_at());
}

#[test]
fn timestamps_follow_the_contract() {
    for ok in [
        "2026-01-05T09:30:00Z",
        "2026-01-05t09:30:00z",
        "2026-01-05 09:30:00+01:00",
        "2026-01-05T09:30:00.123456789-05:30",
    ] {
        assert!(parse_timestamp("arrived_at", ok).is_ok(), "{ok}");
    }
    let plus_one = parse_timestamp("t", "2026-01-05 10:30:00+01:00").unwrap();
    assert_eq!(plus_one, parse_timestamp("t", "2026-01-05T09:30:00Z").unwrap());
    for bad in [
        "2026-01-05T09:30:00",
        "2026-01-05T09:30Z",
        "2026-01-05",
        "2026-01-05T09:30:00+0100",
        "2026-01-05T09:30:00.Z",
        "2026-01-05T09:30:00Z[Europe/London]",
        "05/01/2026 09:30",
    ] {
        let err = parse_timestamp("arrived_at", bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "arrived_at: expected an RFC 3339 time with an offset, like 2026-01-05T09:30:00Z (you entered \u{201c}{bad}\u{201d})"
            )
        );
    }
    let err = parse_timestamp("arrived_at", "2026-02-30T09:30:00Z").unwrap_err();
    assert!(err.message.contains("not a real date"), "{}", err.message);
}

#[test]
fn every_bad_column_is_named() {
    let errors = with(&[
        ("channel", "fax"),
        ("outcome", "done"),
        ("wrap_seconds", "-3"),
        ("customer_id", " "),
        ("arrived_at", "yesterday"),
    ])
    .unwrap_err();
    for field in ["channel", "outcome", "wrap_seconds", "customer_id", "arrived_at"] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors}");
    }
    assert!(with(&[("wrap_seconds", "1.5")]).is_err());
    assert!(with(&[("wrap_seconds", "+2")]).is_err());
}

#[test]
fn times_must_be_in_order() {
    let e = with(&[("answered_at", "2026-01-05T09:29:59Z")]).unwrap_err();
    assert!(e.for_field("answered_at").unwrap().contains("before arrived_at"));
    let e = with(&[("ended_at", "2026-01-05T09:30:05Z")]).unwrap_err();
    assert!(e.for_field("ended_at").unwrap().contains("before answered_at"));
    let e = with(&[("answered_at", ""), ("ended_at", "2026-01-05T09:00:00Z")]).unwrap_err();
    assert!(e.for_field("ended_at").unwrap().contains("before arrived_at"));
    // Equal times are fine: an instant answer.
    assert!(with(&[("answered_at", "2026-01-05T09:30:00Z")]).is_ok());
}

#[test]
fn abandoned_means_never_answered() {
    let e = with(&[("outcome", "abandoned")]).unwrap_err();
    assert!(e.for_field("outcome").unwrap().contains("never answered"));
    let i = with(&[("outcome", "Abandoned"), ("answered_at", ""), ("agent_id", "")]).unwrap();
    assert_eq!(i.abandon_wait(), Some(SignedDuration::from_secs(600)));
    assert_eq!(i.fcr_anchor(), None);
    assert!(!i.is_answered());
}

#[test]
fn unanswered_but_not_abandoned_is_accepted() {
    let i = with(&[("outcome", "unresolved"), ("answered_at", "")]).unwrap();
    assert!(!i.is_answered());
    assert_eq!(i.abandon_wait(), None);
}

#[test]
fn channels_and_outcomes_ignore_case() {
    assert_eq!(Channel::parse("c", "IN_PERSON"), Ok(Channel::InPerson));
    assert_eq!(Channel::parse("c", " Messaging "), Ok(Channel::Messaging));
    assert_eq!(Outcome::parse("o", "Transferred"), Ok(Outcome::Transferred));
    let err = Channel::parse("channel", "fax").unwrap_err();
    assert!(err.message.contains("\u{201c}fax\u{201d}"));
}

#[test]
fn surveys_parse_with_optional_scores() {
    let map = row(&[
        ("interaction_id", "i1"),
        ("responded_at", "2026-01-06T10:00:00Z"),
        ("csat", "5"),
        ("nps", ""),
        ("ces", "6"),
        ("comment", "  "),
    ]);
    let s = Survey::parse(|k| map.get(k).map(String::as_str)).unwrap();
    assert_eq!(s.csat.map(Csat::get), Some(5));
    assert_eq!(s.nps, None);
    assert_eq!(s.ces.map(Ces::get), Some(6));
    assert_eq!(s.comment, None);

    let bad = row(&[("interaction_id", ""), ("responded_at", "x"), ("nps", "11")]);
    let errors = Survey::parse(|k| bad.get(k).map(String::as_str)).unwrap_err();
    for field in ["interaction_id", "responded_at", "nps"] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors}");
    }
}
