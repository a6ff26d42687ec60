//! Words for people: the rationale of each assignment, the reason an item stayed
//! unassigned, and the answer to "why not agent X?".
//!
//! Every sentence is derived from the same terms the solver minimised
//! ([`super::rules`]), measured on the final allocation, so an explanation can be
//! checked by hand against docs/allocation.md.

use std::collections::HashMap;

use super::model::{ChannelId, Item, Level, Problem, SkillId};
use super::rules::{Fit, Shortfall, assignment_cost, fit};
use super::solve::{ChannelTerms, Placement, channel_terms, unit_cost};

/// Why an eligible agent cannot take one more item on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blocker {
    /// Open items already fill the channel before this run.
    FullBefore { open: u32, capacity: u32 },
    /// This run's assignments fill the channel.
    FullAfter { capacity: u32 },
    /// Only a stretch is possible and the channel's one stretch is used.
    StretchUsed { by: usize },
}

/// The final state of a run, from which every explanation is measured.
pub(crate) struct State<'p> {
    problem: &'p Problem,
    placed: &'p [Option<Placement>],
    channels: usize,
    new_load: Vec<u32>,
    stretch_item: Vec<Option<usize>>,
    terms: Vec<ChannelTerms>,
}

impl<'p> State<'p> {
    pub(crate) fn new(problem: &'p Problem, placed: &'p [Option<Placement>]) -> Self {
        let channels = problem.channel_names.len();
        let slots = problem.agents.len() * channels;
        let mut new_load = vec![0u32; slots];
        let mut stretch_item = vec![None; slots];
        for (i, place) in placed.iter().enumerate() {
            if let Some(p) = place {
                let slot = p.agent * channels + problem.items[i].channel.index();
                new_load[slot] += 1;
                if p.stretch {
                    stretch_item[slot] = Some(i);
                }
            }
        }
        Self { problem, placed, channels, new_load, stretch_item, terms: channel_terms(problem) }
    }

    fn slot(&self, agent: usize, channel: ChannelId) -> usize {
        agent * self.channels + channel.index()
    }

    fn agent_name(&self, agent: usize) -> &str {
        &self.problem.agents[agent].id
    }

    fn channel_name(&self, channel: ChannelId) -> &str {
        self.problem.channel_name(channel)
    }

    fn skill_name(&self, skill: SkillId) -> &str {
        self.problem.skill_name(skill)
    }

    /// What the secondary objective saves if `agent` gives up one item of
    /// `channel` whose per-assignment cost is `own`: its last unit and that cost.
    fn cost_out(&self, agent: usize, channel: ChannelId, own: i64) -> i64 {
        let a = &self.problem.agents[agent];
        let n = self.new_load[self.slot(agent, channel)];
        own + unit_cost(a.open(channel), a.capacity(channel), n, self.terms[channel.index()])
    }

    /// What it costs for `agent` to take one more item of `item`'s channel, or why
    /// it cannot (hard rules 2 and 4). A stretch slot held by `item` itself does
    /// not count: that is the item being moved.
    fn cost_in(&self, agent: usize, item: usize, f: Fit) -> Result<i64, Blocker> {
        let channel = self.problem.items[item].channel;
        let a = &self.problem.agents[agent];
        let (open, capacity) = (a.open(channel), a.capacity(channel));
        if a.room(channel) == 0 {
            return Err(Blocker::FullBefore { open, capacity });
        }
        let n = self.new_load[self.slot(agent, channel)];
        if n >= a.room(channel) {
            return Err(Blocker::FullAfter { capacity });
        }
        if let Fit::Stretch { .. } = f
            && let Some(by) = self.stretch_item[self.slot(agent, channel)]
            && by != item
        {
            return Err(Blocker::StretchUsed { by });
        }
        let own = assignment_cost(f).unwrap_or(0);
        Ok(own + unit_cost(open, capacity, n + 1, self.terms[channel.index()]))
    }

