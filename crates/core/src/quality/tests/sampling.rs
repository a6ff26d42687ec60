//! Sampling plans and evaluator queues.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use crate::kpi::Channel;
use crate::quality::{
    AgentHistory, Contact, Margin, PickReason, Population, Quota, RiskFlag, SamplingPlan, assign_evaluators,
    draw_sample, largest_remainder,
};

fn monday() -> Timestamp {
    "2025-03-03T00:00:00Z".parse().unwrap()
}

fn week_plan(quota: Quota) -> SamplingPlan {
    SamplingPlan::new(monday(), monday() + SignedDuration::from_hours(24 * 7), quota).unwrap()
}

fn contact(id: usize, agent: &str, channel: Channel, hour: i64, risks: &[RiskFlag]) -> Contact {
    Contact {
        id: format!("k{id}"),
        agent: agent.into(),
        channel,
        at: monday() + SignedDuration::from_hours(hour),
        risks: risks.iter().copied().collect(),
    }
}

/// Ana: 30 voice and 10 chat through the week; Ben: 8 email, flagged new starter,
/// two of them with complaints.
fn population() -> Population {
    let mut contacts = Vec::new();
    for i in 0..40 {
        let channel = if i % 4 == 3 { Channel::Chat } else { Channel::Voice };
        contacts.push(contact(i, "ana", channel, (i as i64 * 4) % 168, &[]));
    }
    for i in 40..48 {
        let mut risks = vec![RiskFlag::NewStarter];
        if i < 42 {
            risks.push(RiskFlag::Complaint);
        }
        contacts.push(contact(i, "ben", Channel::Email, (i as i64 * 19) % 168, &risks));
    }
    // Outside the week: never eligible.
    contacts.push(contact(99, "ana", Channel::Voice, 200, &[]));
    Population::new(contacts).unwrap()
}

#[test]
fn quotas_channels_top_ups_and_spread() {
    let plan = week_plan(Quota::PerAgent(4)).with_top_up(RiskFlag::NewStarter, 2).with_top_up(RiskFlag::Complaint, 5);
    let sample = draw_sample(&plan, &population(), 7);
    let reasons = |agent: &str| -> Vec<PickReason> {
        sample.picks.iter().filter(|p| p.agent == agent).map(|p| p.reason).collect()
    };
    // Ana's 4 in proportion 30:10 → 3 voice, 1 chat.
    let ana = reasons("ana");
    assert_eq!(ana.iter().filter(|r| **r == PickReason::Quota(Channel::Voice)).count(), 3);
    assert_eq!(ana.iter().filter(|r| **r == PickReason::Quota(Channel::Chat)).count(), 1);
    assert_eq!(ana.len(), 4);
    // Ben: 4 quota, 2 new-starter top-ups, and complaints only as many as remain flagged.
    let ben = reasons("ben");
    assert_eq!(ben.iter().filter(|r| matches!(r, PickReason::Quota(_))).count(), 4);
    assert_eq!(ben.iter().filter(|r| **r == PickReason::TopUp(RiskFlag::NewStarter)).count(), 2);
    let complaints_picked = sample.picks.iter().filter(|p| p.contact_id == "k40" || p.contact_id == "k41").count();
    assert_eq!(complaints_picked, 2, "both complaint contacts end up in the sample");
    assert!(sample.picks.iter().all(|p| p.contact_id != "k99"));
    assert!(sample.shortfalls.is_empty());
    // Spread: Ana's 3 voice picks fall in different thirds of the week.
    let thirds: BTreeSet<i64> = sample
        .picks
        .iter()
        .filter(|p| p.reason == PickReason::Quota(Channel::Voice))
        .map(|p| p.at.duration_since(monday()).as_hours() * 3 / 168)
        .collect();
    assert_eq!(thirds.len(), 3);
}

#[test]
fn shortfalls_are_reported() {
    let sample = draw_sample(&week_plan(Quota::PerAgent(10)), &population(), 1);
    assert_eq!(sample.shortfalls.len(), 1);
    assert_eq!(sample.shortfalls[0].agent, "ben");
    assert_eq!((sample.shortfalls[0].wanted, sample.shortfalls[0].available), (10, 8));
    assert_eq!(sample.picks.iter().filter(|p| p.agent == "ben").count(), 8);
}

#[test]
fn precision_quota_uses_history() {
    let plan =
        week_plan(Quota::Precision { margin: Margin::parse("margin", 5.0).unwrap(), minimum: 5, assumed_sd: 10.0 })
            .with_history("ana", AgentHistory { observed_sd: Some(10.0), evaluated: 15 })
            .with_history("ben", AgentHistory { observed_sd: Some(0.0), evaluated: 1 });
    // n = 18 for s = 10, E = 5 (see the stats tests); Ana has 15 already.
    assert_eq!(plan.quota_for("ana"), 3);
    assert_eq!(plan.quota_for("ben"), 4);
    assert_eq!(plan.quota_for("cy"), 18);
}

#[test]
fn bad_inputs_are_rejected() {
    assert!(SamplingPlan::new(monday(), monday(), Quota::PerAgent(1)).is_err());
    let twice = vec![contact(1, "ana", Channel::Voice, 1, &[]), contact(1, "ben", Channel::Chat, 2, &[])];
    assert!(Population::new(twice).unwrap_err().for_field("contacts[1].id").is_some());
}

