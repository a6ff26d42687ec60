//! The KPI report: rollup rows summed by any list of group keys.
//!
//! The database sums the rollups grouped by the columns the keys need (a
//! `week` or `month` grouping uses the stored week and month of each day), so
//! it returns one row per group, or per (day, agent) when teams are involved.
//! It reads the smallest table that holds those columns: the weekly rollups
//! for whole weeks by agent, the per-agent daily rollups when no queue,
//! channel or topic is needed, and the full daily rollups otherwise. With teams,
//! an agent's team is looked up for each day from the membership history, in
//! memory, and the rows regrouped with `KpiCounts::merge`. Interactions are
//! never read.

use std::collections::HashMap;

use crewdeck_core::kpi::{Channel, GroupBy, KpiCounts, KpiRow};
use jiff::civil::Date;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use sqlx::Row;

use super::rollups::{COUNT_COLUMNS, ReportRows, fetch_rows, summed_counts};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiQuery {
    /// First local date, inclusive.
    pub from: Date,
    /// Last local date, inclusive.
    pub to: Date,
    /// The group keys, in output order; empty for one row for the whole period.
    pub group_by: Vec<GroupBy>,
    /// Only contacts whose agent was in the team of this name (any letter
    /// case) on the contact's date.
    pub team: Option<String>,
    /// Only this queue.
    pub queue: Option<String>,
    /// Only this channel.
    pub channel: Option<Channel>,
}

/// One row of the report: the group's keys and its KPIs.
///
/// Serialises as one flat object: each key under its token (`agent`, `week`,
/// …, `null` for contacts nobody answered or an agent with no team), then the
/// fields of [`KpiRow`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiGroupRow {
    /// The group's keys, in the order asked for.
    #[serde(flatten)]
    pub keys: GroupKeys,
    /// The KPIs.
    #[serde(flatten)]
    pub row: KpiRow,
}

/// Group keys in the order asked for, serialised as a map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKeys(pub Vec<(GroupBy, Option<String>)>);

impl Serialize for GroupKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (by, value) in &self.0 {
            map.serialize_entry(by.as_str(), value)?;
        }
        map.end()
    }
}

impl KpiGroupRow {
    /// The value of one key, if the report is grouped by it.
    pub fn key(&self, by: GroupBy) -> Option<&str> {
        self.keys.0.iter().find(|(b, _)| *b == by).and_then(|(_, v)| v.as_deref())
    }
}

