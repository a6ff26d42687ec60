//! Service standards, team targets and the dashboards' small-sample setting.
//! Each write is one transaction with its audit event.

use crewdeck_core::kpi::{
    AppliedTarget, Channel, Comparison, Kpi, MinResponses, Standard, StandardInput, TeamTarget, check_tightens,
};
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

const STANDARD_COLUMNS: &str = "id, name, kpi, channel, queue, threshold, comparison, amber_band";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("a service standard: {e}"))
}

fn standard_from_row(row: &AnyRow) -> StoreResult<Standard> {
    let channel: Option<String> = row.try_get("channel")?;
    Ok(Standard {
        id: row.try_get("id")?,
        input: StandardInput {
            name: row.try_get("name")?,
            kpi: Kpi::parse("kpi", &row.try_get::<String, _>("kpi")?).map_err(corrupt)?,
            channel: channel.map(|c| Channel::parse("channel", &c)).transpose().map_err(corrupt)?,
            queue: row.try_get("queue")?,
            threshold: row.try_get("threshold")?,
            comparison: Comparison::parse("comparison", &row.try_get::<String, _>("comparison")?).map_err(corrupt)?,
            amber_band: row.try_get("amber_band")?,
        },
    })
}

/// Every standard, in the order dashboards show KPIs, then by name.
pub async fn list(db: &Db) -> StoreResult<Vec<Standard>> {
    let rows = sqlx::query(&format!("SELECT {STANDARD_COLUMNS} FROM service_standards ORDER BY id"))
        .fetch_all(db.pool())
        .await?;
    let mut standards = rows.iter().map(standard_from_row).collect::<StoreResult<Vec<_>>>()?;
    standards.sort_by(|a, b| (a.input.kpi, &a.input.name).cmp(&(b.input.kpi, &b.input.name)));
    Ok(standards)
}

/// One standard.
pub async fn get(db: &Db, id: i64) -> StoreResult<Standard> {
    let row = sqlx::query(&format!("SELECT {STANDARD_COLUMNS} FROM service_standards WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Service standard {id}")))?;
    standard_from_row(&row)
}

fn summary(input: &StandardInput) -> String {
    let standard = Standard { id: 0, input: input.clone() };
    format!(
        "name: \u{201c}{}\u{201d}; rule: {}; amber band: {}",
        input.name,
        standard.rule(),
        input.kpi.show(input.amber_band)
    )
}

/// Records a new standard.
pub async fn create(db: &Db, actor: &Actor, input: &StandardInput, now: Timestamp) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_standards (name, kpi, channel, queue, threshold, comparison, amber_band, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.kpi.as_str())
    .bind(input.channel.map(Channel::as_str))
    .bind(input.queue.as_deref())
    .bind(input.threshold)
    .bind(input.comparison.as_str())
    .bind(input.amber_band)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, "standard.create", &format!("standard:{id}"), &summary(input), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a standard. Team targets that would now be looser than the
/// standard are refused: the teams must be tightened first, so no team is
/// ever left below the organisation's promise.
pub async fn update(db: &Db, actor: &Actor, id: i64, input: &StandardInput, now: Timestamp) -> StoreResult<()> {
    let old = get(db, id).await?;
    if old.input.kpi != input.kpi && !targets_of_standard(db, id).await?.is_empty() {
        return Err(StoreError::field(
            "kpi",
            "teams have targets for this standard, so its KPI cannot change; record a new standard instead",
        ));
    }
    let updated = Standard { id, input: input.clone() };
    for target in targets_of_standard(db, id).await? {
        if check_tightens(&updated, target.threshold).is_err() {
            return Err(StoreError::field(
                "threshold",
                format!(
                    "a team's target ({}) would be looser than this standard; change or clear that team's target first",
                    input.kpi.show(target.threshold)
                ),
            ));
        }
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE service_standards SET name = $1, kpi = $2, channel = $3, queue = $4, threshold = $5, comparison = $6, \
         amber_band = $7 WHERE id = $8",
    )
    .bind(&input.name)
    .bind(input.kpi.as_str())
    .bind(input.channel.map(Channel::as_str))
    .bind(input.queue.as_deref())
    .bind(input.threshold)
    .bind(input.comparison.as_str())
    .bind(input.amber_band)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let text = format!("from {} to {}", summary(&old.input), summary(input));
    audit::record(&mut tx, actor, "standard.update", &format!("standard:{id}"), &text, now).await?;
    tx.commit().await?;
    Ok(())
}

fn target_from_row(row: &AnyRow) -> StoreResult<TeamTarget> {
    let set_on: String = row.try_get("set_on")?;
    Ok(TeamTarget {
        team_id: row.try_get("team_id")?,
        standard_id: row.try_get("standard_id")?,
        threshold: row.try_get("threshold")?,
        amber_band: row.try_get("amber_band")?,
        set_by: row.try_get("set_by")?,
        set_on: set_on.parse::<Date>().map_err(corrupt)?,
    })
}

