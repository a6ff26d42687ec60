//! A leader's adjustment of a proposed batch: may this agent take this item,
//! on top of everything else the batch now gives out? Hard rules 1–4 are
//! checked against the batch as it stands (after earlier adjustments), so an
//! adjustment can never break one; the burst cap is reported, not enforced,
//! because a leader who moves work with a reason may knowingly exceed it.

use super::model::Problem;
use super::rules::{Fit, Shortfall, burst_cap, fit};

/// Where each item of a batch goes now: `Some((agent index, stretch))`.
pub type Lines = [Option<(usize, bool)>];

/// Whether agent `agent` may take item `item` given the batch's other lines
/// (the item's own current line is ignored). `Ok(stretch)` or `Err(reason)`.
pub fn may_take(problem: &Problem, lines: &Lines, item: usize, agent: usize) -> Result<bool, String> {
    let (Some(it), Some(a)) = (problem.items().get(item), problem.agents().get(agent)) else {
        return Err("that item or agent is not part of this batch".into());
    };
    let name = a.id();
    let channel = it.channel();
    let c = problem.channel_name(channel);
    if !a.is_available() {
        return Err(format!("agent {name} is not available that day (hard rule 1)"));
    }
    let others = lines.iter().enumerate().filter(|&(i, line)| {
        i != item && line.is_some_and(|(b, _)| b == agent) && problem.items()[i].channel() == channel
    });
    let new_here = others.clone().count() as u32;
    if a.open(channel) + new_here + 1 > a.capacity(channel) {
        return Err(format!(
            "agent {name} has no room on {c}: {} open and {new_here} more in this batch, capacity {} (hard rule 2)",
            a.open(channel),
            a.capacity(channel)
        ));
    }
    match fit(a, it.requires()) {
        Fit::Qualified { .. } => Ok(false),
        Fit::Stretch { .. } => {
            let used = others.clone().find(|(_, line)| line.is_some_and(|(_, s)| s));
            match used {
                Some((other, _)) => Err(format!(
                    "agent {name} could only take it as a stretch and already has a stretch on {c} in this batch (item {}) (hard rule 4)",
                    problem.items()[other].id()
                )),
                None => Ok(true),
            }
        }
        Fit::Ineligible { skill, held, required, why } => {
            let s = problem.skill_name(skill);
            let (h, r) = (held.get(), required.get());
            Err(match why {
                Shortfall::TooFar => {
                    format!(
                        "agent {name} holds {s} {h} and the item needs {s} {r}; a stretch covers one level only (hard rule 3)"
                    )
                }
                Shortfall::NotLearning => format!(
                    "agent {name} holds {s} {h}, one below the {r} needed, and is not learning {s} (hard rule 3)"
                ),
                Shortfall::SecondGap(first) => format!(
                    "agent {name} is short on both {} and {s}; a stretch may cover one skill only (hard rule 3)",
                    problem.skill_name(first)
                ),
            })
        }
    }
}

/// One agent over the burst cap on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    /// The agent's index.
    pub agent: usize,
    /// The channel's name.
    pub channel: String,
    /// New items the batch gives them on it.
    pub given: u32,
    /// The channel's burst cap.
    pub cap: u32,
}