/// Computes the report from the rollups. Rows are sorted by their keys, with
/// `null` keys first. Fails with a field error when `to` is before `from` or
/// no team has the name given.
pub async fn report(db: &Db, query: &KpiQuery) -> StoreResult<Vec<KpiGroupRow>> {
    if query.to < query.from {
        return Err(StoreError::field(
            "to",
            format!("the period ends ({}) before it starts ({}); swap the dates", query.to, query.from),
        ));
    }
    let team_filter = match &query.team {
        Some(name) => Some(team_id(db, name).await?),
        None => None,
    };
    let needs_team = team_filter.is_some() || query.group_by.contains(&GroupBy::Team);
    let mut columns: Vec<&str> = Vec::new();
    let mut need = |column: &'static str| {
        if !columns.contains(&column) {
            columns.push(column);
        }
    };
    for by in &query.group_by {
        match by {
            GroupBy::Agent => need("agent_id"),
            GroupBy::Queue => need("queue"),
            GroupBy::Channel => need("channel"),
            GroupBy::Topic => need("topic"),
            GroupBy::Day => need("day"),
            GroupBy::Week => need("week"),
            GroupBy::Month => need("month"),
            GroupBy::Team => {
                need("day");
                need("agent_id");
            }
        }
    }
    if needs_team {
        need("day");
        need("agent_id");
    }
    // Whole weeks come from the weekly rollups when the report needs no
    // more than agent and week; the days outside them from the daily ones.
    let weekly_only = !needs_team
        && query.queue.is_none()
        && query.channel.is_none()
        && query.group_by.iter().all(|by| matches!(by, GroupBy::Agent | GroupBy::Week));
    let whole_weeks = if weekly_only { whole_weeks(query.from, query.to) } else { None };
    let day_ranges = match whole_weeks {
        Some((monday, sunday)) => {
            let mut ranges = Vec::new();
            if query.from < monday {
                ranges.push((query.from, monday.yesterday().map_err(|e| StoreError::Corrupt(e.to_string()))?));
            }
            if sunday < query.to {
                ranges.push((sunday.tomorrow().map_err(|e| StoreError::Corrupt(e.to_string()))?, query.to));
            }
            ranges
        }
        None => vec![(query.from, query.to)],
    };
    // Without a queue, channel or topic to tell apart, the per-agent daily
    // rollups answer: at most a row per agent per day instead of nearly one
    // per contact.
    let per_agent = query.queue.is_none()
        && query.channel.is_none()
        && !query.group_by.iter().any(|by| matches!(by, GroupBy::Queue | GroupBy::Channel | GroupBy::Topic));
    let (daily, daily_key): (&str, &[&str]) = if per_agent {
        ("kpi_rollups_agent_daily", &["day", "agent_id"])
    } else {
        ("kpi_rollups", &["day", "agent_id", "queue", "channel", "topic"])
    };
    let mut sql = format!("FROM {daily} WHERE day >= $1 AND day <= $2");
    let mut n = 2;
    if query.queue.is_some() {
        n += 1;
        sql.push_str(&format!(" AND queue = ${n}"));
    }
    if query.channel.is_some() {
        n += 1;
        sql.push_str(&format!(" AND channel = ${n}"));
    }
    let sql = summed(&columns, daily_key, &sql);
    let mut rows = ReportRows::new(columns.len());
    for (from, to) in day_ranges {
        let mut binds = vec![from.to_string(), to.to_string()];
        if let Some(queue) = &query.queue {
            binds.push(queue.clone());
        }
        if let Some(channel) = query.channel {
            binds.push(channel.as_str().to_string());
        }
        fetch_rows(db, &sql, &columns, &binds, &mut rows).await?;
    }
    if let Some((monday, sunday)) = whole_weeks {
        // ISO week keys (2026-W03) sort as text in time order.
        let weekly = summed(&columns, &["week", "agent_id"], "FROM kpi_rollups_weekly WHERE week >= $1 AND week <= $2");
        let week = |day: Date| GroupBy::Week.period_key(day).unwrap_or_default();
        fetch_rows(db, &weekly, &columns, &[week(monday), week(sunday)], &mut rows).await?;
    }
    let teams = if needs_team { Some(Teams::load(db).await?) } else { None };
    Ok(grouped(&rows, &columns, &query.group_by, teams.as_ref(), team_filter))
}

/// Sums `rows` (of `columns`) per group of `group_by`, sorted by the keys
/// with `null` first; with `teams`, an agent's team on the row's day, and
/// only rows of `team_filter`'s team when given.
///
/// The keys are borrowed from the rows and sorted as one flat list instead
/// of being collected into a map of owned strings: the map cost an
/// allocation per key and row of tens of thousands.
fn grouped(
    rows: &ReportRows,
    columns: &[&str],
    group_by: &[GroupBy],
    teams: Option<&Teams>,
    team_filter: Option<i64>,
) -> Vec<KpiGroupRow> {
    let column = |name: &str| columns.iter().position(|c| *c == name);
    let (agent, day) = (column("agent_id"), column("day"));
    let sources: Vec<Option<usize>> = group_by
        .iter()
        .map(|by| match by {
            GroupBy::Agent => agent,
            GroupBy::Team => None,
            GroupBy::Queue => column("queue"),
            GroupBy::Channel => column("channel"),
            GroupBy::Topic => column("topic"),
            GroupBy::Day => day,
            GroupBy::Week => column("week"),
            GroupBy::Month => column("month"),
        })
        .collect();
    let width = group_by.len();
    // The keys of the rows kept, `width` a row, and which row each is.
    let mut keys: Vec<Option<&str>> = Vec::with_capacity(rows.len() * width);
    let mut kept: Vec<usize> = Vec::with_capacity(rows.len());
    for row in 0..rows.len() {
        let text = |c: Option<usize>| c.map_or("", |c| rows.key(row, c));
        let team = teams.and_then(|teams| teams.on(text(agent), text(day)));
        if team_filter.is_some() && team.map(|(id, _)| id) != team_filter {
            continue;
        }
        for (by, source) in group_by.iter().zip(&sources) {
            keys.push(match by {
                GroupBy::Agent => Some(text(*source)).filter(|a| !a.is_empty()),
                GroupBy::Team => team.map(|(_, name)| name),
                _ => Some(text(*source)),
            });
        }
        kept.push(row);
    }
    let key = |i: usize| &keys[i * width..(i + 1) * width];
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
    let mut groups: Vec<(usize, KpiCounts)> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some((first, counts)) if key(*first) == key(i) => counts.merge(rows.counts(kept[i])),
            _ => groups.push((i, *rows.counts(kept[i]))),
        }
    }
    if group_by.is_empty() {
        // The whole period is one row even with no data: zero counts, null rates.
        if groups.is_empty() {
            groups.push((0, KpiCounts::default()));
        }
    } else {
        groups.retain(|(_, counts)| counts.contacts > 0);
    }
    groups
        .into_iter()
        .map(|(i, counts)| KpiGroupRow {
            keys: GroupKeys(
                group_by
                    .iter()
                    .copied()
                    .zip(keys.get(i * width..(i + 1) * width).unwrap_or_default())
                    .map(|(by, k)| (by, k.map(str::to_string)))
                    .collect(),
            ),
            row: counts.derive(),
        })
        .collect()
}

