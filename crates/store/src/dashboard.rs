//! What a dashboard or a drill-down covers (a [`ContactScope`]), and the
//! daily KPI counts of a scope, read from the rollups only.
//!
//! A team's contacts are those its members answered while in the team (the
//! contract's rule), plus the unanswered contacts of the queues it owns
//! (see `crewdeck_core::kpi::owned_queues`). A person's are those they
//! answered under any of their agent ids: the ids linked to them and their
//! email.

use std::collections::BTreeMap;
use std::sync::Arc;

pub use crewdeck_core::kpi::DayCounts;
use crewdeck_core::kpi::{Channel, KpiCounts, owned_queues};
use jiff::civil::Date;
use sqlx::Row;

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::kpi::{ReportRows, fetch_rows, summed_counts};

/// One agent id counted for a span of local dates (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSpan {
    /// The agent id as it appears in imported contacts.
    pub agent_id: String,
    /// First day.
    pub from: Date,
    /// Last day; `None` while current.
    pub to: Option<Date>,
}

impl AgentSpan {
    fn covers(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// Which contacts a dashboard or interaction list covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactScope {
    /// Only contacts answered by these agents on these days; `None` for
    /// every contact, answered or not.
    pub agents: Option<Vec<AgentSpan>>,
    /// With `agents`, also the unanswered contacts of these queues.
    pub unanswered_queues: Vec<String>,
    /// Only this queue.
    pub queue: Option<String>,
    /// Only this channel.
    pub channel: Option<Channel>,
}

/// The agent ids of a person: those linked to them, and their email.
async fn agent_ids_of(db: &Db, person_id: i64) -> StoreResult<Vec<String>> {
    let mut ids: Vec<String> =
        sqlx::query_scalar("SELECT agent_id FROM agent_ids WHERE person_id = $1 ORDER BY agent_id")
            .bind(person_id)
            .fetch_all(db.pool())
            .await?;
    let email: Option<String> =
        sqlx::query_scalar("SELECT email FROM people WHERE id = $1").bind(person_id).fetch_optional(db.pool()).await?;
    let email = email.ok_or_else(|| StoreError::NotFound(format!("Person {person_id}")))?;
    for candidate in [email.clone(), email.to_lowercase()] {
        if !ids.contains(&candidate) {
            ids.push(candidate);
        }
    }
    Ok(ids)
}

fn parse_day(text: &str) -> StoreResult<Date> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("stored date {text}: {e}")))
}

/// A person's contacts, whatever team they were in.
pub async fn person_agents(db: &Db, person_id: i64) -> StoreResult<Vec<AgentSpan>> {
    Ok(agent_ids_of(db, person_id)
        .await?
        .into_iter()
        .map(|agent_id| AgentSpan { agent_id, from: Date::MIN, to: None })
        .collect())
}

/// The contacts the members of these teams answered while in them.
pub async fn team_agents(db: &Db, team_ids: &[i64]) -> StoreResult<Vec<AgentSpan>> {
    let mut spans = Vec::new();
    for &team_id in team_ids {
        let rows = sqlx::query(
            "SELECT person_id, from_date, to_date FROM team_memberships WHERE team_id = $1 ORDER BY person_id, from_date",
        )
        .bind(team_id)
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            let from = parse_day(&row.try_get::<String, _>("from_date")?)?;
            let to = row.try_get::<Option<String>, _>("to_date")?.map(|t| parse_day(&t)).transpose()?;
            for agent_id in agent_ids_of(db, row.try_get("person_id")?).await? {
                spans.push(AgentSpan { agent_id, from, to });
            }
        }
    }
    Ok(spans)
}

/// The scope of a team's dashboard over a period: its members' contacts and
/// the unanswered contacts of the queues it owns in that period.
///
/// Cached until the next audited write (memberships, agent ids, people and
/// imports all write one): finding it reads every member's agent ids, two
/// queries a member, and sums every queue's answered contacts over the
/// period, together most of a warm dashboard's database time.
pub async fn team_scope(db: &Db, team_ids: &[i64], from: Date, to: Date) -> StoreResult<ContactScope> {
    let version = db.data_version().await?;
    let key = format!("{team_ids:?} {from} {to}");
    let scope = db
        .cache()
        .get_or_load("dashboard.team_scope", version, key, || load_team_scope(db, team_ids, from, to))
        .await?;
    Ok(scope.as_ref().clone())
}

