//! The domain of one allocation run: priorities, skill levels, agents and items.
//!
//! These types are built only by [`Problem::from_json`] (or the checked
//! constructors below), so the solver trusts them: every level is 0–5, every
//! capacity is a whole number, every id is unique and every item requires at least
//! one skill.

use std::fmt;

/// How urgent a piece of work is. The order of the variants is the order of
/// precedence: the engine maximises urgent items first, then high, normal, low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Must be done first.
    Urgent,
    /// Before normal work.
    High,
    /// The usual case.
    Normal,
    /// Only when there is room.
    Low,
}

impl Priority {
    /// Every priority, most urgent first.
    pub const ALL: [Priority; 4] = [Self::Urgent, Self::High, Self::Normal, Self::Low];

    /// Accepts exactly the names of the contract.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "urgent" => Some(Self::Urgent),
            "high" => Some(Self::High),
            "normal" => Some(Self::Normal),
            "low" => Some(Self::Low),
            _ => None,
        }
    }

    /// The name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Urgent => "urgent",
            Self::High => "high",
            Self::Normal => "normal",
            Self::Low => "low",
        }
    }

    /// Position in [`Priority::ALL`]; used to index per-priority counts.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A skill level from 0 (does not hold the skill) to 5 (expert).
///
/// Unlike [`crate::people::SkillLevel`], 0 is a value here: the allocation contract
/// treats a missing skill as level 0, and a level-0 learner may stretch to level 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Level(u8);

impl Level {
    /// The highest level.
    pub const MAX: u8 = 5;

    /// Accepts a whole number from 0 to 5.
    pub fn new(value: i64) -> Option<Self> {
        u8::try_from(value).ok().filter(|v| *v <= Self::MAX).map(Self)
    }

    /// The level as a number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Index of a skill name in [`Problem::skill_names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SkillId(pub(crate) u32);

/// Index of a channel name in [`Problem::channel_names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelId(pub(crate) u32);

impl SkillId {
    /// The position in the problem's skill table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ChannelId {
    /// The position in the problem's channel table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A person who can take work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub(crate) id: String,
    /// Level per skill, indexed by [`SkillId`]; dense because the solver looks
    /// levels up millions of times on large runs.
    pub(crate) levels: Vec<Level>,
    /// Whether each skill is one the agent is learning, indexed by [`SkillId`].
    pub(crate) learning: Vec<bool>,
    /// Capacity per channel, indexed by [`ChannelId`]; 0 where none was given.
    pub(crate) capacity: Vec<u32>,
    /// Items already open per channel, indexed by [`ChannelId`].
    pub(crate) open: Vec<u32>,
    pub(crate) available: bool,
}

impl Agent {
    /// The agent's id as given in the input.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The agent's level in a skill (0 when the agent lacks it).
    pub fn level(&self, skill: SkillId) -> Level {
        self.levels.get(skill.index()).copied().unwrap_or_default()
    }

    /// Whether the agent is learning the skill.
    pub fn is_learning(&self, skill: SkillId) -> bool {
        self.learning.get(skill.index()).copied().unwrap_or(false)
    }

    /// Capacity on a channel (0 when none was given).
    pub fn capacity(&self, channel: ChannelId) -> u32 {
        self.capacity.get(channel.index()).copied().unwrap_or(0)
    }

    /// Items already open on a channel.
    pub fn open(&self, channel: ChannelId) -> u32 {
        self.open.get(channel.index()).copied().unwrap_or(0)
    }

    /// Room left on a channel before this run: capacity − open, never below 0
    /// (open above capacity simply means no room, per the contract).
    pub fn room(&self, channel: ChannelId) -> u32 {
        self.capacity(channel).saturating_sub(self.open(channel))
    }

    /// Whether the agent may take work at all (hard rule 1).
    pub fn is_available(&self) -> bool {
        self.available
    }
}

/// A piece of work to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub(crate) id: String,
    pub(crate) channel: ChannelId,
    /// Required levels, sorted by skill and never empty.
    pub(crate) requires: Vec<(SkillId, Level)>,
    pub(crate) priority: Priority,
}

impl Item {
    /// The item's id as given in the input.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The channel the item arrives on.
    pub fn channel(&self) -> ChannelId {
        self.channel
    }

    /// The required level per skill, sorted by skill; never empty.
    pub fn requires(&self) -> &[(SkillId, Level)] {
        &self.requires
    }

    /// The item's priority.
    pub fn priority(&self) -> Priority {
        self.priority
    }
}

/// A whole allocation problem, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub(crate) skill_names: Vec<String>,
    pub(crate) channel_names: Vec<String>,
    pub(crate) agents: Vec<Agent>,
    pub(crate) items: Vec<Item>,
}

impl Problem {
    /// The agents, in input order.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// The items, in input order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The name of a skill.
    pub fn skill_name(&self, skill: SkillId) -> &str {
        self.skill_names.get(skill.index()).map_or("?", String::as_str)
    }

    /// The name of a channel.
    pub fn channel_name(&self, channel: ChannelId) -> &str {
        self.channel_names.get(channel.index()).map_or("?", String::as_str)
    }

    /// Every skill name, indexed by [`SkillId`].
    pub fn skill_names(&self) -> &[String] {
        &self.skill_names
    }

    /// Every channel name, indexed by [`ChannelId`].
    pub fn channel_names(&self) -> &[String] {
        &self.channel_names
    }

    /// The position of the agent with this id.
    pub fn agent_index(&self, id: &str) -> Option<usize> {
        self.agents.iter().position(|a| a.id == id)
    }

    /// The position of the item with this id.
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }
}