const TARGET_COLUMNS: &str = "team_id, standard_id, threshold, amber_band, set_by, set_on";

async fn targets_of_standard(db: &Db, standard_id: i64) -> StoreResult<Vec<TeamTarget>> {
    let rows = sqlx::query(&format!("SELECT {TARGET_COLUMNS} FROM team_targets WHERE standard_id = $1"))
        .bind(standard_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(target_from_row).collect()
}

/// Every standard with the team's own target where it set one.
pub async fn applied_for_team(db: &Db, team_id: Option<i64>) -> StoreResult<Vec<AppliedTarget>> {
    let standards = list(db).await?;
    let targets = match team_id {
        Some(team) => {
            let rows = sqlx::query(&format!("SELECT {TARGET_COLUMNS} FROM team_targets WHERE team_id = $1"))
                .bind(team)
                .fetch_all(db.pool())
                .await?;
            rows.iter().map(target_from_row).collect::<StoreResult<Vec<_>>>()?
        }
        None => Vec::new(),
    };
    Ok(standards
        .into_iter()
        .map(|standard| {
            let team = targets.iter().find(|t| t.standard_id == standard.id).cloned();
            AppliedTarget { standard, team }
        })
        .collect())
}

/// What a team's target is set to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetLevel {
    /// The level, in the KPI's units.
    pub threshold: f64,
    /// The amber band, in the KPI's units.
    pub amber_band: f64,
}

/// A team's new target for one standard.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetChange {
    /// The team.
    pub team_id: i64,
    /// The standard it tightens.
    pub standard_id: i64,
    /// The level and amber band.
    pub level: TargetLevel,
    /// The name shown in the rule ("tightened by Jane Lee").
    pub set_by: String,
    /// The organisation's local date today.
    pub today: Date,
}

/// Sets (or replaces) a team's target for a standard. It must be the same as
/// or stricter than the standard.
pub async fn set_team_target(db: &Db, actor: &Actor, change: &TargetChange, now: Timestamp) -> StoreResult<()> {
    let TargetChange { team_id, standard_id, level, set_by, today } = change;
    let (team_id, standard_id) = (*team_id, *standard_id);
    let standard = get(db, standard_id).await?;
    check_tightens(&standard, level.threshold)?;
    let team: Option<i64> =
        sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind(team_id).fetch_optional(db.pool()).await?;
    if team.is_none() {
        return Err(StoreError::NotFound(format!("Team {team_id}")));
    }
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM team_targets WHERE team_id = $1 AND standard_id = $2")
        .bind(team_id)
        .bind(standard_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!("INSERT INTO team_targets ({TARGET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"))
        .bind(team_id)
        .bind(standard_id)
        .bind(level.threshold)
        .bind(level.amber_band)
        .bind(set_by.as_str())
        .bind(today.to_string())
        .execute(&mut *tx)
        .await?;
    let kpi = standard.input.kpi;
    let text = format!(
        "standard:{standard_id} ({}); team target {} {}; amber band {}",
        standard.rule(),
        standard.input.comparison.sign(),
        kpi.show(level.threshold),
        kpi.show(level.amber_band)
    );
    audit::record(&mut tx, actor, "team_target.set", &format!("team:{team_id}"), &text, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a team's own target, so the organisation standard applies again.
pub async fn clear_team_target(
    db: &Db,
    actor: &Actor,
    team_id: i64,
    standard_id: i64,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let removed = sqlx::query("DELETE FROM team_targets WHERE team_id = $1 AND standard_id = $2")
        .bind(team_id)
        .bind(standard_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound(format!("A target of team {team_id} for standard {standard_id}")));
    }
    let text = format!("standard:{standard_id}; the organisation standard applies again");
    audit::record(&mut tx, actor, "team_target.clear", &format!("team:{team_id}"), &text, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The sample size below which survey KPIs are flagged "too few responses".
pub async fn min_responses(db: &Db) -> StoreResult<MinResponses> {
    let value: Option<i64> = sqlx::query_scalar("SELECT min_responses FROM dashboard_settings WHERE id = 1")
        .fetch_optional(db.pool())
        .await?;
    Ok(value.and_then(|v| u64::try_from(v).ok()).map(MinResponses).unwrap_or_default())
}

/// Changes the "too few responses" threshold (1 to 10 000).
pub async fn set_min_responses(db: &Db, actor: &Actor, value: u64, now: Timestamp) -> StoreResult<()> {
    if !(1..=10_000).contains(&value) {
        return Err(StoreError::field("min_responses", "enter a whole number of responses from 1 to 10,000"));
    }
    let old = min_responses(db).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE dashboard_settings SET min_responses = $1 WHERE id = 1")
        .bind(i64::try_from(value).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    let text = format!("min_responses: {} \u{2192} {value}", old.0);
    audit::record(&mut tx, actor, "dashboard_settings.update", "dashboard_settings", &text, now).await?;
    tx.commit().await?;
    Ok(())
}
