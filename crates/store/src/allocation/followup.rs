//! Follow-up (delegation is not abdication): what a leader should look at —
//! overdue work, work at risk (due soon and not started), and delegated items
//! whose check-in date has come.

use crewdeck_core::allocation::work::WorkState;
use jiff::Timestamp;
use jiff::civil::Date;

use super::items::{self, WorkFilter, WorkItem};
use crate::db::Db;
use crate::error::StoreResult;

/// How soon "due soon" is: an item due within this many hours and not yet
/// started is at risk.
pub const AT_RISK_HOURS: i64 = 4;

/// The follow-up lists of some teams.
#[derive(Debug, Clone, Default)]
pub struct FollowUp {
    /// Not done and past due, most overdue first.
    pub overdue: Vec<WorkItem>,
    /// Due within [`AT_RISK_HOURS`] and not started (open or assigned).
    pub at_risk: Vec<WorkItem>,
    /// Assigned or in progress with a check-in date today or earlier.
    pub check_ins: Vec<WorkItem>,
}

impl FollowUp {
    /// True when there is nothing to follow up.
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.at_risk.is_empty() && self.check_ins.is_empty()
    }
}

/// The follow-up lists for `team_ids` (every team when `None`) at `now`.
pub async fn lists(db: &Db, team_ids: Option<Vec<i64>>, now: Timestamp, today: Date) -> StoreResult<FollowUp> {
    let filter = WorkFilter {
        team_ids,
        assignee: None,
        states: vec![WorkState::Open, WorkState::Assigned, WorkState::InProgress],
    };
    let live = items::list(db, &filter).await?;
    let now_s = now.as_second();
    let soon = now_s + AT_RISK_HOURS * 3600;
    let today = today.to_string();
    let mut out = FollowUp::default();
    for item in live {
        let state = item.work_state();
        match item.due_seconds() {
            Some(due) if due < now_s => out.overdue.push(item.clone()),
            Some(due) if due <= soon && matches!(state, Some(WorkState::Open | WorkState::Assigned)) => {
                out.at_risk.push(item.clone())
            }
            _ => {}
        }
        let delegated = state.is_some_and(WorkState::counts_as_load);
        if delegated && item.check_in_on.as_deref().is_some_and(|d| d <= today.as_str()) {
            out.check_ins.push(item);
        }
    }
    out.overdue.sort_by_key(|i| i.due_seconds());
    out.at_risk.sort_by_key(|i| i.due_seconds());
    Ok(out)
}
