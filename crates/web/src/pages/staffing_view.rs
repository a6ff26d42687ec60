//! What the staffing templates show, worked out from the store's reports:
//! percentages and hours as text, the heatmap cells, the chart's SVG.

use std::sync::Arc;

use charts_rs::{LineChart, Series};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::staffing::forecast::IntervalMinutes;
use crewdeck_core::staffing::requirements::{Requirement, Summary, WhatIf, WhatIfFields};
use crewdeck_store::staffing::forecast::{ForecastReport, ModelChoice};
use crewdeck_store::staffing::plan::{self, QueueRequirements};
use crewdeck_store::staffing::settings::StaffingSettings;
use crewdeck_store::staffing::special_days::SpecialDay;

use super::FormErrors;
use super::staffing::invalid;
use crate::error::PageError;

/// A share as a percentage with one decimal, or a dash.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "\u{2013}".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// A decimal share as typed ("0.125") as a percentage ("12.5%").
fn share_text(share: &str) -> String {
    share.parse::<f64>().map_or_else(|_| share.to_owned(), |v| format!("{}%", trim(v * 100.0)))
}

fn trim(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The service standard of a queue in words.
pub fn standard(settings: &StaffingSettings) -> String {
    if settings.workload == "backlog" {
        let minutes = settings.response_window_minutes;
        if minutes % 60 == 0 {
            let hours = minutes / 60;
            format!("every item done within {hours} hour{}", if hours == 1 { "" } else { "s" })
        } else {
            format!("every item done within {minutes} minutes")
        }
    } else {
        format!("{} answered within {} seconds", share_text(&settings.service_level), settings.answer_within_seconds)
    }
}

/// The model's other settings in words.
pub fn details(settings: &StaffingSettings) -> String {
    if settings.workload == "backlog" {
        return "work spread evenly over the response window".to_owned();
    }
    let mut parts = Vec::new();
    if settings.concurrency > 1 {
        parts.push(format!("{} contacts at once per agent", settings.concurrency));
    }
    match settings.patience_seconds {
        Some(p) => parts.push(format!("callers wait {p} seconds on average before giving up")),
        None => parts.push("nobody abandons (Erlang C assumption)".to_owned()),
    }
    parts.join("; ")
}

/// Shrinkage in words, planned and unplanned apart.
pub fn shrinkage(settings: &StaffingSettings) -> String {
    format!(
        "{} planned, {} unplanned",
        share_text(&settings.shrinkage_planned),
        share_text(&settings.shrinkage_unplanned)
    )
}

/// A week's totals, as text.
#[derive(Debug, Clone)]
pub struct SummaryView {
    /// Contacts forecast.
    pub contacts: String,
    /// Most agents in an interval.
    pub peak_agents: u32,
    /// Most scheduled heads in an interval.
    pub peak_scheduled: u64,
    /// Agent hours.
    pub agent_hours: String,
    /// Scheduled hours.
    pub scheduled_hours: String,
}

impl From<Summary> for SummaryView {
    fn from(s: Summary) -> Self {
        Self {
            contacts: format!("{:.0}", s.contacts),
            peak_agents: s.peak_agents,
            peak_scheduled: s.peak_scheduled,
            agent_hours: format!("{:.1}", s.agent_hours),
            scheduled_hours: format!("{:.1}", s.scheduled_hours),
        }
    }
}

/// One heatmap cell.
#[derive(Debug, Clone)]
pub struct HeatCell {
    /// Scheduled heads.
    pub value: u64,
    /// Colour band, `h0` to `h5`.
    pub class: &'static str,
    /// The tooltip.
    pub title: String,
}

/// One day of the heatmap.
#[derive(Debug, Clone)]
pub struct HeatRow {
    /// "Mon 7 Dec".
    pub day: String,
    /// One cell per interval.
    pub cells: Vec<HeatCell>,
}

/// A forecast method's row, as text.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    /// Method name.
    pub name: String,
    /// WAPE.
    pub wape: String,
    /// Bias.
    pub bias: String,
    /// Why not assessed, or empty.
    pub note: String,
    /// Chosen.
    pub chosen: bool,
}

fn score_rows(choice: &ModelChoice) -> Vec<ScoreRow> {
    choice
        .backtest
        .iter()
        .map(|s| ScoreRow {
            name: s.name.clone(),
            wape: percent(s.wape),
            bias: s.bias.map_or_else(|| "\u{2013}".to_owned(), |b| format!("{:+.1}%", b * 100.0)),
            note: s.not_assessed.clone().unwrap_or_default(),
            chosen: s.chosen,
        })
        .collect()
}