    fn blocker_text(&self, blocker: Blocker, channel: ChannelId) -> String {
        let c = self.channel_name(channel);
        match blocker {
            Blocker::FullBefore { open, capacity } => {
                format!("{c} full before this run: {open} open of {capacity}")
            }
            Blocker::FullAfter { capacity } => format!("{c} full: {capacity}/{capacity}"),
            Blocker::StretchUsed { by } => {
                format!("could only stretch, and already has a stretch on {c} (item {})", self.problem.items[by].id)
            }
        }
    }

    /// `billing 2 and french 3`.
    fn requirement_text(&self, item: &Item) -> String {
        let parts: Vec<String> =
            item.requires.iter().map(|&(s, l)| format!("{} {}", self.skill_name(s), l.get())).collect();
        join_and(&parts)
    }

    /// `billing 3 ≥ 2; stretch on returns: holds 1, 2 required, learning it`.
    fn fit_text(&self, agent: usize, item: &Item) -> String {
        let a = &self.problem.agents[agent];
        let mut parts = Vec::with_capacity(item.requires.len());
        for &(skill, required) in &item.requires {
            let held = a.level(skill);
            let name = self.skill_name(skill);
            if held >= required {
                parts.push(format!("{name} {} \u{2265} {}", held.get(), required.get()));
            } else {
                parts.push(format!(
                    "stretch on {name}: holds {}, {} required, learning it",
                    held.get(),
                    required.get()
                ));
            }
        }
        parts.join("; ")
    }

    /// Why `other` was not preferred to `chosen` for an item both could take, in a
    /// few words naming the term of the objective that decided it.
    fn preference_text(&self, item: usize, chosen: usize, chosen_fit: Fit, other: usize, other_fit: Fit) -> String {
        let it = &self.problem.items[item];
        let channel = it.channel;
        let terms = self.terms[channel.index()];
        let (ca, cb) = (&self.problem.agents[chosen], &self.problem.agents[other]);
        let n_a = self.new_load[self.slot(chosen, channel)];
        let n_b = self.new_load[self.slot(other, channel)] + 1;
        let burst = |n: u32| if n > terms.cap { terms.weight } else { 0 };
        let d_burst = burst(n_b) - burst(n_a);
        let excess = |f: Fit| match f {
            Fit::Qualified { excess } | Fit::Stretch { excess, .. } => i64::from(excess),
            Fit::Ineligible { .. } => 0,
        };
        let d_excess = super::rules::EXCESS_WEIGHT * (excess(other_fit) - excess(chosen_fit));
        let bonus = |f: Fit| i64::from(matches!(f, Fit::Stretch { .. })) * super::rules::STRETCH_BONUS;
        let d_stretch = bonus(chosen_fit) - bonus(other_fit);
        let load = |a: &super::model::Agent, n: u32| super::rules::load_cost(a.open(channel) + n, a.capacity(channel));
        let d_load = load(cb, n_b) - load(ca, n_a);
        let total = d_burst + d_excess + d_stretch + d_load;
        let c = self.channel_name(channel);
        if total == 0 {
            return format!(
                "equally good: {c} load would be {}/{}; tie broken by the solver's fixed order",
                cb.open(channel) + n_b,
                cb.capacity(channel)
            );
        }
        let largest = [d_burst, d_excess, d_stretch, d_load]
            .into_iter()
            .enumerate()
            .max_by_key(|&(i, d)| (d, std::cmp::Reverse(i)))
            .map_or(3, |(i, _)| i);
        match largest {
            0 => format!("already has {} new {c} items, the burst cap is {}", n_b - 1, terms.cap),
            1 => {
                let (skill, level) = most_surplus(cb, it);
                format!("{} {}: kept for work that needs level {}", self.skill_name(skill), level.get(), level.get())
            }
            2 => format!("a development stretch for {}", ca.id),
            _ => format!("{c} load would be {}/{}", cb.open(channel) + n_b, cb.capacity(channel)),
        }
    }

