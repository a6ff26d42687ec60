//! Reading interactions back: the drill-down list behind a dashboard figure
//! (paged, or streamed whole for a CSV export) and one interaction with its
//! surveys. Imports write interactions; nothing here changes them.

use crewdeck_core::kpi::Kpi;
use futures_util::TryStreamExt;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::dashboard::ContactScope;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::kpi::org_time_zone;

/// Which interactions to list: a scope, a period and the KPI whose
/// denominator they make up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionFilter {
    /// Whose contacts, which queue and channel.
    pub scope: ContactScope,
    /// First local date, inclusive.
    pub from: Date,
    /// Last local date, inclusive.
    pub to: Date,
    /// Only the contacts a KPI counts: answered ones for ASA and FCR,
    /// handled ones for AHT, surveyed ones for CSAT, NPS and CES.
    pub kpi: Option<Kpi>,
}

/// One interaction as listed, with its first survey's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionItem {
    /// The platform's id.
    pub id: String,
    /// Channel's stable name.
    pub channel: String,
    /// Queue.
    pub queue: String,
    /// The agent id, if answered.
    pub agent_id: Option<String>,
    /// Reason for contact.
    pub topic: String,
    /// Arrival, local time, `2026-01-05 09:30`.
    pub arrived: String,
    /// Seconds waited before the answer (or before abandoning).
    pub wait_seconds: Option<f64>,
    /// Handle time in seconds, wrap-up included.
    pub handle_seconds: Option<f64>,
    /// `resolved`, `unresolved`, `transferred` or `abandoned`.
    pub outcome: String,
    /// Resolved first time under the FCR rule.
    pub fcr: bool,
    /// First survey's CSAT (1–5).
    pub csat: Option<i64>,
    /// First survey's NPS (0–10).
    pub nps: Option<i64>,
    /// First survey's CES (1–7).
    pub ces: Option<i64>,
    /// First survey's comment.
    pub comment: Option<String>,
}

/// A survey of one interaction.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyView {
    /// When the customer answered, local time.
    pub responded: String,
    /// CSAT (1–5).
    pub csat: Option<i64>,
    /// NPS (0–10).
    pub nps: Option<i64>,
    /// CES (1–7).
    pub ces: Option<i64>,
    /// The comment.
    pub comment: Option<String>,
}

/// One interaction in full.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionDetail {
    /// The interaction.
    pub item: InteractionItem,
    /// The customer's id on the platform.
    pub customer_id: String,
    /// Local date the interaction counts under.
    pub day: Date,
    /// Answered, local time.
    pub answered: Option<String>,
    /// Ended, local time.
    pub ended: Option<String>,
    /// After-contact work in seconds.
    pub wrap_seconds: i64,
    /// Every survey, oldest first.
    pub surveys: Vec<SurveyView>,
    /// The person behind the agent id, if known: id and name.
    pub person: Option<(i64, String)>,
}

const ITEM_COLUMNS: &str = "i.id, i.channel, i.queue, i.agent_id, i.topic, i.arrived_at, i.answered_at, i.ended_at, \
    i.wrap_seconds, i.outcome, i.fcr, \
    (SELECT s.csat FROM surveys s WHERE s.interaction_id = i.id ORDER BY s.responded_at LIMIT 1) AS csat, \
    (SELECT s.nps FROM surveys s WHERE s.interaction_id = i.id ORDER BY s.responded_at LIMIT 1) AS nps, \
    (SELECT s.ces FROM surveys s WHERE s.interaction_id = i.id ORDER BY s.responded_at LIMIT 1) AS ces, \
    (SELECT s.comment FROM surveys s WHERE s.interaction_id = i.id ORDER BY s.responded_at LIMIT 1) AS comment";

