//! From a [`Problem`] to placements: one exact min-cost flow per channel.
//!
//! Channels never interact under the contract (capacity, the stretch limit and
//! eligibility are all per channel), so each channel is solved on its own network:
//!
//! ```text
//! source ─supply per tier→ class ─qualified→ agent ─unit arcs, convex cost→ sink
//!                            └──stretch→ stretch(agent) ─cap 1→ agent
//! ```
//!
//! A *class* is every item of the channel with the same requirements: such items
//! are interchangeable, so the network has one node per class, not per item, and
//! 10,000 items collapse to as many classes as there are distinct requirement sets.
//!
//! Priority tiers are solved in order, each continuing from the previous flow.
//! The sets of items a flow network can place together form a matroid (a
//! gammoid), and an augmenting path never unplaces an item, so tier by tier the
//! counts reach the lexicographic maximum exactly; running shortest paths within
//! each tier is the same as one min-cost flow with infinitely heavy priority
//! weights, so the secondary cost is also exactly minimal among those optima.

use std::collections::HashMap;

use super::flow::{ArcSpec, Network};
use super::model::{Level, Priority, Problem, SkillId};
use super::rules::{Fit, assignment_cost, burst_cap, fit, load_cost, max_item_cost};

/// Where an item went: the agent's index and whether it is a stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index of the agent in [`Problem::agents`].
    pub agent: usize,
    /// True for a stretch assignment (hard rule 3, second case).
    pub stretch: bool,
}

/// The burst cap and its weight for one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelTerms {
    /// New items one agent may take before each further one is over the cap.
    pub cap: u32,
    /// Cost of one item over the cap: more than any possible difference in the
    /// other secondary terms, so the count over the cap is minimised first.
    pub weight: i64,
}

/// The burst terms of every channel, indexed by channel.
pub fn channel_terms(problem: &Problem) -> Vec<ChannelTerms> {
    let channels = problem.channel_names.len();
    let mut items = vec![0usize; channels];
    let mut max_requires = vec![0usize; channels];
    for item in &problem.items {
        let c = item.channel.index();
        items[c] += 1;
        max_requires[c] = max_requires[c].max(item.requires.len());
    }
    (0..channels)
        .map(|c| {
            let channel = super::model::ChannelId(c as u32);
            let with_room = problem.agents.iter().filter(|a| a.available && a.room(channel) > 0).count();
            let n = i64::try_from(items[c]).unwrap_or(i64::MAX / 2);
            ChannelTerms {
                cap: burst_cap(items[c], with_room),
                weight: n.saturating_mul(max_item_cost(max_requires[c])).saturating_add(1),
            }
        })
        .collect()
}

/// The marginal cost, on the sink side, of an agent's `nth` new item (1-based) on
/// a channel: the load term plus the burst term.
pub fn unit_cost(open: u32, capacity: u32, nth: u32, terms: ChannelTerms) -> i64 {
    let burst = if nth > terms.cap { terms.weight } else { 0 };
    load_cost(open + nth, capacity) + burst
}

struct Class<'p> {
    requires: &'p [(SkillId, Level)],
    /// Item indices per priority tier, in input order.
    items: [Vec<usize>; 4],
}

/// Solves every channel and returns, per item, where it went.
pub fn place(problem: &Problem) -> Vec<Option<Placement>> {
    let terms = channel_terms(problem);
    let mut placed = vec![None; problem.items.len()];
    let mut by_channel: Vec<Vec<usize>> = vec![Vec::new(); problem.channel_names.len()];
    for (i, item) in problem.items.iter().enumerate() {
        by_channel[item.channel.index()].push(i);
    }
    for (c, items) in by_channel.iter().enumerate() {
        if !items.is_empty() {
            solve_channel(problem, c, items, terms[c], &mut placed);
        }
    }
    placed
}

