//! Tests of the allocation engine. The checkers here work on the raw JSON input
//! and output, not on the engine's types, so they are independent of the code
//! they check.

mod brute;
mod large;
mod parse;
mod pull;
mod rules;

use serde_json::{Value, json};

use super::{Allocation, Problem, allocate};

/// Parses and allocates, returning the output as JSON too.
pub(super) fn run(input: &Value) -> (Problem, Allocation, Value) {
    let problem = Problem::from_value(input).expect("valid problem");
    let allocation = allocate(&problem);
    let output = serde_json::to_value(&allocation).unwrap();
    (problem, allocation, output)
}

fn level(map: &Value, skill: &str) -> i64 {
    map.get(skill).and_then(Value::as_i64).unwrap_or(0)
}

/// Independent eligibility: Some(false) qualified, Some(true) stretch, None not.
pub(super) fn eligible(agent: &Value, item: &Value) -> Option<bool> {
    let skills = agent.get("skills").cloned().unwrap_or(json!({}));
    let learning: Vec<&str> = agent
        .get("learning")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut gaps = 0;
    for (skill, required) in item["requires"].as_object().unwrap() {
        let required = required.as_i64().unwrap();
        let held = level(&skills, skill);
        if held >= required {
            continue;
        }
        if held + 1 == required && learning.contains(&skill.as_str()) {
            gaps += 1;
        } else {
            return None;
        }
    }
    match gaps {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn count(agent: &Value, key: &str, channel: &str) -> i64 {
    agent.get(key).map_or(0, |m| level(m, channel))
}

/// Checks every hard rule and "every item exactly once"; returns the assigned
/// counts per priority (urgent, high, normal, low).
pub(super) fn check_rules(input: &Value, output: &Value) -> [usize; 4] {
    let agents = input["agents"].as_array().unwrap();
    let items = input["items"].as_array().unwrap();
    let mut seen = std::collections::HashMap::new();
    let mut load: std::collections::HashMap<(String, String), i64> = Default::default();
    let mut stretches: std::collections::HashMap<(String, String), i64> = Default::default();
    let mut counts = [0usize; 4];
    for a in output["assignments"].as_array().unwrap() {
        let item_id = a["item"].as_str().unwrap();
        *seen.entry(item_id.to_owned()).or_insert(0) += 1;
        let item = items.iter().find(|i| i["id"] == a["item"]).expect("known item");
        let agent = agents.iter().find(|g| g["id"] == a["agent"]).expect("known agent");
        assert_ne!(agent.get("available"), Some(&json!(false)), "rule 1: {a}");
        let stretch = eligible(agent, item).unwrap_or_else(|| panic!("rule 3: {a}"));
        assert_eq!(a["stretch"].as_bool(), Some(stretch), "stretch flag: {a}");
        let channel = item["channel"].as_str().unwrap().to_owned();
        let key = (a["agent"].as_str().unwrap().to_owned(), channel.clone());
        *load.entry(key.clone()).or_insert(0) += 1;
        if stretch {
            *stretches.entry(key.clone()).or_insert(0) += 1;
            assert!(stretches[&key] <= 1, "rule 4: {key:?}");
        }
        assert!(!a["rationale"].as_str().unwrap().is_empty());
        let p = ["urgent", "high", "normal", "low"].iter().position(|p| item["priority"] == *p).unwrap();
        counts[p] += 1;
    }
    for ((agent_id, channel), n) in &load {
        let agent = agents.iter().find(|g| g["id"] == agent_id.as_str()).unwrap();
        let room = count(agent, "capacity", channel) - count(agent, "open", channel);
        assert!(*n <= room, "rule 2: {agent_id} {channel} {n} > {room}");
    }
    for u in output["unassigned"].as_array().unwrap() {
        *seen.entry(u["item"].as_str().unwrap().to_owned()).or_insert(0) += 1;
        assert!(!u["reason"].as_str().unwrap().is_empty());
    }
    assert_eq!(seen.len(), items.len(), "every item appears");
    assert!(seen.values().all(|n| *n == 1), "every item exactly once");
    let summary = &output["summary"]["assigned"];
    let reported = [
        summary["urgent"].as_u64().unwrap() as usize,
        summary["high"].as_u64().unwrap() as usize,
        summary["normal"].as_u64().unwrap() as usize,
        summary["low"].as_u64().unwrap() as usize,
    ];
    assert_eq!(reported, counts, "summary agrees with the assignments");
    counts
}
