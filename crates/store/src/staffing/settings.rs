//! Each queue's staffing settings: the model, the service targets and the
//! shrinkage, kept as typed and changed only with an audit event.

use std::num::NonZeroU32;

use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::staffing::requirements::{QueueSettings, ShrinkageSplit, Workload};
use crewdeck_core::staffing::{OccupancyCap, PositiveSeconds, ServiceLevelTarget};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, Actor, diff_summary};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A queue's staffing settings, as stored (or the defaults for its channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffingSettings {
    /// The queue.
    pub queue: String,
    /// The team whose plan shows the queue.
    pub team_id: Option<i64>,
    /// `queue` (answered live: voice, chat) or `backlog` (email, back office).
    pub workload: String,
    /// Service-level target, a share such as `0.8`.
    pub service_level: String,
    /// Service-level threshold in seconds.
    pub answer_within_seconds: i64,
    /// Mean patience in seconds, when known (switches to Erlang A).
    pub patience_seconds: Option<i64>,
    /// Contacts one agent holds at once.
    pub concurrency: i64,
    /// Backlog work: each item done within this many minutes.
    pub response_window_minutes: i64,
    /// Planned shrinkage share, such as `0.2`.
    pub shrinkage_planned: String,
    /// Unplanned shrinkage share, such as `0.1`.
    pub shrinkage_unplanned: String,
    /// False while these are the defaults, never saved.
    pub saved: bool,
}

impl StaffingSettings {
    /// Sensible starting settings for a queue of `channel`: voice 80% in 20 s;
    /// chat 80% in 60 s with two chats at once; anything else a backlog to
    /// clear within eight hours; 20% planned and 10% unplanned shrinkage.
    pub fn defaults(queue: &str, channel: &str) -> Self {
        let (workload, answer_within, concurrency) = match channel {
            "voice" => ("queue", 20, 1),
            "chat" | "messaging" => ("queue", 60, 2),
            _ => ("backlog", 20, 1),
        };
        Self {
            queue: queue.to_owned(),
            team_id: None,
            workload: workload.to_owned(),
            service_level: "0.8".to_owned(),
            answer_within_seconds: answer_within,
            patience_seconds: None,
            concurrency,
            response_window_minutes: 480,
            shrinkage_planned: "0.2".to_owned(),
            shrinkage_unplanned: "0.1".to_owned(),
            saved: false,
        }
    }

    /// The settings as the requirements model takes them.
    pub fn to_core(&self) -> Result<QueueSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let service_level = errors.check(ServiceLevelTarget::parse("service_level", &self.service_level));
        let answer_within = errors.check(
            u32::try_from(self.answer_within_seconds)
                .map_err(|_| FieldError::new("answer_within_seconds", "Enter a whole number of seconds, 0 or more.")),
        );
        let shrinkage = match ShrinkageSplit::parse(&self.shrinkage_planned, &self.shrinkage_unplanned) {
            Ok(split) => Some(split),
            Err(more) => {
                errors.0.extend(more.0);
                None
            }
        };
        let workload = match self.workload.as_str() {
            "queue" => {
                let concurrency = errors.check(
                    u32::try_from(self.concurrency)
                        .ok()
                        .and_then(NonZeroU32::new)
                        .filter(|c| c.get() <= 20)
                        .ok_or_else(|| {
                            FieldError::new(
                                "concurrency",
                                "Enter how many contacts one agent holds at once, from 1 to 20.",
                            )
                        }),
                );
                let patience = match self.patience_seconds {
                    None => Some(None),
                    Some(seconds) => {
                        errors.check(PositiveSeconds::parse("patience_seconds", &seconds.to_string()).map(Some))
                    }
                };
                concurrency.zip(patience).map(|(concurrency, patience)| Workload::Queue {
                    concurrency,
                    patience,
                    max_occupancy: OccupancyCap::FULL,
                })
            }
            "backlog" => errors
                .check(
                    u32::try_from(self.response_window_minutes)
                        .ok()
                        .and_then(NonZeroU32::new)
                        .filter(|w| w.get() <= 7 * 24 * 60)
                        .ok_or_else(|| {
                            FieldError::new(
                                "response_window_minutes",
                                "Enter the response window in minutes, from 1 to 10080 (a week).",
                            )
                        }),
                )
                .map(|window_minutes| Workload::Backlog { window_minutes }),
            other => {
                errors.push(FieldError::new(
                    "workload",
                    format!(
                        "Choose queue (answered live) or backlog (done within a window), not \u{201c}{other}\u{201d}."
                    ),
                ));
                None
            }
        };
        match (workload, service_level, answer_within, shrinkage) {
            (Some(workload), Some(service_level), Some(answer_within_seconds), Some(shrinkage))
                if errors.is_empty() =>
            {
                Ok(QueueSettings { workload, service_level, answer_within_seconds, shrinkage })
            }
            _ => Err(errors),
        }
    }
}

/// The form fields of the settings, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct SettingsForm {
    /// `queue` or `backlog`.
    pub workload: String,
    /// Service-level target share.
    pub service_level: String,
    /// Threshold seconds.
    pub answer_within_seconds: String,
    /// Patience seconds; empty when unknown.
    #[serde(default)]
    pub patience_seconds: String,
    /// Contacts at once.
    pub concurrency: String,
    /// Backlog window in minutes.
    pub response_window_minutes: String,
    /// Planned shrinkage share.
    pub shrinkage_planned: String,
    /// Unplanned shrinkage share.
    pub shrinkage_unplanned: String,
}