fn solve_channel(problem: &Problem, c: usize, items: &[usize], terms: ChannelTerms, placed: &mut [Option<Placement>]) {
    let channel = super::model::ChannelId(c as u32);

    let mut classes: Vec<Class<'_>> = Vec::new();
    let mut class_of: HashMap<&[(SkillId, Level)], usize> = HashMap::new();
    for &i in items {
        let item = &problem.items[i];
        let k = *class_of.entry(&item.requires).or_insert_with(|| {
            classes.push(Class { requires: &item.requires, items: Default::default() });
            classes.len() - 1
        });
        classes[k].items[item.priority.index()].push(i);
    }

    let agents: Vec<usize> = (0..problem.agents.len())
        .filter(|&a| problem.agents[a].available && problem.agents[a].room(channel) > 0)
        .collect();

    let k_count = classes.len();
    let a_count = agents.len();
    let source = 0u32;
    let sink = 1u32;
    let class_node = |k: usize| (2 + k) as u32;
    let agent_node = |a: usize| (2 + k_count + a) as u32;
    let stretch_node = |a: usize| (2 + k_count + a_count + a) as u32;
    let nodes = 2 + k_count + 2 * a_count;

    // Arcs in topological order (source, class, stretch, sink) so one pass over
    // them yields valid starting potentials.
    let mut arcs = Vec::new();
    for k in 0..k_count {
        arcs.push(ArcSpec { from: source, to: class_node(k), cap: 0, cost: 0 });
    }
    // (arc index, class, local agent, stretch)
    let mut class_arcs: Vec<(usize, usize, usize, bool)> = Vec::new();
    for (k, class) in classes.iter().enumerate() {
        let size: usize = class.items.iter().map(Vec::len).sum();
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        for (local, &a) in agents.iter().enumerate() {
            let f = fit(&problem.agents[a], class.requires);
            let Some(cost) = assignment_cost(f) else {
                continue;
            };
            let stretch = matches!(f, Fit::Stretch { .. });
            class_arcs.push((arcs.len(), k, local, stretch));
            arcs.push(ArcSpec {
                from: class_node(k),
                to: if stretch { stretch_node(local) } else { agent_node(local) },
                cap: size,
                cost,
            });
        }
    }
    for local in 0..a_count {
        arcs.push(ArcSpec { from: stretch_node(local), to: agent_node(local), cap: 1, cost: 0 });
    }
    for (local, &a) in agents.iter().enumerate() {
        let agent = &problem.agents[a];
        let open = agent.open(channel);
        let capacity = agent.capacity(channel);
        // No agent can take more of this channel's items than there are.
        let units = agent.room(channel).min(u32::try_from(items.len()).unwrap_or(u32::MAX));
        for nth in 1..=units {
            arcs.push(ArcSpec {
                from: agent_node(local),
                to: sink,
                cap: 1,
                cost: unit_cost(open, capacity, nth, terms),
            });
        }
    }

    let mut potentials = vec![0i64; nodes];
    for arc in &arcs {
        let through = potentials[arc.from as usize] + arc.cost;
        if through < potentials[arc.to as usize] {
            potentials[arc.to as usize] = through;
        }
    }

    let mut network = Network::build(nodes, &arcs, potentials, source, sink);
    let mut placed_per_tier = vec![[0usize; 4]; k_count];
    for priority in Priority::ALL {
        let t = priority.index();
        let supplies: Vec<(usize, i64)> = classes
            .iter()
            .enumerate()
            .map(|(k, class)| (k, i64::try_from(class.items[t].len()).unwrap_or(i64::MAX)))
            .collect();
        network.open_source(&supplies);
        network.run();
        for (k, (_, supply)) in supplies.iter().enumerate() {
            let left = network.residual(k);
            placed_per_tier[k][t] = usize::try_from(supply - left).unwrap_or(0);
        }
    }

    // Hand the class's placed items (most urgent first, then input order) to the
    // agents its arcs carry flow to; items in a class are interchangeable.
    let mut next_arc = vec![Vec::new(); k_count];
    for &(arc, k, local, stretch) in &class_arcs {
        let flow = network.flow(arc);
        if flow > 0 {
            next_arc[k].push((agents[local], stretch, flow));
        }
    }
    for (k, class) in classes.iter().enumerate() {
        let chosen = class.items.iter().zip(placed_per_tier[k]).flat_map(|(list, n)| list.iter().take(n).copied());
        let mut slots = next_arc[k].iter().flat_map(|&(agent, stretch, flow)| {
            std::iter::repeat_n(Placement { agent, stretch }, usize::try_from(flow).unwrap_or(0))
        });
        for i in chosen {
            placed[i] = slots.next();
        }
    }
}
