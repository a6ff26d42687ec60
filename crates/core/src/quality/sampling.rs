//! Sampling plans: which contacts to evaluate, drawn at random from a recorded
//! seed so that anyone can repeat the draw and audit it.
//!
//! Reproducibility rests on three things: the input is put in a fixed order
//! (agents by id, channels in [`Channel::ALL`] order, contacts by time then
//! id), the generator is ChaCha8 seeded from a `u64` (the same stream on
//! every platform), and every draw asks for a `u64` range, never `usize`,
//! whose sampling differs between 32- and 64-bit machines.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::stats::{Margin, sample_size_for_precision};
use crate::fields::{FieldError, FieldErrors};
use crate::kpi::Channel;

/// A reason to look at an agent's contacts more closely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFlag {
    /// The agent is new in post.
    NewStarter,
    /// The contact (or the agent's recent contacts) drew low CSAT.
    LowCsat,
    /// The contact led to a complaint.
    Complaint,
    /// The agent is on a performance improvement plan.
    ImprovementPlan,
}

/// A contact that may be sampled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    /// Unique within the population.
    pub id: String,
    /// The agent who handled it.
    pub agent: String,
    /// Its channel.
    pub channel: Channel,
    /// When it happened.
    pub at: Timestamp,
    /// Risk flags that apply to it: the caller marks every contact of a new
    /// starter or of an agent on an improvement plan, and the contacts that
    /// drew low CSAT or a complaint.
    pub risks: BTreeSet<RiskFlag>,
}

/// Contacts with unique ids, in a fixed order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Population {
    contacts: Vec<Contact>,
}

impl Population {
    /// Accepts contacts whose ids are unique and non-empty; errors name
    /// `contacts[i].id`.
    pub fn new(mut contacts: Vec<Contact>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut seen = BTreeSet::new();
        for (i, contact) in contacts.iter().enumerate() {
            if contact.id.trim().is_empty() {
                errors.push(FieldError::new(format!("contacts[{i}].id"), "Enter the contact's id."));
            } else if !seen.insert(contact.id.as_str()) {
                errors.push(FieldError::new(
                    format!("contacts[{i}].id"),
                    format!("The contact {:?} appears twice; list each contact once.", contact.id),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        contacts.sort_by(|a, b| (&a.agent, a.at, &a.id).cmp(&(&b.agent, b.at, &b.id)));
        Ok(Self { contacts })
    }

    /// The contacts, by agent, time and id.
    pub fn contacts(&self) -> &[Contact] {
        &self.contacts
    }
}

/// How many contacts each agent gets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Quota {
    /// A fixed number per agent for the period.
    PerAgent(u32),
    /// Enough evaluations in the reporting period for each agent's mean to be
    /// known within ± `margin` (see [`sample_size_for_precision`]), less those
    /// the agent already has. `assumed_sd` stands in for agents without a
    /// history.
    Precision {
        /// The target half-width of the 95% interval.
        margin: Margin,
        /// The fewest evaluations in the reporting period.
        minimum: u32,
        /// Standard deviation assumed for an agent with no observed one.
        assumed_sd: f64,
    },
}

/// What the plan knows of an agent's evaluations so far this reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct AgentHistory {
    /// Standard deviation of their QA scores, when known.
    pub observed_sd: Option<f64>,
    /// Evaluations they already have.
    pub evaluated: u32,
}

/// A team's sampling plan for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SamplingPlan {
    start: Timestamp,
    end: Timestamp,
    quota: Quota,
    top_ups: BTreeMap<RiskFlag, u32>,
    history: BTreeMap<String, AgentHistory>,
}

impl SamplingPlan {
    /// A plan for contacts from `start` up to (not including) `end`.
    pub fn new(start: Timestamp, end: Timestamp, quota: Quota) -> Result<Self, FieldError> {
        if end <= start {
            return Err(FieldError::new("end", "End the period after it starts."));
        }
        Ok(Self { start, end, quota, top_ups: BTreeMap::new(), history: BTreeMap::new() })
    }

    /// Draws `count` extra contacts flagged `flag` for each agent who has any.
    #[must_use]
    pub fn with_top_up(mut self, flag: RiskFlag, count: u32) -> Self {
        self.top_ups.insert(flag, count);
        self
    }

    /// Records an agent's history, used by a precision quota.
    #[must_use]
    pub fn with_history(mut self, agent: impl Into<String>, history: AgentHistory) -> Self {
        self.history.insert(agent.into(), history);
        self
    }

    /// The quota of `agent` before it is capped at their contacts.
    pub fn quota_for(&self, agent: &str) -> u32 {
        match self.quota {
            Quota::PerAgent(n) => n,
            Quota::Precision { margin, minimum, assumed_sd } => {
                let history = self.history.get(agent).copied().unwrap_or_default();
                let sd = history.observed_sd.unwrap_or(assumed_sd);
                sample_size_for_precision(sd, margin, minimum).saturating_sub(history.evaluated)
            }
        }
    }
}

/// Why a contact was picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PickReason {
    /// Part of the agent's quota, in this channel's share.
    Quota(Channel),
    /// An extra contact for this risk.
    TopUp(RiskFlag),
}

/// One picked contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pick {
    /// The contact.
    pub contact_id: String,
    /// Its agent.
    pub agent: String,
    /// Its channel.
    pub channel: Channel,
    /// When it happened.
    pub at: Timestamp,
    /// Why it was picked.
    pub reason: PickReason,
}

/// An agent with fewer contacts in the period than their quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    /// The agent.
    pub agent: String,
    /// Their quota.
    pub wanted: u32,
    /// Contacts they had in the period.
    pub available: u32,
}