/// `SELECT` of `columns` and the counts `from_where` (a `FROM … WHERE …`
/// clause), summed per group of `columns`. When `columns` hold the table's
/// whole `key`, every row is a group of its own and is read as it is: summing
/// seventeen columns over groups of one row costs SQLite more than reading them.
fn summed(columns: &[&str], key: &[&str], from_where: &str) -> String {
    let mut select: Vec<String> = columns.iter().map(|c| (*c).to_string()).collect();
    if key.iter().all(|k| columns.contains(k)) {
        select.extend(COUNT_COLUMNS.iter().map(|c| (*c).to_string()));
        return format!("SELECT {} {from_where}", select.join(", "));
    }
    select.push(summed_counts());
    let group_by = if columns.is_empty() { String::new() } else { format!(" GROUP BY {}", columns.join(", ")) };
    format!("SELECT {} {from_where}{group_by}", select.join(", "))
}

/// The first Monday and the last Sunday of the whole ISO weeks inside
/// [from, to], if there is at least one.
fn whole_weeks(from: Date, to: Date) -> Option<(Date, Date)> {
    let monday =
        from.checked_add(jiff::Span::new().days(i64::from((7 - from.weekday().to_monday_zero_offset()) % 7))).ok()?;
    let sunday = to.checked_sub(jiff::Span::new().days(i64::from((to.weekday().to_monday_one_offset()) % 7))).ok()?;
    (monday < sunday).then_some((monday, sunday))
}

async fn team_id(db: &Db, name: &str) -> StoreResult<i64> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE LOWER(name) = LOWER($1) ORDER BY id")
        .bind(name.trim())
        .fetch_optional(db.pool())
        .await?;
    id.ok_or_else(|| {
        StoreError::field("team", format!("no team is called \u{201c}{name}\u{201d}; check the name on the Teams page"))
    })
}

/// A membership: first day, last day (`None` while current), team id and name.
type Membership = (String, Option<String>, i64, String);

/// Who each agent id is, and which team each person was in when.
struct Teams {
    by_agent_id: HashMap<String, i64>,
    by_email: HashMap<String, i64>,
    memberships: HashMap<i64, Vec<Membership>>,
}

impl Teams {
    async fn load(db: &Db) -> StoreResult<Self> {
        let by_agent_id = sqlx::query_as::<_, (String, i64)>("SELECT agent_id, person_id FROM agent_ids")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
        let by_email = sqlx::query_as::<_, (String, i64)>("SELECT email, id FROM people")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|(email, id)| (email.to_lowercase(), id))
            .collect();
        let rows = sqlx::query(
            "SELECT m.person_id, m.from_date, m.to_date, m.team_id, t.name FROM team_memberships m \
             JOIN teams t ON t.id = m.team_id ORDER BY m.team_id, m.id",
        )
        .fetch_all(db.pool())
        .await?;
        let mut memberships: HashMap<i64, Vec<Membership>> = HashMap::new();
        for row in rows {
            memberships.entry(row.try_get("person_id")?).or_default().push((
                row.try_get("from_date")?,
                row.try_get("to_date")?,
                row.try_get("team_id")?,
                row.try_get("name")?,
            ));
        }
        Ok(Self { by_agent_id, by_email, memberships })
    }

    /// The agent's team on `day` (ISO dates compare as text). With several
    /// memberships on one day, the team created first.
    fn on(&self, agent_id: &str, day: &str) -> Option<(i64, &str)> {
        if agent_id.is_empty() {
            return None;
        }
        let person = self.by_agent_id.get(agent_id).or_else(|| self.by_email.get(&agent_id.to_lowercase()))?;
        self.memberships
            .get(person)?
            .iter()
            .find(|(from, to, _, _)| from.as_str() <= day && to.as_deref().is_none_or(|to| to >= day))
            .map(|(_, _, id, name)| (*id, name.as_str()))
    }
}
