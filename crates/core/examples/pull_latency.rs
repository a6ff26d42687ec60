//! Pull decision latency: 100,000 decisions over a problem file's agents and items.
//!
//! ```text
//! python3 bench/allocation/gen.py --out /tmp/large.json
//! cargo run --release -p crewdeck-core --example pull_latency -- /tmp/large.json [decisions] [seed]
//! ```
//!
//! Every item of the file is queued (with its `due_at`), then a seeded random
//! available agent with room pulls, over and over. Only [`next_for`] is timed:
//! the decision. The item chosen is then taken and queued again as a fresh
//! arrival with the same requirements, so the queue stays at its full size and
//! every decision works on the same number of open items (taking and queueing are
//! timed separately). Prints p50/p99/p99.9/max in microseconds, as JSON.

use std::time::{Duration, Instant};

use crewdeck_core::allocation::pull::{ItemQueue, next_for};
use crewdeck_core::allocation::{ChannelId, Problem};
use jiff::Timestamp;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: pull_latency PROBLEM.json [DECISIONS] [SEED]")?;
    let decisions: usize = args.next().map_or(Ok(100_000), |s| s.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |s| s.parse())?;

    let text = std::fs::read_to_string(&path)?;
    let problem = Problem::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let raw: Value = serde_json::from_str(&text)?;
    let dues: Vec<Option<Timestamp>> = raw["items"]
        .as_array()
        .ok_or("no items array")?
        .iter()
        .map(|i| i["due_at"].as_str().and_then(|d| d.parse().ok()))
        .collect();

    let mut queue = ItemQueue::new();
    for (item, due) in problem.items().iter().zip(&dues) {
        queue.push(item.clone(), *due);
    }
    // The channels items arrive on; an agent with room on none of them never pulls.
    let mut channels: Vec<ChannelId> = problem.items().iter().map(|i| i.channel()).collect();
    channels.sort_unstable();
    channels.dedup();
    let pullers: Vec<usize> = (0..problem.agents().len())
        .filter(|&a| {
            let agent = &problem.agents()[a];
            agent.is_available() && channels.iter().any(|&c| agent.room(c) > 0)
        })
        .collect();
    if pullers.is_empty() {
        return Err("no available agent with room".into());
    }

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut latencies = Vec::with_capacity(decisions);
    let mut requeue = Duration::ZERO;
    let mut found = 0usize;
    let mut stretches = 0usize;
    for _ in 0..decisions {
        let agent = &problem.agents()[pullers[rng.random_range(0..pullers.len())]];
        let start = Instant::now();
        let pull = next_for(agent, &queue);
        latencies.push(start.elapsed());
        let Some(pull) = std::hint::black_box(pull) else { continue };
        found += 1;
        stretches += usize::from(pull.stretch);
        let start = Instant::now();
        if let Some((item, due)) = queue.take(pull.key) {
            queue.push(item, due);
        }
        requeue += start.elapsed();
    }

    latencies.sort_unstable();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1e6
    };
    let mean = latencies.iter().sum::<Duration>().as_secs_f64() * 1e6 / latencies.len() as f64;
    let report = serde_json::json!({
        "decisions": latencies.len(),
        "agents_pulling": pullers.len(),
        "open_items": queue.len(),
        "found": found,
        "stretches": stretches,
        "latency_us": {"mean": mean, "p50": at(0.50), "p99": at(0.99), "p999": at(0.999), "max": at(1.0)},
        "take_and_requeue_us_mean": requeue.as_secs_f64() * 1e6 / found.max(1) as f64,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
