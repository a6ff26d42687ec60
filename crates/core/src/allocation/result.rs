//! The outcome of a run, in the contract's output shape.

use serde::Serialize;

use super::model::Priority;
use super::solve::Placement;

/// One item given to one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The item's id.
    pub item: String,
    /// The agent's id.
    pub agent: String,
    /// True exactly for a stretch assignment.
    pub stretch: bool,
    /// Why this agent, in words a team leader can check.
    pub rationale: String,
}

/// One item nobody could take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unassigned {
    /// The item's id.
    pub item: String,
    /// Why it could not be placed.
    pub reason: String,
}

/// A count per priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PriorityCounts {
    /// Urgent items.
    pub urgent: usize,
    /// High-priority items.
    pub high: usize,
    /// Normal-priority items.
    pub normal: usize,
    /// Low-priority items.
    pub low: usize,
}

impl PriorityCounts {
    /// Adds one to a priority's count.
    pub fn add(&mut self, priority: Priority) {
        *self.get_mut(priority) += 1;
    }

    /// The count for a priority.
    pub fn get(&self, priority: Priority) -> usize {
        match priority {
            Priority::Urgent => self.urgent,
            Priority::High => self.high,
            Priority::Normal => self.normal,
            Priority::Low => self.low,
        }
    }

    fn get_mut(&mut self, priority: Priority) -> &mut usize {
        match priority {
            Priority::Urgent => &mut self.urgent,
            Priority::High => &mut self.high,
            Priority::Normal => &mut self.normal,
            Priority::Low => &mut self.low,
        }
    }

    /// The counts most urgent first, for lexicographic comparison.
    pub fn as_array(&self) -> [usize; 4] {
        [self.urgent, self.high, self.normal, self.low]
    }
}

/// Assigned and unassigned counts per priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Items assigned, per priority.
    pub assigned: PriorityCounts,
    /// Items left unassigned, per priority.
    pub unassigned: PriorityCounts,
}

/// The whole outcome: serialises to exactly the contract's output document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// Assignments, in the items' input order.
    pub assignments: Vec<Assignment>,
    /// Unassigned items, in input order.
    pub unassigned: Vec<Unassigned>,
    /// Counts per priority.
    pub summary: Summary,
    /// Per item (input order), where it went; kept so that `why_not` and callers
    /// need not look ids up again.
    #[serde(skip)]
    pub(crate) placed: Vec<Option<Placement>>,
}

impl Allocation {
    /// Where each item went, by item index: the agent's index and whether it is a
    /// stretch, or `None` when unassigned.
    pub fn placements(&self) -> &[Option<Placement>] {
        &self.placed
    }
}