#[test]
fn largest_remainder_shares() {
    let counts: BTreeMap<Channel, u32> = [(Channel::Voice, 5), (Channel::Chat, 3), (Channel::Email, 2)].into();
    // 7 × (0.5, 0.3, 0.2) = 3.5, 2.1, 1.4 → 3, 2, 1 and one left for voice's .5.
    assert_eq!(largest_remainder(7, &counts), vec![(Channel::Voice, 4), (Channel::Chat, 2), (Channel::Email, 1)]);
    assert!(largest_remainder(3, &BTreeMap::new()).is_empty());
}

#[test]
fn queues_are_balanced_and_never_self() {
    let plan = week_plan(Quota::PerAgent(5));
    let sample = draw_sample(&plan, &population(), 3);
    let evaluators = vec!["ana".to_string(), "zed".into(), "yan".into()];
    let queue = assign_evaluators(&sample.picks, &evaluators, 9).unwrap();
    assert_eq!(queue.len(), sample.picks.len());
    assert!(queue.iter().all(|a| a.agent != a.evaluator));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &queue {
        *counts.entry(&a.evaluator).or_default() += 1;
    }
    let (low, high) = (counts.values().min().unwrap(), counts.values().max().unwrap());
    assert!(high - low <= 1);
    // A lone evaluator cannot check their own contacts.
    let err = assign_evaluators(&sample.picks, &["ana".to_string()], 1).unwrap_err();
    assert!(err.message.contains("ana"));
    assert!(assign_evaluators(&sample.picks, &[], 1).is_err());
}

fn any_population() -> impl Strategy<Value = Vec<Contact>> {
    let agents = ["a1", "a2", "a3", "a4"];
    prop::collection::vec((0usize..4, 0usize..3, 0i64..168, prop::bool::weighted(0.2)), 0..80).prop_map(move |rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (agent, channel, hour, risky))| {
                let risks: &[RiskFlag] = if risky { &[RiskFlag::LowCsat] } else { &[] };
                contact(i, agents[agent], [Channel::Voice, Channel::Chat, Channel::Email][channel], hour, risks)
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn draws_are_reproducible_unique_and_meet_quotas(
        contacts in any_population(),
        quota in 0u32..8,
        top_up in 0u32..3,
        seed in any::<u64>(),
    ) {
        let population = Population::new(contacts.clone()).unwrap();
        let plan = week_plan(Quota::PerAgent(quota)).with_top_up(RiskFlag::LowCsat, top_up);
        let sample = draw_sample(&plan, &population, seed);
        // Same seed, same input in another order: same sample.
        let mut reversed = contacts.clone();
        reversed.reverse();
        prop_assert_eq!(&draw_sample(&plan, &Population::new(reversed).unwrap(), seed), &sample);
        let ids: BTreeSet<&str> = sample.picks.iter().map(|p| p.contact_id.as_str()).collect();
        prop_assert_eq!(ids.len(), sample.picks.len());
        for agent in ["a1", "a2", "a3", "a4"] {
            let theirs: Vec<&Contact> = contacts.iter().filter(|c| c.agent == agent).collect();
            let quota_picks = sample.picks.iter().filter(|p| p.agent == agent && matches!(p.reason, PickReason::Quota(_))).count();
            prop_assert_eq!(quota_picks, theirs.len().min(quota as usize));
            let flagged = theirs.iter().filter(|c| c.risks.contains(&RiskFlag::LowCsat)).count();
            let quota_flagged = sample.picks.iter().filter(|p| p.agent == agent && matches!(p.reason, PickReason::Quota(_)))
                .filter(|p| contacts.iter().any(|c| c.id == p.contact_id && c.risks.contains(&RiskFlag::LowCsat))).count();
            let top_ups = sample.picks.iter().filter(|p| p.agent == agent && p.reason == PickReason::TopUp(RiskFlag::LowCsat)).count();
            prop_assert_eq!(top_ups, (flagged - quota_flagged).min(top_up as usize));
            // Channel shares never exceed what the channel holds.
            for channel in [Channel::Voice, Channel::Chat, Channel::Email] {
                let held = theirs.iter().filter(|c| c.channel == channel).count();
                let share = sample.picks.iter().filter(|p| p.agent == agent && p.reason == PickReason::Quota(channel)).count();
                prop_assert!(share <= held);
            }
        }
    }

    #[test]
    fn queues_balance_within_one(contacts in any_population(), seed in any::<u64>(), extra in 1usize..4) {
        let population = Population::new(contacts).unwrap();
        let sample = draw_sample(&week_plan(Quota::PerAgent(3)), &population, seed);
        // Two agents also evaluate, with outside evaluators.
        let mut evaluators = vec!["a1".to_string(), "a2".to_string()];
        evaluators.extend((0..extra).map(|i| format!("qa{i}")));
        match assign_evaluators(&sample.picks, &evaluators, seed) {
            Ok(queue) => {
                prop_assert_eq!(queue.len(), sample.picks.len());
                prop_assert!(queue.iter().all(|a| a.agent != a.evaluator));
                let mut counts: BTreeMap<&str, usize> = evaluators.iter().map(|e| (e.as_str(), 0)).collect();
                for a in &queue {
                    *counts.get_mut(a.evaluator.as_str()).unwrap() += 1;
                }
                let low = counts.values().min().unwrap();
                let high = counts.values().max().unwrap();
                prop_assert!(high - low <= 1);
                prop_assert_eq!(&assign_evaluators(&sample.picks, &evaluators, seed).unwrap(), &queue);
            }
            Err(_) => {
                // Only when someone's own contacts exceed what the rest can take.
                let total = sample.picks.len();
                let e = evaluators.len();
                let own = |name: &str| sample.picks.iter().filter(|p| p.agent == name).count();
                let ceiling = total.div_ceil(e);
                prop_assert!(own("a1") > total - ceiling || own("a2") > total - ceiling);
            }
        }
    }
}