async fn load_team_scope(db: &Db, team_ids: &[i64], from: Date, to: Date) -> StoreResult<ContactScope> {
    let agents = team_agents(db, team_ids).await?;
    let scope = ContactScope { agents: Some(agents.clone()), ..ContactScope::default() };
    let mut team_answered: BTreeMap<String, u64> = BTreeMap::new();
    for day in day_counts(db, &scope, from, to).await?.iter() {
        *team_answered.entry(day.queue.clone()).or_default() += day.counts.answered;
    }
    let rows = sqlx::query(
        "SELECT queue, CAST(SUM(answered) AS BIGINT) AS answered FROM kpi_rollups_queue_daily \
         WHERE day >= $1 AND day <= $2 GROUP BY queue",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut all_answered = BTreeMap::new();
    for row in rows {
        let answered: Option<i64> = row.try_get("answered")?;
        all_answered.insert(row.try_get::<String, _>("queue")?, u64::try_from(answered.unwrap_or(0)).unwrap_or(0));
    }
    Ok(ContactScope {
        agents: Some(agents),
        unanswered_queues: owned_queues(&team_answered, &all_answered),
        ..ContactScope::default()
    })
}

/// Counts per day, queue and channel for a scope, from the rollups alone.
/// Sorted by day.
///
/// Shared rather than copied: a team's are cached until the next audited
/// write, and for 26 weeks they are ~14,000 rows, whose copy (two strings a
/// row) cost a warm dashboard more than reading the cache.
pub async fn day_counts(db: &Db, scope: &ContactScope, from: Date, to: Date) -> StoreResult<Arc<Vec<DayCounts>>> {
    if to < from {
        return Err(StoreError::field(
            "to",
            format!("the period ends ({to}) before it starts ({from}); swap the dates"),
        ));
    }
    let Some(agents) = &scope.agents else {
        return Ok(Arc::new(queue_day_counts(db, scope, from, to, None).await?));
    };
    let members = member_day_counts(db, scope, agents, from, to).await?;
    if scope.unanswered_queues.is_empty() {
        return Ok(members);
    }
    // Members' counts merged with the owned queues' unanswered ones, cached
    // like the members' own.
    let version = db.data_version().await?;
    let key = format!("{scope:?} {from} {to}");
    db.cache()
        .get_or_load("dashboard.scope_days", version, key, || async {
            let unanswered = queue_day_counts(db, scope, from, to, Some(&scope.unanswered_queues)).await?;
            let mut merged: BTreeMap<(Date, &str, &str), KpiCounts> = BTreeMap::new();
            for d in members.iter().chain(&unanswered) {
                merged.entry((d.day, &d.queue, &d.channel)).or_default().merge(&d.counts);
            }
            Ok(merged
                .into_iter()
                .map(|((day, queue, channel), counts)| DayCounts {
                    day,
                    queue: queue.to_string(),
                    channel: channel.to_string(),
                    counts,
                })
                .collect())
        })
        .await
}

/// Counts per day, queue and channel of every contact in the scope's queue
/// and channel, from the rollups per queue; with `unanswered_in`, only the
/// contacts nobody answered in those queues.
async fn queue_day_counts(
    db: &Db,
    scope: &ContactScope,
    from: Date,
    to: Date,
    unanswered_in: Option<&[String]>,
) -> StoreResult<Vec<DayCounts>> {
    let mut binds: Vec<String> = vec![from.to_string(), to.to_string()];
    let mut conditions = vec!["day >= $1 AND day <= $2".to_string()];
    if let Some(queues) = unanswered_in {
        let start = binds.len() + 1;
        binds.extend(queues.iter().cloned());
        let marks: Vec<String> = (start..=binds.len()).map(|i| format!("${i}")).collect();
        conditions.push(format!("unanswered = 1 AND queue IN ({})", marks.join(", ")));
    }
    if let Some(queue) = &scope.queue {
        binds.push(queue.clone());
        conditions.push(format!("queue = ${}", binds.len()));
    }
    if let Some(channel) = scope.channel {
        binds.push(channel.as_str().to_string());
        conditions.push(format!("channel = ${}", binds.len()));
    }
    let sql = by_day_queue_channel("kpi_rollups_queue_daily", &conditions);
    sorted_day_counts(db, &sql, &binds).await
}

/// Counts per day, queue and channel of the contacts the agents answered on
/// the days their spans cover.
async fn member_day_counts(
    db: &Db,
    scope: &ContactScope,
    agents: &[AgentSpan],
    from: Date,
    to: Date,
) -> StoreResult<Arc<Vec<DayCounts>>> {
    let mut binds: Vec<String> = Vec::new();
    // Appends the values as binds and returns their placeholders.
    let mut bind = |values: Vec<String>| -> String {
        let start = binds.len() + 1;
        binds.extend(values);
        (start..=binds.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    };
    let mut conditions = Vec::new();
    // Which rows count is decided in the query, so that it returns a
    // row per day, queue and channel rather than one per agent too.
    // '' is the rollups' "nobody answered", never an agent's id.
    let agents: Vec<&AgentSpan> = agents.iter().filter(|s| !s.agent_id.is_empty()).collect();
    let mut ids: Vec<&str> = agents.iter().map(|s| s.agent_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    // Ids counted on every day of the period, and the spans of the others.
    let whole: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| agents.iter().any(|s| s.agent_id == *id && s.covers(from) && s.covers(to)))
        .collect();
    let mut counted = Vec::new();
    if !whole.is_empty() {
        counted.push(format!("agent_id IN ({})", bind(whole.iter().map(|s| (*s).to_string()).collect())));
    }
    for span in agents.iter().filter(|s| !whole.contains(&s.agent_id.as_str())) {
        let first = span.from.max(from);
        let last = span.to.map_or(to, |t| t.min(to));
        if first <= last {
            counted.push(format!(
                "(agent_id = {} AND day >= {} AND day <= {})",
                bind(vec![span.agent_id.clone()]),
                bind(vec![first.to_string()]),
                bind(vec![last.to_string()])
            ));
        }
    }
    if counted.is_empty() {
        return Ok(Arc::default());
    }
    // Every day of the period named, so that the database seeks to
    // each (day, agent) of the rollups' key instead of reading every
    // agent's rows in the period and keeping a few.
    let days = days_between(from, to);
    conditions.push(format!("day IN ({})", bind(days.iter().map(ToString::to_string).collect())));
    conditions.push(format!("agent_id IN ({})", bind(ids.iter().map(|s| (*s).to_string()).collect())));
    conditions.push(format!("({})", counted.join(" OR ")));
    if let Some(queue) = &scope.queue {
        conditions.push(format!("queue = {}", bind(vec![queue.clone()])));
    }
    if let Some(channel) = scope.channel {
        conditions.push(format!("channel = {}", bind(vec![channel.as_str().to_string()])));
    }
    let sql = by_day_queue_channel("kpi_rollups", &conditions);
    // A team's dashboard reads its members' counts twice (to find the queues
    // it owns, then for the tiles), and the same page is opened again and
    // again between imports; the cache holds them until the next audited write.
    let version = db.data_version().await?;
    let key = format!("{sql}\u{1f}{}", binds.join("\u{1f}"));
    db.cache()
        .get_or_load("dashboard.members", version, key, || async { sorted_day_counts(db, &sql, &binds).await })
        .await
}

/// The key columns of a dashboard's counts.
const DAY_QUEUE_CHANNEL: [&str; 3] = ["day", "queue", "channel"];

/// The counts of `table` under `conditions` (joined by AND), summed per day,
/// queue and channel.
fn by_day_queue_channel(table: &str, conditions: &[String]) -> String {
    format!(
        "SELECT day, queue, channel, {} FROM {table} WHERE {} GROUP BY day, queue, channel",
        summed_counts(),
        conditions.join(" AND ")
    )
}

/// Rows of `sql` (`day, queue, channel` and summed counts) that are not
/// all zero, in the same order on both backends whatever PostgreSQL's collation.
async fn sorted_day_counts(db: &Db, sql: &str, binds: &[String]) -> StoreResult<Vec<DayCounts>> {
    let mut rows = ReportRows::new(DAY_QUEUE_CHANNEL.len());
    fetch_rows(db, sql, &DAY_QUEUE_CHANNEL, binds, &mut rows).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in 0..rows.len() {
        let counts = *rows.counts(row);
        if counts.to_array().iter().any(|&v| v != 0) {
            out.push(DayCounts {
                day: parse_day(rows.key(row, 0))?,
                queue: rows.key(row, 1).to_string(),
                channel: rows.key(row, 2).to_string(),
                counts,
            });
        }
    }
    out.sort_by(|a, b| (a.day, &a.queue, &a.channel).cmp(&(b.day, &b.queue, &b.channel)));
    Ok(out)
}

/// The days from `from` to `to`, inclusive.
fn days_between(from: Date, to: Date) -> Vec<Date> {
    from.series(jiff::Span::new().days(1)).take_while(|day| *day <= to).collect()
}

/// The queues and channels that have contacts in a period, for the
/// dashboards' index.
pub async fn queues_and_channels(db: &Db, from: Date, to: Date) -> StoreResult<(Vec<String>, Vec<String>)> {
    let queues: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT queue FROM kpi_rollups_queue_daily WHERE day >= $1 AND day <= $2 AND contacts > 0 ORDER BY queue",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db.pool())
    .await?;
    let channels: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT channel FROM kpi_rollups_queue_daily WHERE day >= $1 AND day <= $2 AND contacts > 0 ORDER BY channel",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db.pool())
    .await?;
    Ok((queues, channels))
}