/// The WHERE clause of a filter and its text parameters, numbered from 1.
fn where_clause(filter: &InteractionFilter) -> (String, Vec<String>) {
    let mut binds = vec![filter.from.to_string(), filter.to.to_string()];
    let mut sql = String::from("i.day >= $1 AND i.day <= $2");
    let next = |binds: &mut Vec<String>, value: String| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if let Some(queue) = &filter.scope.queue {
        let mark = next(&mut binds, queue.clone());
        sql.push_str(&format!(" AND i.queue = {mark}"));
    }
    if let Some(channel) = filter.scope.channel {
        let mark = next(&mut binds, channel.as_str().to_string());
        sql.push_str(&format!(" AND i.channel = {mark}"));
    }
    if let Some(agents) = &filter.scope.agents {
        let mut alternatives = Vec::new();
        for span in agents {
            let mut clause = format!("i.agent_id = {}", next(&mut binds, span.agent_id.clone()));
            if span.from > filter.from {
                clause.push_str(&format!(" AND i.day >= {}", next(&mut binds, span.from.to_string())));
            }
            if let Some(to) = span.to.filter(|to| *to < filter.to) {
                clause.push_str(&format!(" AND i.day <= {}", next(&mut binds, to.to_string())));
            }
            alternatives.push(format!("({clause})"));
        }
        if !filter.scope.unanswered_queues.is_empty() {
            let marks: Vec<String> =
                filter.scope.unanswered_queues.iter().map(|q| next(&mut binds, q.clone())).collect();
            alternatives.push(format!("(i.agent_id IS NULL AND i.queue IN ({}))", marks.join(", ")));
        }
        if alternatives.is_empty() {
            // Nobody in scope: nothing matches.
            sql.push_str(" AND 1 = 0");
        } else {
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
    }
    let survey = |column: &str| {
        format!(" AND EXISTS (SELECT 1 FROM surveys s WHERE s.interaction_id = i.id AND s.{column} IS NOT NULL)")
    };
    match filter.kpi {
        Some(Kpi::Asa | Kpi::Fcr) => sql.push_str(" AND i.answered_at IS NOT NULL"),
        Some(Kpi::Aht) => sql.push_str(" AND i.answered_at IS NOT NULL AND i.ended_at IS NOT NULL"),
        Some(Kpi::Csat) => sql.push_str(&survey("csat")),
        Some(Kpi::Nps) => sql.push_str(&survey("nps")),
        Some(Kpi::Ces) => sql.push_str(&survey("ces")),
        Some(Kpi::ServiceLevel | Kpi::AbandonRate) | None => {}
    }
    (sql, binds)
}

fn instant(value: Option<i64>) -> StoreResult<Option<Timestamp>> {
    value.map(crate::kpi::from_nanos).transpose()
}

fn local(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

fn seconds(d: SignedDuration) -> f64 {
    d.as_secs_f64()
}

fn item_from_row(row: &AnyRow, tz: &TimeZone) -> StoreResult<InteractionItem> {
    let arrived = instant(Some(row.try_get("arrived_at")?))?
        .ok_or_else(|| StoreError::Corrupt("an interaction without an arrival".into()))?;
    let answered = instant(row.try_get("answered_at")?)?;
    let ended = instant(row.try_get("ended_at")?)?;
    let wrap: i64 = row.try_get("wrap_seconds")?;
    let outcome: String = row.try_get("outcome")?;
    let wait = match (answered, ended) {
        (Some(a), _) => Some(seconds(arrived.duration_until(a))),
        (None, Some(e)) if outcome == "abandoned" => Some(seconds(arrived.duration_until(e))),
        _ => None,
    };
    let handle = match (answered, ended) {
        (Some(a), Some(e)) => Some(seconds(a.duration_until(e)) + wrap as f64),
        _ => None,
    };
    Ok(InteractionItem {
        id: row.try_get("id")?,
        channel: row.try_get("channel")?,
        queue: row.try_get("queue")?,
        agent_id: row.try_get("agent_id")?,
        topic: row.try_get("topic")?,
        arrived: local(arrived, tz),
        wait_seconds: wait,
        handle_seconds: handle,
        outcome,
        fcr: row.try_get::<i64, _>("fcr")? == 1,
        csat: row.try_get("csat")?,
        nps: row.try_get("nps")?,
        ces: row.try_get("ces")?,
        comment: row.try_get("comment")?,
    })
}

/// One page of interactions, newest first, and whether more follow.
pub async fn list(
    db: &Db,
    filter: &InteractionFilter,
    page: u32,
    page_size: u32,
) -> StoreResult<(Vec<InteractionItem>, bool)> {
    let tz = org_time_zone(db).await?;
    let (clause, binds) = where_clause(filter);
    let offset = u64::from(page.saturating_sub(1)) * u64::from(page_size);
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM interactions i WHERE {clause} ORDER BY i.arrived_at DESC, i.id LIMIT {} OFFSET {offset}",
        u64::from(page_size) + 1
    );
    let mut query = sqlx::query(&sql).persistent(false);
    for value in &binds {
        query = query.bind(value.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut items = rows.iter().map(|r| item_from_row(r, &tz)).collect::<StoreResult<Vec<_>>>()?;
    let more = items.len() > page_size as usize;
    items.truncate(page_size as usize);
    Ok((items, more))
}

/// Every interaction of a filter, oldest first, handed to `each` one at a
/// time without holding them all; stops early when `each` yields false.
pub async fn for_each<F, Fut>(db: &Db, filter: &InteractionFilter, mut each: F) -> StoreResult<()>
where
    F: FnMut(InteractionItem) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let tz = org_time_zone(db).await?;
    let (clause, binds) = where_clause(filter);
    let sql = format!("SELECT {ITEM_COLUMNS} FROM interactions i WHERE {clause} ORDER BY i.arrived_at, i.id");
    let mut query = sqlx::query(&sql).persistent(false);
    for value in &binds {
        query = query.bind(value.as_str());
    }
    let mut rows = query.fetch(db.pool());
    while let Some(row) = rows.try_next().await? {
        if !each(item_from_row(&row, &tz)?).await {
            break;
        }
    }
    Ok(())
}

/// One interaction with its surveys and the person who answered it.
pub async fn get(db: &Db, id: &str) -> StoreResult<InteractionDetail> {
    let tz = org_time_zone(db).await?;
    let row = sqlx::query(&format!("SELECT {ITEM_COLUMNS}, i.customer_id, i.day FROM interactions i WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Interaction \u{201c}{id}\u{201d}")))?;
    let item = item_from_row(&row, &tz)?;
    let day: String = row.try_get("day")?;
    let answered = instant(row.try_get("answered_at")?)?.map(|t| local(t, &tz));
    let ended = instant(row.try_get("ended_at")?)?.map(|t| local(t, &tz));
    let surveys = sqlx::query(
        "SELECT responded_at, csat, nps, ces, comment FROM surveys WHERE interaction_id = $1 ORDER BY responded_at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|s| {
        let at = instant(Some(s.try_get("responded_at")?))?;
        Ok(SurveyView {
            responded: at.map(|t| local(t, &tz)).unwrap_or_default(),
            csat: s.try_get("csat")?,
            nps: s.try_get("nps")?,
            ces: s.try_get("ces")?,
            comment: s.try_get("comment")?,
        })
    })
    .collect::<StoreResult<Vec<_>>>()?;
    let person = match &item.agent_id {
        Some(agent) => person_of_agent(db, agent).await?,
        None => None,
    };
    Ok(InteractionDetail {
        customer_id: row.try_get("customer_id")?,
        day: day.parse().map_err(|e| StoreError::Corrupt(format!("stored date {day}: {e}")))?,
        answered,
        ended,
        wrap_seconds: row.try_get("wrap_seconds")?,
        surveys,
        person,
        item,
    })
}

/// The person an agent id belongs to: a linked id first, else the person
/// whose email it is (ignoring letter case).
pub async fn person_of_agent(db: &Db, agent_id: &str) -> StoreResult<Option<(i64, String)>> {
    let linked = sqlx::query_as::<_, (i64, String)>(
        "SELECT p.id, p.name FROM agent_ids a JOIN people p ON p.id = a.person_id WHERE a.agent_id = $1",
    )
    .bind(agent_id)
    .fetch_optional(db.pool())
    .await?;
    if linked.is_some() {
        return Ok(linked);
    }
    Ok(sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM people WHERE LOWER(email) = LOWER($1)")
        .bind(agent_id)
        .fetch_optional(db.pool())
        .await?)
}
