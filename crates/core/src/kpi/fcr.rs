//! First contact resolution by repeat contact (contracts.md §3).
//!
//! An answered interaction is *resolved first time* when its outcome is
//! `resolved` and no other interaction of the same customer and topic (any
//! channel, any outcome, abandoned ones included) arrives strictly after its
//! anchor (`ended_at`, or `answered_at` where `ended_at` is empty) and at most
//! the window after it, inclusive. The repeat may lie outside the reporting
//! period, so the caller must pass interactions up to one window past the
//! period's end; until that window has passed, a result is provisional.

use std::borrow::Borrow;

use jiff::{SignedDuration, Timestamp};

use super::records::{Interaction, Outcome};

/// Marks each interaction resolved first time or not; the result is parallel
/// to the input.
///
/// The input may mix customers and topics and may be in any order: it is
/// grouped by (`customer_id`, `topic`) and each group's arrival times sorted,
/// then each candidate needs one binary search. O(n log n) overall.
/// Unanswered interactions and outcomes other than `resolved` are `false`.
pub fn resolved_first_time<T: Borrow<Interaction>>(interactions: &[T], window: SignedDuration) -> Vec<bool> {
    let get = |i: usize| interactions[i].borrow();
    let mut order: Vec<usize> = (0..interactions.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (get(a), get(b));
        (a.customer_id(), a.topic(), a.arrived_at()).cmp(&(b.customer_id(), b.topic(), b.arrived_at()))
    });
    let mut flags = vec![false; interactions.len()];
    let mut arrivals: Vec<Timestamp> = Vec::new();
    let same_case =
        |&a: &usize, &b: &usize| get(a).customer_id() == get(b).customer_id() && get(a).topic() == get(b).topic();
    for group in order.chunk_by(same_case) {
        arrivals.clear();
        arrivals.extend(group.iter().map(|&i| get(i).arrived_at()));
        for &i in group {
            let interaction = get(i);
            if interaction.outcome() != Outcome::Resolved {
                continue;
            }
            let Some(anchor) = interaction.fcr_anchor() else {
                continue;
            };
            // The first arrival strictly after the anchor is the only candidate
            // that matters: if it is outside the window, all later ones are.
            // The interaction itself arrived at or before its anchor, so it is
            // never its own repeat.
            let next = arrivals.partition_point(|&t| t <= anchor);
            let repeated = arrivals.get(next).is_some_and(|&t| t.duration_since(anchor) <= window);
            flags[i] = !repeated;
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::kpi::records::{Channel, InteractionParts};

    fn t(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_767_600_000 + seconds).unwrap()
    }

    const HOUR: i64 = 3600;
    const WEEK: SignedDuration = SignedDuration::from_hours(168);

    fn contact(
        customer: &str,
        topic: &str,
        arrived: i64,
        answered: Option<i64>,
        ended: Option<i64>,
        outcome: Outcome,
    ) -> Interaction {
        Interaction::new(InteractionParts {
            id: format!("{customer}-{topic}-{arrived}"),
            channel: Channel::Chat,
            queue: "q".into(),
            agent_id: None,
            customer_id: customer.into(),
            topic: topic.into(),
            arrived_at: t(arrived),
            answered_at: answered.map(t),
            ended_at: ended.map(t),
            wrap_seconds: 0,
            outcome,
        })
        .unwrap()
    }

    fn resolved(arrived: i64, ended: i64) -> Interaction {
        contact("c", "x", arrived, Some(arrived), Some(ended), Outcome::Resolved)
    }

    #[test]
    fn exactly_the_window_later_is_a_repeat() {
        let first = resolved(0, 100);
        let at_edge = resolved(100 + 168 * HOUR, 100 + 168 * HOUR + 10);
        assert_eq!(resolved_first_time(&[&first, &at_edge], WEEK), [false, true]);
        let past_edge = resolved(101 + 168 * HOUR, 200 + 168 * HOUR);
        assert_eq!(resolved_first_time(&[&first, &past_edge], WEEK), [true, true]);
    }

    #[test]
    fn a_repeat_must_arrive_strictly_after_the_end() {
        let first = resolved(0, 100);
        // Arrived while the first was still being handled, and exactly at its end.
        let during = contact("c", "x", 50, None, Some(60), Outcome::Abandoned);
        let at_end = contact("c", "x", 100, None, Some(101), Outcome::Abandoned);
        assert_eq!(resolved_first_time(&[&first, &during, &at_end], WEEK), [true, false, false]);
        let just_after = contact("c", "x", 101, None, None, Outcome::Abandoned);
        assert_eq!(resolved_first_time(&[&first, &just_after], WEEK), [false, false]);
    }

    #[test]
    fn abandoned_and_other_channel_repeats_count_but_other_cases_do_not() {
        let first = resolved(0, 100);
        let abandoned = contact("c", "x", 5000, None, Some(5001), Outcome::Abandoned);
        assert_eq!(resolved_first_time(&[&first, &abandoned], WEEK), [false, false]);
        let other_topic = contact("c", "y", 5000, Some(5000), Some(5001), Outcome::Resolved);
        let other_customer = contact("d", "x", 5000, Some(5000), None, Outcome::Resolved);
        assert_eq!(resolved_first_time(&[&other_topic, &first, &other_customer], WEEK), [true, true, true]);
    }

    #[test]
    fn the_anchor_is_answered_at_when_there_is_no_end() {
        let first = contact("c", "x", 0, Some(10), None, Outcome::Resolved);
        let later = contact("c", "x", 11, None, None, Outcome::Abandoned);
        assert_eq!(resolved_first_time(&[&first, &later], WEEK), [false, false]);
        let same_moment = contact("c", "x", 10, None, None, Outcome::Abandoned);
        assert_eq!(resolved_first_time(&[&first, &same_moment], WEEK), [true, false]);
    }

    #[test]
    fn only_answered_resolved_contacts_can_succeed() {
        let unresolved = contact("c", "x", 0, Some(1), Some(2), Outcome::Unresolved);
        let unanswered = contact("d", "x", 0, None, Some(2), Outcome::Resolved);
        assert_eq!(resolved_first_time(&[unresolved, unanswered], WEEK), [false, false]);
    }

    #[test]
    fn a_repeat_outside_the_period_still_counts() {
        // The period is the first day; the repeat lands six days later.
        let first = resolved(0, 100);
        let next_week = contact("c", "x", 6 * 24 * HOUR, None, None, Outcome::Abandoned);
        assert_eq!(resolved_first_time(&[&next_week, &first], WEEK), [false, false]);
    }

    fn brute_force(all: &[Interaction], window: SignedDuration) -> Vec<bool> {
        all.iter()
            .map(|c| {
                let Some(anchor) = c.fcr_anchor() else {
                    return false;
                };
                c.outcome() == Outcome::Resolved
                    && !all.iter().any(|o| {
                        !std::ptr::eq(o, c)
                            && o.customer_id() == c.customer_id()
                            && o.topic() == c.topic()
                            && o.arrived_at() > anchor
                            && o.arrived_at() <= anchor + window
                    })
            })
            .collect()
    }

    fn arb_contact() -> impl Strategy<Value = Interaction> {
        let outcome = prop_oneof![
            Just(Outcome::Resolved),
            Just(Outcome::Unresolved),
            Just(Outcome::Transferred),
            Just(Outcome::Abandoned),
        ];
        // Times on a coarse grid so that ties and exact-window edges are common.
        (0..3u8, 0..2u8, 0..40i64, 0..3i64, proptest::option::of(0..3i64), outcome).prop_map(
            |(customer, topic, arrived, wait, handle, outcome)| {
                let arrived = arrived * 12 * HOUR;
                let answered = (outcome != Outcome::Abandoned).then_some(arrived + wait * 6 * HOUR);
                let ended = handle.map(|h| answered.unwrap_or(arrived) + h * 6 * HOUR);
                contact(&customer.to_string(), &topic.to_string(), arrived, answered, ended, outcome)
            },
        )
    }

    proptest! {
        #[test]
        fn agrees_with_brute_force(all in proptest::collection::vec(arb_contact(), 0..40), hours in 0..200i64) {
            let window = SignedDuration::from_hours(hours);
            prop_assert_eq!(resolved_first_time(&all, window), brute_force(&all, window));
        }
    }
}
