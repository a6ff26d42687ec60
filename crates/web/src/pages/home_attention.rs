//! What a team needs its leader to look at today, for the home page: the
//! KPIs off or close to target over the last seven days, the work to follow
//! up and the quality work waiting. Each part shows only when the caller may
//! see it, and links to the page where it is dealt with.

use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::kpi::Rag;
use crewdeck_store::allocation::followup;
use crewdeck_store::quality::attention::{self, Waiting};
use jiff::ToSpan;

use super::dashboards::tiles_for;
use super::kpi_scope::{About, Period, scope_for};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Days the KPI check looks back over, today included: long enough for a
/// sample, short enough to be news.
const DAYS: i64 = 7;

/// A KPI off or close to its target.
pub struct OffTarget {
    /// "Service level (voice)".
    pub title: String,
    /// The value as people read it.
    pub value: String,
    /// The rule that set the status ("Target 80.0%, amber within 5 points").
    pub rule: String,
    /// `red` or `amber`.
    pub rag: &'static str,
    /// The tile on the team dashboard over the same days.
    pub href: String,
}

/// The KPI part: figures needing a look, and how many targets are met.
pub struct KpiAttention {
    /// Off or close to target, red first.
    pub off: Vec<OffTarget>,
    /// KPIs with a target and data that are on target.
    pub on_target: usize,
    /// The dashboard over the same days.
    pub href: String,
}

/// The follow-up part, in counts.
pub struct WorkAttention {
    /// Past due and not done.
    pub overdue: usize,
    /// Due soon and not started.
    pub at_risk: usize,
    /// Delegated work whose check-in date has come.
    pub check_ins: usize,
}

/// Everything one team card shows beyond its people.
pub struct Attention {
    /// `None` when the caller may not see the team's dashboard.
    pub kpis: Option<KpiAttention>,
    /// `None` when the caller may not manage the team's work.
    pub work: Option<WorkAttention>,
    /// `None` when the caller may not see the team's evaluations.
    pub quality: Option<Waiting>,
}

/// What needs attention in team `team_id`, whose current members are `members`.
pub async fn for_team(
    state: &AppState,
    session: &Session,
    team_id: i64,
    members: &[i64],
) -> Result<Attention, PageError> {
    let subject = Subject::Team { id: team_id };
    let kpis =
        if session.may(Action::ViewDashboards, &subject) { Some(kpis(state, session, team_id).await?) } else { None };
    let work = if session.may(Action::ManageWork, &subject) {
        let lists = followup::lists(&state.db, Some(vec![team_id]), state.now(), state.today()).await?;
        Some(WorkAttention {
            overdue: lists.overdue.len(),
            at_risk: lists.at_risk.len(),
            check_ins: lists.check_ins.len(),
        })
    } else {
        None
    };
    let quality = if session.may(Action::ViewEvaluations, &subject) {
        Some(attention::waiting_for(&state.db, members).await?)
    } else {
        None
    };
    Ok(Attention { kpis, work, quality })
}

async fn kpis(state: &AppState, session: &Session, team_id: i64) -> Result<KpiAttention, PageError> {
    let to = state.today();
    let period = Period { from: to.checked_sub((DAYS - 1).days()).unwrap_or(to), to };
    let about = About::Team(team_id);
    let scope = scope_for(state, session, Action::ViewDashboards, &about, period).await?;
    let tiles = tiles_for(state, &about, &scope, Some(team_id), period).await?;
    let base = format!("/dashboards/team/{team_id}?{}", period.query());
    let mut off: Vec<(Rag, OffTarget)> = Vec::new();
    let mut on_target = 0;
    for (index, tile) in tiles.iter().enumerate() {
        let (Some(status), Some(value)) = (&tile.status, tile.value.value) else {
            continue;
        };
        let rag = match status.rag {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => {
                on_target += 1;
                continue;
            }
            Rag::NoData => continue,
        };
        off.push((
            status.rag,
            OffTarget {
                title: tile.title.clone(),
                value: tile.kpi.show(value),
                rule: status.rule.clone(),
                rag,
                href: format!("{base}#kpi-{index}"),
            },
        ));
    }
    off.sort_by_key(|(rag, _)| *rag != Rag::Red);
    Ok(KpiAttention { off: off.into_iter().map(|(_, o)| o).collect(), on_target, href: base })
}