impl SettingsForm {
    /// The settings for `queue` (keeping its team), or every field at fault.
    pub fn parse(&self, queue: &str, team_id: Option<i64>) -> Result<StaffingSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut whole = |field: &str, text: &str| {
            errors.check(text.trim().parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| {
                FieldError::new(
                    field,
                    format!("Enter a whole number, 0 or more (you entered \u{201c}{}\u{201d}).", text.trim()),
                )
            }))
        };
        let answer_within_seconds = whole("answer_within_seconds", &self.answer_within_seconds);
        let concurrency = whole("concurrency", &self.concurrency);
        let response_window_minutes = whole("response_window_minutes", &self.response_window_minutes);
        let patience_seconds = if self.patience_seconds.trim().is_empty() {
            Some(None)
        } else {
            whole("patience_seconds", &self.patience_seconds).map(Some)
        };
        let (Some(answer_within_seconds), Some(concurrency), Some(response_window_minutes), Some(patience_seconds)) =
            (answer_within_seconds, concurrency, response_window_minutes, patience_seconds)
        else {
            return Err(errors);
        };
        let settings = StaffingSettings {
            queue: queue.to_owned(),
            team_id,
            workload: self.workload.trim().to_owned(),
            service_level: self.service_level.trim().to_owned(),
            answer_within_seconds,
            patience_seconds,
            concurrency,
            response_window_minutes,
            shrinkage_planned: self.shrinkage_planned.trim().to_owned(),
            shrinkage_unplanned: self.shrinkage_unplanned.trim().to_owned(),
            saved: true,
        };
        settings.to_core()?;
        Ok(settings)
    }
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<StaffingSettings, sqlx::Error> {
    Ok(StaffingSettings {
        queue: r.try_get("queue")?,
        team_id: r.try_get("team_id")?,
        workload: r.try_get("workload")?,
        service_level: r.try_get("service_level")?,
        answer_within_seconds: r.try_get("answer_within_seconds")?,
        patience_seconds: r.try_get("patience_seconds")?,
        concurrency: r.try_get("concurrency")?,
        response_window_minutes: r.try_get("response_window_minutes")?,
        shrinkage_planned: r.try_get("shrinkage_planned")?,
        shrinkage_unplanned: r.try_get("shrinkage_unplanned")?,
        saved: true,
    })
}

const COLUMNS: &str = "queue, team_id, workload, service_level, answer_within_seconds, patience_seconds, \
                       concurrency, response_window_minutes, shrinkage_planned, shrinkage_unplanned";

/// The saved settings of every queue, by queue.
pub async fn list(db: &Db) -> StoreResult<Vec<StaffingSettings>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM staffing_queue_settings ORDER BY queue"))
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// The queue's saved settings, or the defaults for its channel.
pub async fn get(db: &Db, queue: &str) -> StoreResult<StaffingSettings> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM staffing_queue_settings WHERE queue = $1"))
        .bind(queue)
        .fetch_optional(db.pool())
        .await?;
    if let Some(row) = row {
        return Ok(from_row(&row)?);
    }
    let channel: Option<String> = sqlx::query_scalar("SELECT MIN(channel) FROM interactions WHERE queue = $1")
        .bind(queue)
        .fetch_one(db.pool())
        .await?;
    match channel {
        Some(channel) => Ok(StaffingSettings::defaults(queue, &channel)),
        None => Err(StoreError::NotFound(format!("The queue \u{201c}{queue}\u{201d}"))),
    }
}

/// Saves a queue's settings (already checked by [`SettingsForm::parse`] or
/// [`StaffingSettings::to_core`]), with an audit event naming what changed.
pub async fn save(db: &Db, actor: &Actor, settings: &StaffingSettings, now: Timestamp) -> StoreResult<()> {
    settings.to_core()?;
    let old = get(db, &settings.queue).await.ok();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM staffing_queue_settings WHERE queue = $1").bind(&settings.queue).execute(&mut *tx).await?;
    sqlx::query(&format!(
        "INSERT INTO staffing_queue_settings ({COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(&settings.queue)
    .bind(settings.team_id)
    .bind(&settings.workload)
    .bind(&settings.service_level)
    .bind(settings.answer_within_seconds)
    .bind(settings.patience_seconds)
    .bind(settings.concurrency)
    .bind(settings.response_window_minutes)
    .bind(&settings.shrinkage_planned)
    .bind(&settings.shrinkage_unplanned)
    .bind(now.as_second())
    .execute(&mut *tx)
    .await?;
    let text = |s: &StaffingSettings| {
        [
            s.team_id.map(|t| t.to_string()).unwrap_or_default(),
            s.workload.clone(),
            s.service_level.clone(),
            s.answer_within_seconds.to_string(),
            s.patience_seconds.map(|p| p.to_string()).unwrap_or_default(),
            s.concurrency.to_string(),
            s.response_window_minutes.to_string(),
            s.shrinkage_planned.clone(),
            s.shrinkage_unplanned.clone(),
        ]
    };
    let new = text(settings);
    let before = old.as_ref().map(text).unwrap_or_default();
    let labels = [
        "team",
        "workload",
        "service level",
        "answer within (s)",
        "patience (s)",
        "concurrency",
        "response window (min)",
        "planned shrinkage",
        "unplanned shrinkage",
    ];
    let changes: Vec<(&str, String, String)> =
        labels.iter().zip(before.into_iter().zip(new)).map(|(l, (o, n))| (*l, o, n)).collect();
    audit::record(
        &mut tx,
        actor,
        "staffing.settings.save",
        &format!("queue:{}", settings.queue),
        &diff_summary(&changes),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
