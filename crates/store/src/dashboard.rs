//! What a dashboard or a drill-down covers (a [`ContactScope`]), and the
//! daily KPI counts of a scope, read from the rollups only.
//!
//! A team's contacts are those its members answered while in the team (the
//! contract's rule), plus the unanswered contacts of the queues it owns
//! (see `crewdeck_core::kpi::owned_queues`). A person's are those they
//! answered under any of their agent ids: the ids linked to them and their
//! email.

use std::collections::{BTreeMap, HashMap};

pub use crewdeck_core::kpi::DayCounts;
use crewdeck_core::kpi::{Channel, KpiCounts, owned_queues};
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::Db;
use crate::error::{StoreError, StoreResult};

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
pub async fn team_scope(db: &Db, team_ids: &[i64], from: Date, to: Date) -> StoreResult<ContactScope> {
    let agents = team_agents(db, team_ids).await?;
    let scope = ContactScope { agents: Some(agents.clone()), ..ContactScope::default() };
    let mut team_answered: BTreeMap<String, u64> = BTreeMap::new();
    for day in day_counts(db, &scope, from, to).await? {
        *team_answered.entry(day.queue).or_default() += day.counts.answered;
    }
    let rows = sqlx::query(
        "SELECT queue, CAST(SUM(answered) AS BIGINT) AS answered FROM kpi_rollups WHERE day >= $1 AND day <= $2 GROUP BY queue",
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

/// The count columns of the rollups, in [`KpiCounts::FIELDS`] order.
const COUNT_COLUMNS: [&str; 17] = KpiCounts::FIELDS;

/// Reads summed count columns (`NULL` when nothing was summed).
pub(crate) fn counts_from_row(row: &AnyRow) -> StoreResult<KpiCounts> {
    let mut out = [0u64; 17];
    for (slot, column) in out.iter_mut().zip(COUNT_COLUMNS) {
        let value: Option<i64> = row.try_get(column)?;
        *slot = u64::try_from(value.unwrap_or(0))
            .map_err(|_| StoreError::Corrupt(format!("the KPI rollups hold a negative {column}")))?;
    }
    Ok(KpiCounts::from_array(out))
}

/// Counts per day, queue and channel for a scope, from the rollups alone.
/// Sorted by day.
pub async fn day_counts(db: &Db, scope: &ContactScope, from: Date, to: Date) -> StoreResult<Vec<DayCounts>> {
    if to < from {
        return Err(StoreError::field(
            "to",
            format!("the period ends ({to}) before it starts ({from}); swap the dates"),
        ));
    }
    let sums: Vec<String> = COUNT_COLUMNS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect();
    let by_agent = scope.agents.is_some();
    let keys = if by_agent { "day, agent_id, queue, channel" } else { "day, queue, channel" };
    let mut binds: Vec<String> = Vec::new();
    // Appends the values as binds and returns their placeholders.
    let mut bind = |values: Vec<String>| -> String {
        let start = binds.len() + 1;
        binds.extend(values);
        (start..=binds.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    };
    let mut spans_by_id: HashMap<&str, Vec<&AgentSpan>> = HashMap::new();
    let mut conditions = Vec::new();
    match &scope.agents {
        Some(agents) => {
            for span in agents {
                spans_by_id.entry(span.agent_id.as_str()).or_default().push(span);
            }
            let mut ids: Vec<&str> = spans_by_id.keys().copied().collect();
            ids.sort_unstable();
            // '' is the rollups' "nobody answered"; it is read only for owned queues.
            if !scope.unanswered_queues.is_empty() {
                ids.push("");
            }
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            // Every day of the period named, so that the database seeks to
            // each (day, agent) of the rollups' key instead of reading every
            // agent's rows in the period and keeping a few.
            let days = days_between(from, to);
            conditions.push(format!("day IN ({})", bind(days.iter().map(ToString::to_string).collect())));
            conditions.push(format!("agent_id IN ({})", bind(ids.iter().map(|s| (*s).to_string()).collect())));
        }
        None => conditions.push(format!(
            "day >= {} AND day <= {}",
            bind(vec![from.to_string()]),
            bind(vec![to.to_string()])
        )),
    }
    if let Some(queue) = &scope.queue {
        conditions.push(format!("queue = {}", bind(vec![queue.clone()])));
    }
    if let Some(channel) = scope.channel {
        conditions.push(format!("channel = {}", bind(vec![channel.as_str().to_string()])));
    }
    let sql = format!(
        "SELECT {keys}, {} FROM kpi_rollups WHERE {} GROUP BY {keys} ORDER BY day",
        sums.join(", "),
        conditions.join(" AND ")
    );
    let mut query = sqlx::query(&sql).persistent(false);
    for value in &binds {
        query = query.bind(value.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut out: BTreeMap<(String, String, String), KpiCounts> = BTreeMap::new();
    for row in &rows {
        let day_text: String = row.try_get("day")?;
        let queue: String = row.try_get("queue")?;
        if by_agent {
            let agent: String = row.try_get("agent_id")?;
            let keep = if agent.is_empty() {
                scope.unanswered_queues.contains(&queue)
            } else {
                let day = parse_day(&day_text)?;
                spans_by_id.get(agent.as_str()).is_some_and(|spans| spans.iter().any(|s| s.covers(day)))
            };
            if !keep {
                continue;
            }
        }
        let channel: String = row.try_get("channel")?;
        out.entry((day_text, queue, channel)).or_default().merge(&counts_from_row(row)?);
    }
    out.into_iter()
        .map(|((day, queue, channel), counts)| Ok(DayCounts { day: parse_day(&day)?, queue, channel, counts }))
        .collect()
}

/// The days from `from` to `to`, inclusive.
fn days_between(from: Date, to: Date) -> Vec<Date> {
    from.series(jiff::Span::new().days(1)).take_while(|day| *day <= to).collect()
}

/// The queues and channels that have contacts in a period, for the
/// dashboards' index.
pub async fn queues_and_channels(db: &Db, from: Date, to: Date) -> StoreResult<(Vec<String>, Vec<String>)> {
    let queues: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT queue FROM kpi_rollups WHERE day >= $1 AND day <= $2 ORDER BY queue")
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(db.pool())
            .await?;
    let channels: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT channel FROM kpi_rollups WHERE day >= $1 AND day <= $2 ORDER BY channel")
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(db.pool())
            .await?;
    Ok((queues, channels))
}