/// A queue on the team's staffing page.
#[derive(Debug, Clone)]
pub struct QueueView {
    /// The queue.
    pub queue: String,
    /// The model name.
    pub model: &'static str,
    /// The service standard.
    pub standard: String,
    /// Other model settings.
    pub details: String,
    /// Shrinkage in words.
    pub shrinkage: String,
    /// Why there is no forecast, if there is none.
    pub error: Option<String>,
    /// History used, in words.
    pub history: String,
    /// Special days left out, in words.
    pub excluded: String,
    /// Contacts backtest.
    pub volume_scores: Vec<ScoreRow>,
    /// Why that method.
    pub volume_reason: String,
    /// Handle time backtest.
    pub aht_scores: Vec<ScoreRow>,
    /// Why that method.
    pub aht_reason: String,
    /// The week's totals.
    pub summary: Option<SummaryView>,
    /// Interval labels along the heatmap's top.
    pub columns: Vec<String>,
    /// The heatmap rows.
    pub heatmap: Vec<HeatRow>,
    /// The chart, as SVG.
    pub chart: String,
}

/// The view of one queue: settings in words and, when the forecast worked,
/// its backtest, requirements, heatmap and chart.
pub fn queue_view(
    settings: &StaffingSettings,
    report: Result<Arc<ForecastReport>, String>,
    special: &[SpecialDay],
) -> Result<QueueView, PageError> {
    let core = settings.to_core().map_err(invalid)?;
    let mut view = QueueView {
        queue: settings.queue.clone(),
        model: core.workload.model_name(),
        standard: standard(settings),
        details: details(settings),
        shrinkage: shrinkage(settings),
        error: None,
        history: String::new(),
        excluded: String::new(),
        volume_scores: Vec::new(),
        volume_reason: String::new(),
        aht_scores: Vec::new(),
        aht_reason: String::new(),
        summary: None,
        columns: Vec::new(),
        heatmap: Vec::new(),
        chart: String::new(),
    };
    let report = match report {
        Ok(report) => report,
        Err(message) => {
            view.error = Some(message);
            return Ok(view);
        }
    };
    view.history = format!(
        "History {} to {} in {}-minute intervals; the last {} held out to test each method.",
        report.history_from,
        report.history_to,
        report.interval_minutes,
        if report.held_out_weeks == 1 { "week".to_owned() } else { format!("{} weeks", report.held_out_weeks) }
    );
    let labels: Vec<String> = report
        .excluded_days
        .iter()
        .map(|d| match special.iter().find(|s| &s.day == d) {
            Some(s) => format!("{d} ({})", s.label),
            None => d.clone(),
        })
        .collect();
    if !labels.is_empty() {
        view.excluded = format!("Left out as special days: {}.", labels.join(", "));
    }
    view.volume_scores = score_rows(&report.volume);
    view.volume_reason = report.volume.reason.clone();
    view.aht_scores = score_rows(&report.aht);
    view.aht_reason = report.aht.reason.clone();
    let requirements = plan::queue_requirements(&report, settings, &WhatIf::default())?;
    view.summary = Some(requirements.summary.into());
    let (columns, heatmap) = heatmap(&requirements);
    view.columns = columns;
    view.heatmap = heatmap;
    view.chart = chart(&requirements.rows, requirements.interval);
    Ok(view)
}

fn heatmap(requirements: &QueueRequirements) -> (Vec<String>, Vec<HeatRow>) {
    let per_day = requirements.interval.per_day();
    let peak = requirements.summary.peak_scheduled.max(1);
    let columns = (0..per_day)
        .map(|i| {
            let minutes = i as u32 * requirements.interval.minutes();
            if minutes.is_multiple_of(120) { format!("{:02}", minutes / 60) } else { String::new() }
        })
        .collect();
    let rows = requirements
        .rows
        .chunks(per_day)
        .map(|day| HeatRow {
            day: day.first().map_or_else(String::new, |r| r.demand.start.strftime("%a %-d %b").to_string()),
            cells: day
                .iter()
                .map(|r| {
                    let band = if r.heads.scheduled == 0 { 0 } else { (r.heads.scheduled * 5).div_ceil(peak).min(5) };
                    HeatCell {
                        value: r.heads.scheduled,
                        class: ["h0", "h1", "h2", "h3", "h4", "h5"][band as usize],
                        title: format!(
                            "{}: {:.1} contacts, {} agents, {} scheduled",
                            r.demand.start.strftime("%a %H:%M"),
                            r.demand.volume,
                            r.heads.agents,
                            r.heads.scheduled
                        ),
                    }
                })
                .collect(),
        })
        .collect();
    (columns, rows)
}