/// The result of a draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    /// The seed, to record beside the sample.
    pub seed: u64,
    /// The picks, by agent, quota before top-ups.
    pub picks: Vec<Pick>,
    /// Agents whose quota could not be met.
    pub shortfalls: Vec<Shortfall>,
}

/// Draws a sample from the contacts of `population` inside the plan's period.
///
/// Per agent: the quota is shared among channels in proportion to the agent's
/// contacts in each (largest remainder); within a channel the period is cut
/// into as many equal time slices as contacts wanted and slices are visited in
/// turn, one random contact from each non-empty slice, until the share is met.
/// Then each risk top-up draws, the same way, among the agent's contacts with
/// that flag that were not yet picked. No contact is picked twice.
pub fn draw_sample(plan: &SamplingPlan, population: &Population, seed: u64) -> Sample {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut by_agent: BTreeMap<&str, Vec<&Contact>> = BTreeMap::new();
    for contact in population.contacts() {
        if plan.start <= contact.at && contact.at < plan.end {
            by_agent.entry(&contact.agent).or_default().push(contact);
        }
    }
    let mut picks = Vec::new();
    let mut shortfalls = Vec::new();
    for (agent, contacts) in by_agent {
        let wanted = plan.quota_for(agent);
        let available = u32::try_from(contacts.len()).unwrap_or(u32::MAX);
        if wanted > available {
            shortfalls.push(Shortfall { agent: agent.to_owned(), wanted, available });
        }
        let mut counts: BTreeMap<Channel, u32> = BTreeMap::new();
        for c in &contacts {
            *counts.entry(c.channel).or_default() += 1;
        }
        let mut taken: BTreeSet<&str> = BTreeSet::new();
        for (channel, share) in largest_remainder(wanted.min(available), &counts) {
            let pool: Vec<&Contact> = contacts.iter().copied().filter(|c| c.channel == channel).collect();
            for c in spread_draw(plan, pool, share, &mut rng) {
                taken.insert(&c.id);
                picks.push(pick(c, PickReason::Quota(channel)));
            }
        }
        for (&flag, &extra) in &plan.top_ups {
            let pool: Vec<&Contact> = contacts
                .iter()
                .copied()
                .filter(|c| c.risks.contains(&flag) && !taken.contains(c.id.as_str()))
                .collect();
            for c in spread_draw(plan, pool, extra, &mut rng) {
                taken.insert(&c.id);
                picks.push(pick(c, PickReason::TopUp(flag)));
            }
        }
    }
    Sample { seed, picks, shortfalls }
}

fn pick(contact: &Contact, reason: PickReason) -> Pick {
    Pick {
        contact_id: contact.id.clone(),
        agent: contact.agent.clone(),
        channel: contact.channel,
        at: contact.at,
        reason,
    }
}

/// Shares `total` among channels in proportion to `counts` (Hamilton's
/// method): each gets the whole part of its share, and the units left over go
/// to the largest fractional parts, ties to the larger channel, then to the
/// earlier one. A share never exceeds the channel's count while total ≤ Σ counts.
pub fn largest_remainder(total: u32, counts: &BTreeMap<Channel, u32>) -> Vec<(Channel, u32)> {
    let sum: u64 = counts.values().map(|&c| u64::from(c)).sum();
    if sum == 0 {
        return Vec::new();
    }
    // Exact integer arithmetic: the remainder of total·count / sum orders the
    // fractional parts without rounding.
    let mut shares: Vec<(Channel, u32, u64, u32)> = counts
        .iter()
        .map(|(&channel, &count)| {
            let product = u64::from(total) * u64::from(count);
            let whole = u32::try_from(product / sum).unwrap_or(u32::MAX);
            (channel, whole, product % sum, count)
        })
        .collect();
    let given: u64 = shares.iter().map(|s| u64::from(s.1)).sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        shares[b].2.cmp(&shares[a].2).then(shares[b].3.cmp(&shares[a].3)).then(shares[a].0.cmp(&shares[b].0))
    });
    let left = u64::from(total).saturating_sub(given);
    for &i in order.iter().take(usize::try_from(left).unwrap_or(usize::MAX)) {
        shares[i].1 += 1;
    }
    shares.into_iter().filter(|s| s.1 > 0).map(|(channel, share, _, _)| (channel, share)).collect()
}

/// Draws up to `k` contacts from `pool`, spread over `k` equal slices of the
/// plan's period, visiting the slices in turn.
fn spread_draw<'a>(plan: &SamplingPlan, pool: Vec<&'a Contact>, k: u32, rng: &mut ChaCha8Rng) -> Vec<&'a Contact> {
    if k == 0 || pool.is_empty() {
        return Vec::new();
    }
    let slices = usize::try_from(k).unwrap_or(usize::MAX).min(pool.len());
    let start = plan.start.as_nanosecond();
    let length = plan.end.as_nanosecond() - start;
    let mut buckets: Vec<Vec<&Contact>> = vec![Vec::new(); slices];
    for contact in pool {
        let offset = contact.at.as_nanosecond() - start;
        let slot = usize::try_from(offset * slices as i128 / length).unwrap_or(0).min(slices - 1);
        buckets[slot].push(contact);
    }
    let wanted = usize::try_from(k).unwrap_or(usize::MAX);
    let mut drawn = Vec::new();
    while drawn.len() < wanted && buckets.iter().any(|b| !b.is_empty()) {
        for bucket in &mut buckets {
            if drawn.len() == wanted {
                break;
            }
            if bucket.is_empty() {
                continue;
            }
            let at = rng.random_range(0..bucket.len() as u64);
            drawn.push(bucket.remove(usize::try_from(at).unwrap_or(0)));
        }
    }
    drawn
}