/// Every (agent, channel) whose new items exceed the channel's burst cap
/// ([`burst_cap`]: twice the fair share among available agents with room).
pub fn bursts(problem: &Problem, lines: &Lines) -> Vec<Burst> {
    let channels = problem.channel_names().len();
    let agents = problem.agents();
    let mut items_on = vec![0usize; channels];
    for it in problem.items() {
        items_on[it.channel().index()] += 1;
    }
    let mut given = vec![0u32; agents.len() * channels];
    for (i, line) in lines.iter().enumerate() {
        if let (Some((a, _)), Some(it)) = (line, problem.items().get(i)) {
            given[a * channels + it.channel().index()] += 1;
        }
    }
    let mut out = Vec::new();
    for c in 0..channels {
        let with_room = agents
            .iter()
            .filter(|a| {
                a.is_available()
                    && problem.items().iter().any(|it| it.channel().index() == c && a.room(it.channel()) > 0)
            })
            .count();
        let cap = burst_cap(items_on[c], with_room);
        for (a, _) in agents.iter().enumerate() {
            let n = given[a * channels + c];
            if n > cap {
                out.push(Burst { agent: a, channel: problem.channel_names()[c].clone(), given: n, cap });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> Problem {
        Problem::from_json(
            r#"{"agents": [
                {"id": "ann", "skills": {"billing": 3}, "capacity": {"email": 2}},
                {"id": "bob", "skills": {"billing": 1}, "learning": ["billing"], "capacity": {"email": 5}},
                {"id": "cy", "skills": {"billing": 5}, "capacity": {"email": 5}, "available": false}
            ], "items": [
                {"id": "1", "channel": "email", "requires": {"billing": 2}, "priority": "high"},
                {"id": "2", "channel": "email", "requires": {"billing": 2}, "priority": "high"},
                {"id": "3", "channel": "email", "requires": {"billing": 2}, "priority": "low"}
            ]}"#,
        )
        .expect("valid problem")
    }

    #[test]
    fn every_hard_rule_is_checked() {
        let p = problem();
        let lines = [Some((0, false)), Some((0, false)), Some((1, true))];
        // ann is full on email with items 1 and 2 (rule 2).
        assert!(may_take(&p, &lines, 2, 0).is_err_and(|e| e.contains("hard rule 2")));
        // ...but moving one of her own items back to her is fine.
        assert_eq!(may_take(&p, &lines, 1, 0), Ok(false));
        // bob already stretches on email with item 3 (rule 4).
        assert!(may_take(&p, &lines, 0, 1).is_err_and(|e| e.contains("hard rule 4")));
        // bob's own stretch can stay his.
        assert_eq!(may_take(&p, &lines, 2, 1), Ok(true));
        // cy is not available (rule 1).
        assert!(may_take(&p, &lines, 0, 2).is_err_and(|e| e.contains("hard rule 1")));
    }

    #[test]
    fn skill_gaps_are_named() {
        let p = Problem::from_json(
            r#"{"agents": [{"id": "dee", "skills": {"billing": 1}, "capacity": {"email": 5}}],
                "items": [{"id": "1", "channel": "email", "requires": {"billing": 3}, "priority": "high"}]}"#,
        )
        .expect("valid problem");
        let why = may_take(&p, &[None], 0, 0).expect_err("too far");
        assert!(why.contains("billing 1") && why.contains("hard rule 3"), "{why}");
    }

    #[test]
    fn bursts_are_reported_per_agent_and_channel() {
        let p = problem();
        // Two agents with room (cy is unavailable), three items: cap ⌈6 / 2⌉ = 3.
        assert!(bursts(&p, &[Some((1, false)), Some((1, false)), Some((1, false))]).is_empty());
        let p1 = Problem::from_json(
            r#"{"agents": [
                {"id": "ann", "skills": {"billing": 3}, "capacity": {"email": 9}},
                {"id": "bob", "skills": {"billing": 3}, "capacity": {"email": 9}},
                {"id": "cy", "skills": {"billing": 3}, "capacity": {"email": 9}},
                {"id": "dee", "skills": {"billing": 3}, "capacity": {"email": 9}}
            ], "items": [
                {"id": "1", "channel": "email", "requires": {"billing": 2}, "priority": "high"},
                {"id": "2", "channel": "email", "requires": {"billing": 2}, "priority": "high"},
                {"id": "3", "channel": "email", "requires": {"billing": 2}, "priority": "high"},
                {"id": "4", "channel": "email", "requires": {"billing": 2}, "priority": "high"}
            ]}"#,
        )
        .expect("valid problem");
        // Four agents with room, four items: cap ⌈8 / 4⌉ = 2; ann takes all four.
        let all_to_ann = [Some((0, false)); 4];
        assert_eq!(bursts(&p1, &all_to_ann), vec![Burst { agent: 0, channel: "email".into(), given: 4, cap: 2 }]);
    }
}
