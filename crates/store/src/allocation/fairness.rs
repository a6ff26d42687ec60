//! Fairness and development per person over a period: what work each member
//! was given (by kind and channel), how it came to them, stretch work taken,
//! their live load against capacity, and a warning when one person's share is
//! far above the team's fair share.
//!
//! A QA column for stretch work belongs here once quality data exists; until
//! then it is left out rather than shown empty.

use std::collections::BTreeMap;

use crewdeck_core::allocation::work::WorkKind;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::roster;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A share of assignments above this many times the fair share is flagged.
pub const SHARE_WARNING: f64 = 2.0;

/// One person's work over the period.
#[derive(Debug, Clone, Default)]
pub struct PersonWork {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Items given to them in the period.
    pub total: i64,
    /// Per kind label.
    pub by_kind: BTreeMap<String, i64>,
    /// Per channel.
    pub by_channel: BTreeMap<String, i64>,
    /// Given by the engine in a batch, pulled themselves, or moved by a leader.
    pub by_route: BTreeMap<String, i64>,
    /// Stretch assignments taken.
    pub stretch: i64,
    /// Of those items, how many are done.
    pub done: i64,
    /// Live load against capacity per channel, as `email 3/8`.
    pub load: Vec<String>,
    /// Share of the team's assignments, 0–1.
    pub share: f64,
    /// True when the share is over [`SHARE_WARNING`] times the fair share.
    pub burst: bool,
}

/// The team's members with their work between `from` and `to` (inclusive,
/// calendar dates in `tz`), by name.
pub async fn period(db: &Db, team_id: i64, from: Date, to: Date, tz: &TimeZone) -> StoreResult<Vec<PersonWork>> {
    let start = from.to_zoned(tz.clone()).map_err(|e| StoreError::field("from", e.to_string()))?.timestamp();
    let end = to
        .tomorrow()
        .and_then(|d| d.to_zoned(tz.clone()))
        .map_err(|e| StoreError::field("to", e.to_string()))?
        .timestamp();
    let members = roster::team(db, team_id, to).await?;
    let rows: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT a.person_id, w.kind, w.channel, a.how, a.stretch, w.state FROM work_assignments a \
         JOIN work_items w ON w.id = a.item_id WHERE w.team_id = $1 AND a.at >= $2 AND a.at < $3",
    )
    .bind(team_id)
    .bind(start.as_second())
    .bind(end.as_second())
    .fetch_all(db.pool())
    .await?;
    let mut people: Vec<PersonWork> = members
        .iter()
        .map(|m| PersonWork {
            person_id: m.person_id,
            name: m.name.clone(),
            load: m
                .capacity
                .iter()
                .map(|(c, cap)| format!("{c} {}/{cap}", m.open.get(c).copied().unwrap_or(0)))
                .collect(),
            ..PersonWork::default()
        })
        .collect();
    let index: BTreeMap<i64, usize> = people.iter().enumerate().map(|(i, p)| (p.person_id, i)).collect();
    let mut all = 0i64;
    for (person, kind, channel, how, stretch, state) in rows {
        let Some(&i) = index.get(&person) else { continue };
        let p = &mut people[i];
        all += 1;
        p.total += 1;
        let kind = WorkKind::parse("kind", &kind).map_or("Other", WorkKind::label).to_string();
        *p.by_kind.entry(kind).or_default() += 1;
        *p.by_channel.entry(channel).or_default() += 1;
        let route = match how.as_str() {
            "batch" => "batch",
            "pull" => "pulled",
            _ => "by a leader",
        };
        *p.by_route.entry(route.to_string()).or_default() += 1;
        p.stretch += stretch;
        if state == "done" {
            p.done += 1;
        }
    }
    let fair = if people.is_empty() { 0.0 } else { 1.0 / people.len() as f64 };
    for p in &mut people {
        p.share = if all == 0 { 0.0 } else { p.total as f64 / all as f64 };
        // One item more than the fair share in a tiny period is not a burst.
        p.burst = all >= 4 && p.share > SHARE_WARNING * fair;
    }
    Ok(people)
}