/// Agents needed and scheduled heads per hour over the week (the most in any
/// interval of the hour), as an SVG line chart.
fn chart(rows: &[Requirement], interval: IntervalMinutes) -> String {
    let per_hour = (60 / interval.minutes()) as usize;
    let hours: Vec<&[Requirement]> = rows.chunks(per_hour.max(1)).collect();
    let agents = hours.iter().map(|h| h.iter().map(|r| r.heads.agents).max().unwrap_or(0) as f32).collect();
    let scheduled = hours.iter().map(|h| h.iter().map(|r| r.heads.scheduled).max().unwrap_or(0) as f32).collect();
    let labels = hours
        .iter()
        .enumerate()
        .map(|(i, h)| match h.first() {
            Some(r) if i % 24 == 12 => r.demand.start.strftime("%a").to_string(),
            _ => String::new(),
        })
        .collect();
    let mut chart = LineChart::new(
        vec![Series::new("Agents needed".to_owned(), agents), Series::new("Scheduled heads".to_owned(), scheduled)],
        labels,
    );
    chart.width = 960.0;
    chart.height = 300.0;
    chart.series_symbol = None;
    chart.series_smooth = false;
    chart.series_stroke_width = 1.5;
    chart.x_axis_font_size = 12.0;
    chart.title_text = String::new();
    chart.svg().unwrap_or_default()
}

/// The what-if panel.
#[derive(Debug, Clone)]
pub struct WhatIfView {
    /// The team whose page it is on.
    pub team_id: i64,
    /// The queue it is for.
    pub queue: String,
    /// Every queue of the team, for the choice.
    pub queues: Vec<String>,
    /// The form as typed.
    pub fields: WhatIfFields,
    /// The queue's own targets and shrinkage, as placeholders.
    pub current: StaffingSettings,
    /// Field errors.
    pub errors: FormErrors,
    /// The plan as it stands.
    pub before: SummaryView,
    /// The plan with the change, when the form is valid.
    pub after: Option<SummaryView>,
    /// Scheduled hours per day before and after.
    pub days: Vec<(String, String, String)>,
}

/// Works out the what-if for `settings`' queue.
pub fn what_if_view(
    team_id: i64,
    settings: &StaffingSettings,
    report: &ForecastReport,
    queues: Vec<String>,
    fields: &WhatIfFields,
) -> Result<WhatIfView, PageError> {
    let change = WhatIf::parse(fields, &settings.to_core().map_err(invalid)?);
    let before = plan::queue_requirements(report, settings, &WhatIf::default())?;
    let (after, errors) = match change {
        Ok(change) => (Some(plan::queue_requirements(report, settings, &change)?), FieldErrors::default()),
        Err(errors) => (None, errors),
    };
    let per_day = before.interval.per_day();
    let hours = f64::from(before.interval.minutes()) / 60.0;
    let day_hours = |rows: &[Requirement]| -> Vec<f64> {
        rows.chunks(per_day).map(|d| d.iter().map(|r| r.heads.scheduled as f64 * hours).sum()).collect()
    };
    let before_days = day_hours(&before.rows);
    let after_days = after.as_ref().map(|a| day_hours(&a.rows));
    let days = before
        .rows
        .chunks(per_day)
        .enumerate()
        .map(|(i, d)| {
            let day = d.first().map_or_else(String::new, |r| r.demand.start.strftime("%a %-d %b").to_string());
            let after = after_days.as_ref().and_then(|a| a.get(i)).map_or_else(String::new, |h| format!("{h:.1}"));
            (day, format!("{:.1}", before_days.get(i).copied().unwrap_or(0.0)), after)
        })
        .collect();
    Ok(WhatIfView {
        team_id,
        queue: settings.queue.clone(),
        queues,
        fields: fields.clone(),
        current: settings.clone(),
        errors: FormErrors(errors),
        before: before.summary.into(),
        after: after.map(|a| a.summary.into()),
        days,
    })
}

/// Scheduled heads per day and hour for the printed plan.
#[derive(Debug, Clone)]
pub struct PlanLevels {
    /// The queue.
    pub queue: String,
    /// The hours shown (those with any requirement), as "09".
    pub hours: Vec<String>,
    /// One row per day: the day and the most heads in each shown hour.
    pub days: Vec<(String, Vec<u64>)>,
}

/// The hourly levels of `requirements`, leaving out hours nobody is needed.
pub fn plan_levels(requirements: &QueueRequirements) -> PlanLevels {
    let per_day = requirements.interval.per_day();
    let per_hour = (60 / requirements.interval.minutes()) as usize;
    let days: Vec<(String, Vec<u64>)> = requirements
        .rows
        .chunks(per_day)
        .map(|d| {
            let label = d.first().map_or_else(String::new, |r| r.demand.start.strftime("%a %-d %b").to_string());
            let hours =
                d.chunks(per_hour.max(1)).map(|h| h.iter().map(|r| r.heads.scheduled).max().unwrap_or(0)).collect();
            (label, hours)
        })
        .collect();
    let used: Vec<usize> = (0..24).filter(|h| days.iter().any(|(_, v)| v.get(*h).copied().unwrap_or(0) > 0)).collect();
    PlanLevels {
        queue: requirements.queue.clone(),
        hours: used.iter().map(|h| format!("{h:02}")).collect(),
        days: days
            .into_iter()
            .map(|(label, v)| (label, used.iter().map(|h| v.get(*h).copied().unwrap_or(0)).collect()))
            .collect(),
    }
}
