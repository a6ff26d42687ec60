//! A queue's requirements for the forecast week: agents and scheduled heads
//! per interval under its settings, and the same with a what-if applied.

use crewdeck_core::fields::FieldErrors;
use crewdeck_core::staffing::forecast::IntervalMinutes;
use crewdeck_core::staffing::requirements::{
    IntervalDemand, QueueSettings, Requirement, Summary, WhatIf, requirements,
};
use jiff::civil::DateTime;

use super::forecast::ForecastReport;
use super::settings::StaffingSettings;
use crate::error::{StoreError, StoreResult};

/// A queue's requirements over the forecast week.
#[derive(Debug, Clone)]
pub struct QueueRequirements {
    /// The queue.
    pub queue: String,
    /// The model used, as a planner reads it.
    pub model: &'static str,
    /// Interval length.
    pub interval: IntervalMinutes,
    /// The settings applied (with the what-if, if any).
    pub settings: QueueSettings,
    /// One row per interval.
    pub rows: Vec<Requirement>,
    /// The week in a few numbers.
    pub summary: Summary,
}

/// The forecast week's demand, as the requirements model takes it.
pub fn demand(report: &ForecastReport) -> StoreResult<Vec<IntervalDemand>> {
    report
        .intervals
        .iter()
        .map(|i| {
            let start = i
                .interval_start
                .parse::<DateTime>()
                .map_err(|e| StoreError::Corrupt(format!("a forecast interval start is not a time: {e}")))?;
            Ok(IntervalDemand { start, volume: i.contacts, aht_seconds: i.aht_seconds })
        })
        .collect()
}

/// The requirements of `report`'s week under `settings`, changed by `what_if`.
pub fn queue_requirements(
    report: &ForecastReport,
    settings: &StaffingSettings,
    what_if: &WhatIf,
) -> StoreResult<QueueRequirements> {
    let base = settings.to_core().map_err(|e: FieldErrors| StoreError::Invalid(e))?;
    let interval =
        crewdeck_core::staffing::forecast::IntervalMinutes::from_minutes("interval_minutes", report.interval_minutes)?;
    let (demand, applied) = what_if.apply(&demand(report)?, &base);
    let rows = requirements(&demand, interval, &applied)?;
    let summary = Summary::of(&rows, interval);
    Ok(QueueRequirements {
        queue: report.queue.clone(),
        model: applied.workload.model_name(),
        interval,
        settings: applied,
        rows,
        summary,
    })
}

/// One person in a team's operational plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Resource {
    /// Name.
    pub name: String,
    /// Job title.
    pub job_role: String,
    /// Contracted hours a week.
    pub contracted_hours: f64,
    /// Working pattern in words.
    pub working_pattern: String,
    /// Skills held, strongest first, as "Billing 4".
    pub skills: Vec<String>,
}

/// The people of `team_id` on `day`, with hours, pattern and skills: the
/// resources section of the operational plan.
pub async fn resources(db: &crate::Db, team_id: i64, day: jiff::civil::Date) -> StoreResult<Vec<Resource>> {
    let members = crate::people::list(db, &crate::people::Scope::All, Some(team_id), day).await?;
    let mut resources = Vec::with_capacity(members.len());
    for member in members {
        let person = crate::people::get(db, member.id).await?;
        let mut skills = crate::skills::of_person(db, member.id).await?;
        skills.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.skill_name.cmp(&b.skill_name)));
        resources.push(Resource {
            name: person.name,
            job_role: person.job_role,
            contracted_hours: person.contracted_hours,
            working_pattern: person.working_pattern.unwrap_or_default(),
            skills: skills.iter().map(|s| format!("{} {}", s.skill_name, s.level)).collect(),
        });
    }
    Ok(resources)
}
