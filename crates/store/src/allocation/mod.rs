//! Work allocation in the product: work items and their life, the live open
//! load per person and channel, batches (propose, adjust, confirm, "why not"),
//! pull mode, follow-up lists and the fairness view.
//!
//! How the pieces fit:
//!
//! - [`items`] creates, reads and moves items along (start, done, notes,
//!   check-in dates); [`import`] reads CSV or NDJSON files of new items.
//! - [`load`] keeps `work_load`: every assignment, completion and reassignment
//!   adjusts the counters in the same transaction ([`assign`] is the one place
//!   that does it), so decisions read counters instead of counting items.
//! - [`roster`] turns a team on a day into the engine's agents (skills,
//!   learning goals, capacity, open load, absence and working days).
//! - [`batch`] runs the engine over a team's open items and keeps the proposal
//!   as a draft a leader adjusts and confirms; [`pull`] gives one agent the
//!   best next item, atomically.
//! - [`followup`] lists overdue, at-risk and check-in-due items; [`fairness`]
//!   sums each person's work over a period.

pub mod assign;
pub mod batch;
pub mod fairness;
pub mod followup;
pub mod import;
pub mod items;
pub mod load;
pub mod pull;
pub mod roster;

pub use items::{RequiredSkill, WorkFilter, WorkItem, WorkNote};

/// Orders priorities in SQL, most urgent first.
pub(crate) const PRIORITY_RANK: &str =
    "CASE w.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END";

/// An instant stored as Unix seconds, as RFC 3339 for people and files.
pub(crate) fn instant_text(seconds: Option<i64>) -> Option<String> {
    seconds.and_then(|s| jiff::Timestamp::from_second(s).ok()).map(|t| t.to_string())
}
