//! On random small instances the engine matches an exhaustive search: the same
//! assigned counts per priority (the pinned optimum) and the same secondary cost
//! (the documented objective), with every hard rule kept.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{check_rules, eligible, run};
use crate::allocation::why_not;

const SKILLS: [&str; 3] = ["billing", "returns", "french"];
const CHANNELS: [&str; 2] = ["email", "chat"];
const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];

fn agent() -> impl Strategy<Value = Value> {
    (
        proptest::array::uniform3(0i64..=3),
        proptest::array::uniform3(any::<bool>()),
        proptest::array::uniform2(0i64..=3),
        proptest::array::uniform2(0i64..=2),
        prop::bool::weighted(0.85),
    )
        .prop_map(|(levels, learning, capacity, open, available)| {
            let skills: serde_json::Map<String, Value> =
                SKILLS.iter().zip(levels).filter(|(_, l)| *l > 0).map(|(s, l)| ((*s).to_owned(), json!(l))).collect();
            let learning: Vec<&str> = SKILLS.iter().zip(learning).filter(|(_, l)| *l).map(|(s, _)| *s).collect();
            json!({
                "skills": skills, "learning": learning, "available": available,
                "capacity": {"email": capacity[0], "chat": capacity[1]},
                "open": {"email": open[0], "chat": open[1]}
            })
        })
}

fn item() -> impl Strategy<Value = Value> {
    (
        0usize..2,
        proptest::sample::subsequence(vec![0usize, 1, 2], 1..=2),
        proptest::array::uniform3(0i64..=3),
        0usize..4,
    )
        .prop_map(|(channel, skills, levels, priority)| {
            let requires: serde_json::Map<String, Value> =
                skills.iter().map(|&s| (SKILLS[s].to_owned(), json!(levels[s]))).collect();
            json!({"channel": CHANNELS[channel], "requires": requires, "priority": PRIORITIES[priority]})
        })
}

fn instance() -> impl Strategy<Value = Value> {
    (prop::collection::vec(agent(), 1..=3), prop::collection::vec(item(), 1..=6)).prop_map(|(agents, items)| {
        let agents: Vec<Value> = agents
            .into_iter()
            .enumerate()
            .map(|(n, mut a)| {
                a["id"] = json!(format!("a{n}"));
                a
            })
            .collect();
        let items: Vec<Value> = items
            .into_iter()
            .enumerate()
            .map(|(n, mut i)| {
                i["id"] = json!(format!("t{n}"));
                i
            })
            .collect();
        json!({"agents": agents, "items": items})
    })
}

fn num(v: &Value, key: &str, channel: &str) -> i64 {
    v[key].get(channel).and_then(Value::as_i64).unwrap_or(0)
}

/// The secondary objective of docs/allocation.md, written out again from the
/// document rather than from the engine's code.
fn secondary(input: &Value, choice: &[Option<usize>]) -> i64 {
    let agents = input["agents"].as_array().unwrap();
    let items = input["items"].as_array().unwrap();
    let mut total = 0;
    for (i, a) in choice.iter().enumerate() {
        if let Some(a) = a {
            let (agent, item) = (&agents[*a], &items[i]);
            let mut excess = 0;
            for (s, r) in item["requires"].as_object().unwrap() {
                let held = agent["skills"].get(s).and_then(Value::as_i64).unwrap_or(0);
                excess += (held - r.as_i64().unwrap()).max(0);
            }
            total += 10 * excess;
            if eligible(agent, item) == Some(true) {
                total -= 20;
            }
        }
    }
    for channel in CHANNELS {
        let on: Vec<usize> = (0..items.len()).filter(|&i| items[i]["channel"] == channel).collect();
        let n = on.len() as i64;
        let with_room = agents
            .iter()
            .filter(|a| a["available"] != json!(false) && num(a, "capacity", channel) > num(a, "open", channel))
            .count() as i64;
        let cap = if with_room == 0 { 1 } else { ((2 * n + with_room - 1) / with_room).max(1) };
        let most = on.iter().map(|&i| items[i]["requires"].as_object().unwrap().len() as i64).max().unwrap_or(0);
        let weight = n * (100 + 50 * most + 20) + 1;
        for (a, agent) in agents.iter().enumerate() {
            let k = on.iter().filter(|&&i| choice[i] == Some(a)).count() as i64;
            let (capacity, open) = (num(agent, "capacity", channel), num(agent, "open", channel));
            for j in 1..=k {
                total += (100 * (open + j) + capacity - 1) / capacity;
            }
            total += weight * (k - cap).max(0);
        }
    }
    total
}

/// Every way of placing the items, keeping the lexicographically best counts and,
/// among them, the least secondary cost.
fn brute_force(input: &Value) -> ([usize; 4], i64) {
    let agents = input["agents"].as_array().unwrap();
    let items = input["items"].as_array().unwrap();
    let options = agents.len() + 1;
    let total = options.pow(items.len() as u32);
    let mut best: Option<([usize; 4], i64)> = None;
    let mut choice = vec![None; items.len()];
    'outer: for code in 0..total {
        let mut c = code;
        for slot in choice.iter_mut() {
            let o = c % options;
            c /= options;
            *slot = (o > 0).then(|| o - 1);
        }
        let mut counts = [0usize; 4];
        for (a, agent) in agents.iter().enumerate() {
            for channel in CHANNELS {
                let mine: Vec<usize> =
                    (0..items.len()).filter(|&i| choice[i] == Some(a) && items[i]["channel"] == channel).collect();
                if mine.is_empty() {
                    continue;
                }
                if agent["available"] == json!(false) {
                    continue 'outer;
                }
                let room = num(agent, "capacity", channel) - num(agent, "open", channel);
                if mine.len() as i64 > room {
                    continue 'outer;
                }
                let mut stretches = 0;
                for &i in &mine {
                    match eligible(agent, &items[i]) {
                        None => continue 'outer,
                        Some(true) => stretches += 1,
                        Some(false) => {}
                    }
                }
                if stretches > 1 {
                    continue 'outer;
                }
                for &i in &mine {
                    let p = PRIORITIES.iter().position(|p| items[i]["priority"] == *p).unwrap();
                    counts[p] += 1;
                }
            }
        }
        let cost = secondary(input, &choice);
        let better = match best {
            None => true,
            Some((bc, bf)) => counts > bc || (counts == bc && cost < bf),
        };
        if better {
            best = Some((counts, cost));
        }
    }
    best.unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn engine_matches_exhaustive_search(input in instance()) {
        let (problem, allocation, output) = run(&input);
        let counts = check_rules(&input, &output);
        let (best_counts, best_cost) = brute_force(&input);
        prop_assert_eq!(counts, best_counts);

        let agents = problem.agents();
        let choice: Vec<Option<usize>> = allocation.placements().iter().map(|p| p.map(|p| p.agent)).collect();
        prop_assert_eq!(secondary(&input, &choice), best_cost);

        for u in &allocation.unassigned {
            prop_assert!(!u.reason.contains("report"), "{}", u.reason);
        }
        for item in problem.items() {
            for agent in agents {
                let answer = why_not(&problem, &allocation, item.id(), agent.id());
                prop_assert!(!answer.contains("report") && !answer.contains("by -"), "{}", answer);
            }
        }
    }
}