    /// The rationale of one assignment; `load_after` is the agent's load on the
    /// channel counting the items given so far in input order.
    pub(crate) fn rationale(&self, item: usize, eligible: &[(usize, Fit)], load_after: u32) -> String {
        let Some(place) = self.placed[item] else {
            return String::new();
        };
        let it = &self.problem.items[item];
        let channel = it.channel;
        let agent = &self.problem.agents[place.agent];
        let mut text = format!(
            "{}; {} load {}/{} after this",
            self.fit_text(place.agent, it),
            self.channel_name(channel),
            load_after,
            agent.capacity(channel)
        );
        let terms = self.terms[channel.index()];
        if self.new_load[self.slot(place.agent, channel)] > terms.cap {
            text.push_str(&format!("; over the burst cap of {} new items", terms.cap));
        }
        let chosen_fit = fit(agent, &it.requires);
        let own = assignment_cost(chosen_fit).unwrap_or(0);
        let out = self.cost_out(place.agent, channel, own);
        // Rank first and put words only to the two closest rivals: an item can
        // have hundreds of eligible agents.
        let mut rivals: Vec<(bool, i64, usize, Fit, Option<Blocker>)> = eligible
            .iter()
            .filter(|(b, _)| *b != place.agent)
            .map(|&(b, f)| match self.cost_in(b, item, f) {
                Ok(cost) => (false, cost - out, b, f, None),
                Err(blocker) => (true, 0, b, f, Some(blocker)),
            })
            .collect();
        let shown = rivals.len().min(2);
        if shown > 0 {
            rivals.select_nth_unstable_by_key(shown - 1, |r| (r.0, r.1, r.2));
            rivals[..shown].sort_unstable_by_key(|r| (r.0, r.1, r.2));
        }
        let named: Vec<String> = rivals[..shown]
            .iter()
            .map(|&(_, _, b, f, blocker)| {
                let why = match blocker {
                    Some(blocker) => self.blocker_text(blocker, channel),
                    None => self.preference_text(item, place.agent, chosen_fit, b, f),
                };
                format!("agent {} ({why})", self.agent_name(b))
            })
            .collect();
        if named.is_empty() {
            text.push_str("; the only eligible available agent");
        } else {
            text.push_str("; chosen over ");
            text.push_str(&join_and(&named));
            if rivals.len() > 2 {
                text.push_str(&format!(" and {} more", rivals.len() - 2));
            }
        }
        text
    }

    /// Why an item stayed unassigned.
    pub(crate) fn unassigned_reason(&self, item: usize, eligible: &[(usize, Fit)]) -> String {
        let it = &self.problem.items[item];
        let channel = it.channel;
        let c = self.channel_name(channel);
        let with_capacity = self.problem.agents.iter().any(|a| a.available && a.capacity(channel) > 0);
        if !with_capacity {
            return format!("no available agent has {c} capacity");
        }
        let eligible: Vec<&(usize, Fit)> =
            eligible.iter().filter(|(a, _)| self.problem.agents[*a].capacity(channel) > 0).collect();
        if eligible.is_empty() {
            return format!(
                "no available agent with {c} capacity holds {} (or is one level short on one of them and learning it)",
                self.requirement_text(it)
            );
        }
        let mut blocked = Vec::new();
        for &&(a, f) in &eligible {
            match self.cost_in(a, item, f) {
                Err(blocker) => {
                    blocked.push(format!("agent {} ({})", self.agent_name(a), self.blocker_text(blocker, channel)))
                }
                Ok(_) => {
                    return format!(
                        "agent {} could take it; this contradicts the engine's optimality, please report it",
                        self.agent_name(a)
                    );
                }
            }
        }
        let shown = blocked.len().min(3);
        let mut text = format!("every eligible agent is blocked: {}", blocked[..shown].join(", "));
        if blocked.len() > shown {
            text.push_str(&format!(" and {} more", blocked.len() - shown));
        }
        text.push_str(&format!("; freeing a place would unassign {} work or more urgent", it.priority));
        text
    }

