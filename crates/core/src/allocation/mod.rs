//! Work allocation: who takes which item, exactly and explainably
//! (pinned contract §2, `crewdeck allocate`).
//!
//! [`Problem::from_json`] turns the contract's input into domain types, naming
//! the record at fault when it cannot. [`allocate`] is the whole engine, from a
//! parsed problem to the contract's output: it never breaks a hard rule, reaches
//! the lexicographic optimum of assigned counts by priority exactly, and among
//! those optima minimises the secondary objective of docs/allocation.md. Each
//! assignment carries a rationale; [`why_not`] answers for any agent.
//! [`pull`] serves one agent at a time: the next item it may take. [`work`]
//! parses the product's work items and [`shift`] reads working days from a
//! working pattern.

pub mod adjust;
mod explain;
mod flow;
mod model;
mod parse;
pub mod pull;
mod result;
mod rules;
pub mod shift;
mod solve;
pub mod work;

#[cfg(test)]
mod tests;

pub use model::{Agent, ChannelId, Item, Level, Priority, Problem, SkillId};
pub use result::{Allocation, Assignment, PriorityCounts, Summary, Unassigned};
pub use rules::{EXCESS_WEIGHT, Fit, LOAD_SCALE, STRETCH_BONUS, Shortfall, burst_cap, fit, item_fit, load_cost};
pub use solve::{ChannelTerms, Placement, channel_terms};

use explain::{EligibleCache, State};

/// Allocates every item of `problem`: the engine's single entry point, pure and
/// deterministic (the same problem always gives the same allocation).
pub fn allocate(problem: &Problem) -> Allocation {
    let placed = solve::place(problem);
    let state = State::new(problem, &placed);
    let mut cache = EligibleCache::new(problem);
    let channels = problem.channel_names.len();
    let mut given = vec![0u32; problem.agents.len() * channels];
    let mut assignments = Vec::new();
    let mut unassigned = Vec::new();
    let mut summary = Summary::default();
    for (i, item) in problem.items.iter().enumerate() {
        let eligible = cache.get(i);
        match placed[i] {
            Some(p) => {
                let slot = p.agent * channels + item.channel.index();
                given[slot] += 1;
                let load_after = problem.agents[p.agent].open(item.channel) + given[slot];
                assignments.push(Assignment {
                    item: item.id.clone(),
                    agent: problem.agents[p.agent].id.clone(),
                    stretch: p.stretch,
                    rationale: state.rationale(i, eligible, load_after),
                });
                summary.assigned.add(item.priority);
            }
            None => {
                unassigned.push(Unassigned { item: item.id.clone(), reason: state.unassigned_reason(i, eligible) });
                summary.unassigned.add(item.priority);
            }
        }
    }
    Allocation { assignments, unassigned, summary, placed }
}

/// Answers "why was `item` not given to `agent`?" for an allocation of
/// `problem`: the hard rule that forbids it, or the secondary-objective term that
/// made another agent the better choice. Unknown ids are answered as such.
pub fn why_not(problem: &Problem, allocation: &Allocation, item: &str, agent: &str) -> String {
    let Some(i) = problem.item_index(item) else {
        return format!("there is no item \"{item}\" in this problem");
    };
    let Some(a) = problem.agent_index(agent) else {
        return format!("there is no agent \"{agent}\" in this problem");
    };
    if allocation.placed.len() != problem.items.len() {
        return "this allocation was not made from this problem".to_owned();
    }
    State::new(problem, &allocation.placed).why_not(i, a)
}
