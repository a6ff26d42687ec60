//! Today so far for a team: each queue's intervals against forecast and plan,
//! and the rest of the day re-forecast (`crewdeck_store::staffing::intraday`).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use crewdeck_store::StoreError;
use crewdeck_store::staffing::forecast::{self, ForecastOptions};
use crewdeck_store::staffing::intraday;
use crewdeck_store::teams::Team;

use super::staffing::{team_in_reach, team_queues};
use super::staffing_view::percent;
use super::{Layout, render};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "staffing_today.html")]
struct TodayPage {
    layout: Layout,
    team: Team,
    now: String,
    queues: Vec<TodayView>,
}

/// `GET /teams/{id}/staffing/today`: today so far against forecast and plan.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let team = team_in_reach(&state, &session, id).await?;
    let queues = team_queues(&state, id).await?;
    let mut views = Vec::with_capacity(queues.len());
    for queue in &queues {
        let report = forecast::cached(&state.db, &queue.queue, &ForecastOptions::default(), state.today()).await;
        let day = match report {
            Ok(report) => intraday::today(&state.db, queue, &report, state.today(), state.now()).await,
            Err(e) => Err(e),
        };
        views.push(match day {
            Ok(day) => today_view(&day),
            Err(StoreError::Invalid(errors)) => TodayView {
                queue: queue.queue.clone(),
                summary: String::new(),
                error: Some(errors.to_string()),
                rows: Vec::new(),
            },
            Err(other) => return Err(other.into()),
        });
    }
    render(&TodayPage {
        layout: Layout::new(&session, format!("Today: {}", team.name), "/staffing"),
        now: state.now().to_zoned(state.time_zone()).strftime("%H:%M on %A %-d %B").to_string(),
        team,
        queues: views,
    })
}

/// One interval of today, as text.
#[derive(Debug, Clone)]
pub struct TodayRow {
    /// "09:30".
    pub time: String,
    /// `done`, `now` or `later`.
    pub state: &'static str,
    /// Contacts forecast.
    pub forecast: String,
    /// Contacts so far (empty for later intervals).
    pub actual: String,
    /// AHT forecast and actual, seconds.
    pub aht: String,
    /// Service level so far.
    pub service_level: String,
    /// Agents and scheduled heads in the plan.
    pub plan: String,
    /// Contacts now expected (re-forecast) for later intervals.
    pub expected: String,
    /// Agents needed for what is now expected.
    pub needed: u32,
    /// Planned agents fall short of what is now needed.
    pub short: bool,
}

/// A queue's day so far, as text.
#[derive(Debug, Clone)]
pub struct TodayView {
    /// The queue.
    pub queue: String,
    /// How the rest of the day was re-forecast, in words.
    pub summary: String,
    /// Why there is no view, if there is none.
    pub error: Option<String>,
    /// The open intervals of today.
    pub rows: Vec<TodayRow>,
}

/// The view of `day`: intervals with nothing forecast, planned or arrived are left out.
pub fn today_view(day: &crewdeck_store::staffing::intraday::QueueIntraday) -> TodayView {
    let in_progress = day.rows.iter().position(|r| !r.complete);
    let rows = day
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.forecast_contacts > 0.0 || r.actual_contacts > 0.0 || r.planned_agents > 0 || r.agents_needed > 0
        })
        .map(|(k, r)| {
            let state = if r.complete {
                "done"
            } else if Some(k) == in_progress {
                "now"
            } else {
                "later"
            };
            let actual_aht = r.actual_aht_seconds.map_or_else(|| "\u{2013}".to_owned(), |a| format!("{a:.0}"));
            TodayRow {
                time: r.start.strftime("%H:%M").to_string(),
                state,
                forecast: format!("{:.1}", r.forecast_contacts),
                actual: if state == "later" { String::new() } else { format!("{:.0}", r.actual_contacts) },
                aht: format!(
                    "{:.0} / {}",
                    r.forecast_aht_seconds,
                    if state == "later" { "\u{2013}".to_owned() } else { actual_aht }
                ),
                service_level: if state == "later" { String::new() } else { percent(r.service_level) },
                plan: format!("{} / {}", r.planned_agents, r.planned_scheduled),
                expected: if state == "done" { String::new() } else { format!("{:.1}", r.expected_contacts) },
                needed: r.agents_needed,
                short: state != "done" && r.agents_needed > r.planned_agents,
            }
        })
        .collect();
    let change = |ratio: f64| {
        let percent = (ratio - 1.0) * 100.0;
        if percent.abs() < 0.05 {
            "as forecast".to_owned()
        } else if percent > 0.0 {
            format!("{percent:.0}% above forecast")
        } else {
            format!("{:.0}% below forecast", -percent)
        }
    };
    TodayView {
        queue: day.queue.clone(),
        summary: format!(
            "So far contacts are {} and handle time {}; the rest of the day is re-forecast accordingly.",
            change(day.volume_ratio),
            change(day.aht_ratio)
        ),
        error: None,
        rows,
    }
}
