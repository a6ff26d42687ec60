//! The hard rules (eligibility) and the secondary objective's exact terms.
//!
//! Kept in one place so the solver, the rationales and `why_not` cannot disagree
//! about what an assignment costs or whether it is allowed.

use super::model::{Agent, Item, Level, SkillId};

/// How an agent may take an item under hard rule 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Every required level is met. `excess` is the sum, over the required
    /// skills, of the agent's level minus the required level.
    Qualified {
        /// Levels held above what the item needs, summed over its required skills.
        excess: u32,
    },
    /// Every requirement is met except `skill`, which the agent is learning and
    /// holds at exactly one level below the requirement. `excess` counts only the
    /// requirements that are met.
    Stretch {
        /// The skill being stretched.
        skill: SkillId,
        /// Levels held above what the item needs on the other required skills.
        excess: u32,
    },
    /// Not eligible: the first requirement that rules the agent out.
    Ineligible {
        /// The skill that rules the agent out.
        skill: SkillId,
        /// The agent's level in it.
        held: Level,
        /// The level the item needs.
        required: Level,
        /// Why a stretch is not possible either.
        why: Shortfall,
    },
}

/// Why an unmet requirement cannot be a stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortfall {
    /// More than one level short.
    TooFar,
    /// One level short, but the agent is not learning the skill.
    NotLearning,
    /// One level short and learning, but another requirement is unmet too.
    SecondGap(SkillId),
}

/// Hard rule 3 for one agent and one item's requirements.
pub fn fit(agent: &Agent, requires: &[(SkillId, Level)]) -> Fit {
    let mut excess = 0u32;
    let mut gap: Option<SkillId> = None;
    for &(skill, required) in requires {
        let held = agent.level(skill);
        if held >= required {
            excess += u32::from(held.get() - required.get());
            continue;
        }
        let why = if held.get() + 1 != required.get() {
            Some(Shortfall::TooFar)
        } else if !agent.is_learning(skill) {
            Some(Shortfall::NotLearning)
        } else {
            gap.map(Shortfall::SecondGap)
        };
        match why {
            Some(why) => {
                return Fit::Ineligible { skill, held, required, why };
            }
            None => gap = Some(skill),
        }
    }
    match gap {
        Some(skill) => Fit::Stretch { skill, excess },
        None => Fit::Qualified { excess },
    }
}

/// Hard rule 3 for an item.
pub fn item_fit(agent: &Agent, item: &Item) -> Fit {
    fit(agent, item.requires())
}

/// Cost of one level of expertise held above what an item needs: keeps experts
/// free for the work that needs them.
pub const EXCESS_WEIGHT: i64 = 10;

/// Bonus (negative cost) for a stretch assignment: development is supported when
/// it costs no priority count.
pub const STRETCH_BONUS: i64 = 20;

/// Load cost scale: the unit that brings a channel's load to `u` of capacity `c`
/// costs `ceil(LOAD_SCALE × u / c)`.
pub const LOAD_SCALE: i64 = 100;

/// The per-assignment part of the secondary cost: `10 × excess − 20 × stretch`.
pub fn assignment_cost(fit: Fit) -> Option<i64> {
    match fit {
        Fit::Qualified { excess } => Some(EXCESS_WEIGHT * i64::from(excess)),
        Fit::Stretch { excess, .. } => Some(EXCESS_WEIGHT * i64::from(excess) - STRETCH_BONUS),
        Fit::Ineligible { .. } => None,
    }
}

/// The marginal load cost of the unit that brings a channel's load (open items
/// plus new ones) to `load` out of `capacity`: `ceil(100 × load / capacity)`.
/// It rises with `load`, so the total is convex and spreading work evenly
/// relative to capacity is cheapest.
pub fn load_cost(load: u32, capacity: u32) -> i64 {
    let capacity = i64::from(capacity.max(1));
    (LOAD_SCALE * i64::from(load) + capacity - 1) / capacity
}

/// The burst cap of a channel: how many new items one agent may take in one
/// run before each further item counts as over the cap. Twice the fair share
/// of the channel's items among the available agents with room on it, rounded up,
/// and at least 1.
pub fn burst_cap(items_on_channel: usize, agents_with_room: usize) -> u32 {
    if agents_with_room == 0 {
        return 1;
    }
    let cap = (2 * items_on_channel).div_ceil(agents_with_room);
    u32::try_from(cap.max(1)).unwrap_or(u32::MAX)
}

/// The largest per-item secondary cost in a problem whose items require at most
/// `max_requires` skills, ignoring the burst term. The burst weight is set above
/// `items × this`, which makes "fewest items over the cap" a strict first
/// secondary goal rather than a trade-off.
pub fn max_item_cost(max_requires: usize) -> i64 {
    let max_requires = i64::try_from(max_requires).unwrap_or(i64::MAX / 1_000_000);
    LOAD_SCALE + EXCESS_WEIGHT * i64::from(Level::MAX) * max_requires + STRETCH_BONUS
}