    /// The answer to "why was `item` not given to `agent`?".
    pub(crate) fn why_not(&self, item: usize, agent: usize) -> String {
        let it = &self.problem.items[item];
        let a = &self.problem.agents[agent];
        let channel = it.channel;
        let c = self.channel_name(channel);
        let name = &a.id;
        if let Some(p) = self.placed[item]
            && p.agent == agent
        {
            let kind = if p.stretch { "as a stretch" } else { "as qualified" };
            return format!("agent {name} was given item {} ({kind})", it.id);
        }
        if !a.available {
            return format!("agent {name} is not available (hard rule 1)");
        }
        if a.capacity(channel) == 0 {
            return format!("agent {name} has no {c} capacity (hard rule 2)");
        }
        let f = fit(a, &it.requires);
        if let Fit::Ineligible { skill, held, required, why } = f {
            let s = self.skill_name(skill);
            let (h, r) = (held.get(), required.get());
            return match why {
                Shortfall::TooFar => format!(
                    "agent {name} holds {s} {h} but item {} needs {s} {r}; a stretch covers one level only (hard rule 3)",
                    it.id
                ),
                Shortfall::NotLearning => format!(
                    "agent {name} holds {s} {h}, one below the {r} item {} needs, but is not learning {s}, so it cannot be a stretch (hard rule 3)",
                    it.id
                ),
                Shortfall::SecondGap(first) => format!(
                    "agent {name} is short on both {} and {s} for item {}; a stretch may cover one skill only (hard rule 3)",
                    self.skill_name(first),
                    it.id
                ),
            };
        }
        let cost = match self.cost_in(agent, item, f) {
            Err(blocker) => {
                let rule = match blocker {
                    Blocker::StretchUsed { .. } => "hard rule 4",
                    _ => "hard rule 2",
                };
                let tail = if self.placed[item].is_some() {
                    String::new()
                } else {
                    format!("; freeing a place would unassign {} work or more urgent", it.priority)
                };
                return format!("agent {name}: {} ({rule}){tail}", self.blocker_text(blocker, channel));
            }
            Ok(cost) => cost,
        };
        match self.placed[item] {
            None => {
                format!("agent {name} is eligible and has room; the engine should have assigned it, please report this")
            }
            Some(p) => {
                let chosen = &self.problem.agents[p.agent];
                let chosen_fit = fit(chosen, &it.requires);
                let out = self.cost_out(p.agent, channel, assignment_cost(chosen_fit).unwrap_or(0));
                let delta = cost - out;
                let because = self.preference_text(item, p.agent, chosen_fit, agent, f);
                if delta == 0 {
                    format!("agent {name} was as good a choice as agent {} ({because})", chosen.id)
                } else {
                    format!(
                        "giving item {} to agent {name} instead of agent {} would raise the secondary cost by {delta} ({because}); see docs/allocation.md",
                        it.id, chosen.id
                    )
                }
            }
        }
    }
}

/// The required skill on which the agent holds most above the requirement.
fn most_surplus(agent: &super::model::Agent, item: &Item) -> (SkillId, Level) {
    item.requires
        .iter()
        .map(|&(s, r)| (agent.level(s).get().saturating_sub(r.get()), s))
        .max()
        .map_or((SkillId(0), Level::default()), |(_, s)| (s, agent.level(s)))
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Items with the same channel and requirements are interchangeable.
type ClassKey<'p> = (ChannelId, &'p [(SkillId, Level)]);

/// The eligible available agents of every (channel, requirements) pair, computed
/// once per pair because items that share them share the answer.
pub(crate) struct EligibleCache<'p> {
    problem: &'p Problem,
    cache: HashMap<ClassKey<'p>, Vec<(usize, Fit)>>,
}

impl<'p> EligibleCache<'p> {
    pub(crate) fn new(problem: &'p Problem) -> Self {
        Self { problem, cache: HashMap::new() }
    }

    pub(crate) fn get(&mut self, item: usize) -> &[(usize, Fit)] {
        let problem = self.problem;
        let it = &problem.items[item];
        self.cache.entry((it.channel, &it.requires)).or_insert_with(|| {
            problem
                .agents
                .iter()
                .enumerate()
                .filter(|(_, a)| a.available && a.capacity(it.channel) > 0)
                .filter_map(|(i, a)| {
                    let f = fit(a, &it.requires);
                    assignment_cost(f).map(|_| (i, f))
                })
                .collect()
        })
    }
}
