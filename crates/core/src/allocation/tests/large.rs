//! The acceptance size: 10,000 items, 1,000 agents, 30 skills.

use std::time::Instant;

use serde_json::{Value, json};

use super::check_rules;
use crate::allocation::{Problem, allocate};

/// A small deterministic generator (xorshift64*), so the instance is the same on
/// every run without a dependency.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n
    }
}

/// A random instance of the given size: agents hold `held` skill draws and learn two,
/// items need one to three skills at levels 1–4, over three channels.
pub(crate) fn random_instance(items: usize, agents: usize, skills: u64, held: usize, seed: u64) -> Value {
    let mut rng = Rng::new(seed);
    let channels = ["email", "chat", "voice"];
    let agents: Vec<Value> = (0..agents)
        .map(|n| {
            let mut skill_levels = serde_json::Map::new();
            for _ in 0..held {
                skill_levels.insert(format!("s{}", rng.below(skills)), json!(1 + rng.below(5)));
            }
            let learning: Vec<String> = (0..2).map(|_| format!("s{}", rng.below(skills))).collect();
            json!({
                "id": format!("a{n}"), "skills": skill_levels, "learning": learning,
                "capacity": {"email": rng.below(11), "chat": rng.below(5), "voice": rng.below(3)},
                "open": {"email": rng.below(4), "chat": rng.below(2)},
                "available": rng.below(20) != 0
            })
        })
        .collect();
    let priorities = ["urgent", "high", "normal", "low"];
    let items: Vec<Value> = (0..items)
        .map(|n| {
            let mut requires = serde_json::Map::new();
            for _ in 0..=rng.below(3) {
                requires.insert(format!("s{}", rng.below(skills)), json!(1 + rng.below(4)));
            }
            json!({
                "id": format!("t{n}"), "channel": channels[rng.below(3) as usize],
                "requires": requires, "priority": priorities[rng.below(4) as usize]
            })
        })
        .collect();
    json!({"agents": agents, "items": items})
}

fn solve_large(held: usize) {
    let input = random_instance(10_000, 1_000, 30, held, 7);
    let problem = Problem::from_value(&input).unwrap();
    let started = Instant::now();
    let placed = crate::allocation::solve::place(&problem);
    let solving = started.elapsed();
    let allocation = allocate(&problem);
    let took = started.elapsed() - solving;
    eprintln!(
        "10,000 × 1,000 × 30 ({held} skill draws per agent): solve {solving:?}, whole allocate {took:?}, assigned {:?}",
        allocation.summary.assigned
    );
    assert_eq!(placed, allocation.placed);
    let output = serde_json::to_value(&allocation).unwrap();
    let counts = check_rules(&input, &output);
    assert!(counts.iter().sum::<usize>() > 1_000, "{counts:?}");
}

#[test]
fn ten_thousand_items_thousand_agents_thirty_skills() {
    // Six skill draws per agent: each item has tens of eligible agents.
    solve_large(6);
}

#[test]
#[ignore = "2 s in release, much longer in debug: run with cargo test --release -- --ignored"]
fn ten_thousand_items_thousand_agents_thirty_skills_dense() {
    // Sixty draws: most agents hold most skills, so items have hundreds of
    // eligible agents and the network has millions of arcs.
    solve_large(60);
}
