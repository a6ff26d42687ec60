//! Writing a batch of interactions: upsert by id, rollup deltas, and first
//! contact resolution kept up to date for every contact a batch can affect.
//!
//! An interaction's FCR flag depends only on arrivals of the same customer and
//! topic in (anchor, anchor + W]. So when a batch adds, moves or removes an
//! arrival at time t, only contacts of that case with an anchor in [t − W, t)
//! can change. Per case the batch loads the stored contacts that arrive or are
//! anchored in [min t − W, max(t, new anchors) + W], recomputes the flags with
//! `crewdeck_core::kpi::resolved_first_time` on that set plus the batch's own
//! records, and keeps the result for every contact whose whole window lies in
//! the loaded range (a superset of those that can change, each computed
//! exactly). The cost follows the batch and the history of its cases within
//! one window, not the size of the table.

use std::collections::{HashMap, HashSet};

use crewdeck_core::kpi::{Channel, Interaction, InteractionParts, KpiCounts, Outcome, local_date, resolved_first_time};
use futures_util::future::BoxFuture;
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::import::{Applied, BatchCtx};
use super::rollups::{Deltas, RollupKey};
use super::rows::Row as FileRow;
use super::surveys::stored_survey_counts;
use super::{Rejection, from_nanos, nanos, out_of_range, placeholders};
use crate::db::{Backend, Tx};
use crate::error::{StoreError, StoreResult};

/// Parses one file row and checks that its times fit the database.
pub(crate) fn parse_row(row: FileRow<'_>) -> Result<Interaction, String> {
    let interaction = Interaction::parse(|column| row.get(column)).map_err(|e| e.to_string())?;
    let times = [
        ("arrived_at", Some(interaction.arrived_at())),
        ("answered_at", interaction.answered_at()),
        ("ended_at", interaction.ended_at()),
    ];
    for (column, at) in times {
        if at.is_some_and(|at| nanos(at).is_none()) {
            return Err(out_of_range(column));
        }
    }
    Ok(interaction)
}

const COLUMNS: &str = "i.id, i.channel, i.queue, i.agent_id, i.customer_id, i.topic, i.arrived_at, \
     i.answered_at, i.ended_at, i.wrap_seconds, i.outcome, i.day, i.fcr, i.import_run, i.import_line";

/// An interaction as stored, with what was derived from it at import.
struct Stored {
    interaction: Interaction,
    day: Date,
    fcr: bool,
    import_run: i64,
    import_line: i64,
}

impl Stored {
    fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("interaction {what}"));
        let text = |column: &str| -> StoreResult<String> { Ok(row.try_get(column)?) };
        let instant = |column: &str| -> StoreResult<Option<jiff::Timestamp>> {
            let value: Option<i64> = row.try_get(column)?;
            value.map(from_nanos).transpose()
        };
        let id = text("id")?;
        let parts = InteractionParts {
            channel: Channel::parse("channel", &text("channel")?).map_err(|_| corrupt(&id))?,
            queue: text("queue")?,
            agent_id: row.try_get("agent_id")?,
            customer_id: text("customer_id")?,
            topic: text("topic")?,
            arrived_at: instant("arrived_at")?.ok_or_else(|| corrupt(&id))?,
            answered_at: instant("answered_at")?,
            ended_at: instant("ended_at")?,
            wrap_seconds: u32::try_from(row.try_get::<i64, _>("wrap_seconds")?).map_err(|_| corrupt(&id))?,
            outcome: Outcome::parse("outcome", &text("outcome")?).map_err(|_| corrupt(&id))?,
            id: id.clone(),
        };
        Ok(Self {
            interaction: Interaction::new(parts).map_err(|_| corrupt(&id))?,
            day: text("day")?.parse().map_err(|_| corrupt(&id))?,
            fcr: row.try_get::<i64, _>("fcr")? != 0,
            import_run: row.try_get("import_run")?,
            import_line: row.try_get("import_line")?,
        })
    }
}

/// Where an interaction is counted.
fn key_of(interaction: &Interaction, day: Date) -> RollupKey {
    RollupKey {
        day,
        agent_id: interaction.agent_id().unwrap_or("").to_string(),
        queue: interaction.queue().to_string(),
        channel: interaction.channel().as_str(),
        topic: interaction.topic().to_string(),
    }
}

type Case = (String, String);

fn case_of(interaction: &Interaction) -> Case {
    (interaction.customer_id().to_string(), interaction.topic().to_string())
}

/// The arrival times a batch changes in one case, and how far its new
/// contacts' windows reach.
#[derive(Clone, Copy)]
struct Span {
    min_t: i64,
    max_t: i64,
    max_anchor: i64,
}

impl Span {
    fn bounds(self, window: i64) -> (i64, i64) {
        (self.min_t.saturating_sub(window), self.max_t.max(self.max_anchor).saturating_add(window))
    }
}

/// Writes one batch of interactions; see the module documentation.
pub(crate) fn apply_batch<'a>(
    tx: &'a mut Tx,
    ctx: &'a BatchCtx,
    batch: Vec<(u64, Interaction)>,
) -> BoxFuture<'a, StoreResult<Applied>> {
    Box::pin(apply(tx, ctx, batch))
}

async fn apply(tx: &mut Tx, ctx: &BatchCtx, batch: Vec<(u64, Interaction)>) -> StoreResult<Applied> {
    let mut applied = Applied::default();
    // A repeated id within this batch; repeats across batches are found
    // through import_run below.
    let mut first_line: HashMap<String, u64> = HashMap::with_capacity(batch.len());
    let mut records = Vec::with_capacity(batch.len());
    for (line, interaction) in batch {
        if let Some(&first) = first_line.get(interaction.id()) {
            applied.rejected.push(duplicate(line, first));
        } else {
            first_line.insert(interaction.id().to_string(), line);
            records.push((line, interaction));
        }
    }
    let ids: Vec<&str> = records.iter().map(|(_, i)| i.id()).collect();
    let mut old = load_by_ids(tx, ctx.backend, &ids).await?;
    records.retain(|(line, interaction)| match old.get(interaction.id()) {
        Some(stored) if stored.import_run == ctx.run_id => {
            applied.rejected.push(duplicate(*line, u64::try_from(stored.import_line).unwrap_or(0)));
            false
        }
        _ => true,
    });
    let batch_ids: HashSet<&str> = records.iter().map(|(_, i)| i.id()).collect();
    old.retain(|id, _| batch_ids.contains(id.as_str()));

    let window = i64::try_from(ctx.settings.fcr_window().as_nanos()).unwrap_or(i64::MAX);
    let mut spans: HashMap<Case, Span> = HashMap::new();
    let mut touch = |case: Case, t: i64, anchor: Option<i64>| {
        let span = spans.entry(case).or_insert(Span { min_t: t, max_t: t, max_anchor: t });
        span.min_t = span.min_t.min(t);
        span.max_t = span.max_t.max(t);
        span.max_anchor = span.max_anchor.max(anchor.unwrap_or(t));
    };
    for stored in old.values() {
        let i = &stored.interaction;
        touch(case_of(i), nanos(i.arrived_at()).unwrap_or(0), None);
    }
    for (_, i) in &records {
        touch(case_of(i), nanos(i.arrived_at()).unwrap_or(0), i.fcr_anchor().and_then(nanos));
    }
    let neighbours = load_cases(tx, ctx.backend, &spans, window, &batch_ids).await?;

    // Recompute FCR per case over its stored neighbours and the batch's records.
    let mut by_case: HashMap<Case, Vec<&Interaction>> = HashMap::new();
    for (_, i) in &records {
        by_case.entry(case_of(i)).or_default().push(i);
    }
    let mut deltas = Deltas::default();
    let mut new_flags: HashMap<&str, bool> = HashMap::with_capacity(records.len());
    let mut flag_updates: Vec<(&str, bool)> = Vec::new();
    let one_fcr = KpiCounts { fcr_resolved: 1, ..KpiCounts::default() };
    for (case, span) in &spans {
        let stored = neighbours.get(case).map(Vec::as_slice).unwrap_or(&[]);
        let fresh = by_case.get(case).map(Vec::as_slice).unwrap_or(&[]);
        let all: Vec<&Interaction> = stored.iter().map(|s| &s.interaction).chain(fresh.iter().copied()).collect();
        let flags = resolved_first_time(&all, ctx.settings.fcr_window());
        let (lo, hi) = span.bounds(window);
        for (s, &flag) in stored.iter().zip(&flags) {
            let Some(anchor) = s.interaction.fcr_anchor().and_then(nanos) else {
                continue;
            };
            let exact = anchor >= lo && anchor.saturating_add(window) <= hi;
            if exact && flag != s.fcr {
                let key = key_of(&s.interaction, s.day);
                if flag {
                    deltas.add(&key, &one_fcr);
                } else {
                    deltas.sub(&key, &one_fcr);
                }
                flag_updates.push((s.interaction.id(), flag));
            }
        }
        for (i, &flag) in fresh.iter().zip(&flags[stored.len()..]) {
            new_flags.insert(i.id(), flag);
        }
    }

    let mut moved: HashMap<String, (RollupKey, RollupKey)> = HashMap::new();
    let mut rows = Vec::with_capacity(records.len());
    for (line, interaction) in &records {
        let day = local_date(interaction.arrived_at(), &ctx.tz);
        let key = key_of(interaction, day);
        let flag = new_flags.get(interaction.id()).copied().unwrap_or(false);
        let mut counts = KpiCounts::default();
        counts.add(interaction, flag, &ctx.settings);
        deltas.add(&key, &counts);
        match old.get(interaction.id()) {
            Some(stored) => {
                let old_key = key_of(&stored.interaction, stored.day);
                let mut old_counts = KpiCounts::default();
                old_counts.add(&stored.interaction, stored.fcr, &ctx.settings);
                deltas.sub(&old_key, &old_counts);
                if old_key != key {
                    moved.insert(interaction.id().to_string(), (old_key, key.clone()));
                }
                applied.updated += 1;
            }
            None => applied.imported += 1,
        }
        rows.push((*line, interaction, day, flag));
    }
    move_surveys(tx, ctx.backend, &moved, &mut deltas).await?;
    upsert(tx, ctx, &rows).await?;
    for (id, flag) in flag_updates {
        sqlx::query("UPDATE interactions SET fcr = $1 WHERE id = $2")
            .bind(i64::from(flag))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    deltas.write(tx, ctx.backend).await?;
    Ok(applied)
}

fn duplicate(line: u64, first: u64) -> Rejection {
    Rejection { line, reason: format!("duplicate id, first at line {first}") }
}

async fn load_by_ids(tx: &mut Tx, backend: Backend, ids: &[&str]) -> StoreResult<HashMap<String, Stored>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(5000) {
        let sql =
            format!("SELECT {COLUMNS} FROM interactions i WHERE i.id IN ({})", placeholders(backend, 1, chunk.len()));
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            let stored = Stored::from_row(&row)?;
            out.insert(stored.interaction.id().to_string(), stored);
        }
    }
    Ok(out)
}

/// The stored contacts of each case that arrive or are anchored within the
/// case's bounds, leaving out the batch's own ids (their old versions are
/// being replaced).
async fn load_cases(
    tx: &mut Tx,
    backend: Backend,
    spans: &HashMap<Case, Span>,
    window: i64,
    skip: &HashSet<&str>,
) -> StoreResult<HashMap<Case, Vec<Stored>>> {
    let cases: Vec<(&Case, (i64, i64))> = spans.iter().map(|(case, span)| (case, span.bounds(window))).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut out: HashMap<Case, Vec<Stored>> = HashMap::new();
    for chunk in cases.chunks(2000) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 4 * i + 1, 4))).collect();
        for column in ["arrived_at", "fcr_anchor"] {
            let sql = format!(
                "SELECT {COLUMNS} FROM interactions i JOIN (VALUES {}) AS k \
                 ON i.customer_id = k.column1 AND i.topic = k.column2 \
                 AND i.{column} >= k.column3 AND i.{column} <= k.column4",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql).persistent(false);
            for ((customer, topic), (lo, hi)) in chunk {
                query = query.bind(customer.as_str()).bind(topic.as_str()).bind(*lo).bind(*hi);
            }
            for row in query.fetch_all(&mut **tx).await? {
                let id: String = row.try_get("id")?;
                if skip.contains(id.as_str()) || !seen.insert(id) {
                    continue;
                }
                let stored = Stored::from_row(&row)?;
                out.entry(case_of(&stored.interaction)).or_default().push(stored);
            }
        }
    }
    Ok(out)
}

/// Moves the survey counts of interactions whose rollup key changed.
async fn move_surveys(
    tx: &mut Tx,
    backend: Backend,
    moved: &HashMap<String, (RollupKey, RollupKey)>,
    deltas: &mut Deltas,
) -> StoreResult<()> {
    let ids: Vec<&String> = moved.keys().collect();
    for chunk in ids.chunks(5000) {
        let sql = format!(
            "SELECT interaction_id, csat, nps, ces FROM surveys WHERE interaction_id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(id.as_str());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let id: String = row.try_get("interaction_id")?;
            let counts = stored_survey_counts(&row)?;
            if let Some((from, to)) = moved.get(&id) {
                deltas.sub(from, &counts);
                deltas.add(to, &counts);
            }
        }
    }
    Ok(())
}

async fn upsert(tx: &mut Tx, ctx: &BatchCtx, rows: &[(u64, &Interaction, Date, bool)]) -> StoreResult<()> {
    const N: usize = 16;
    const NAMES: [&str; N] = [
        "id",
        "channel",
        "queue",
        "agent_id",
        "customer_id",
        "topic",
        "arrived_at",
        "answered_at",
        "ended_at",
        "wrap_seconds",
        "outcome",
        "day",
        "fcr_anchor",
        "fcr",
        "import_run",
        "import_line",
    ];
    for chunk in rows.chunks(1000) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(ctx.backend, N * i + 1, N))).collect();
        let updates: Vec<String> = NAMES[1..].iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let sql = format!(
            "INSERT INTO interactions ({}) VALUES {} ON CONFLICT (id) DO UPDATE SET {}",
            NAMES.join(", "),
            values.join(", "),
            updates.join(", ")
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 1000);
        for &(line, i, day, fcr) in chunk {
            query = query
                .bind(i.id())
                .bind(i.channel().as_str())
                .bind(i.queue())
                .bind(i.agent_id())
                .bind(i.customer_id())
                .bind(i.topic())
                .bind(nanos(i.arrived_at()))
                .bind(i.answered_at().and_then(nanos))
                .bind(i.ended_at().and_then(nanos))
                .bind(i64::from(i.wrap_seconds()))
                .bind(i.outcome().as_str())
                .bind(day.to_string())
                .bind(i.fcr_anchor().and_then(nanos))
                .bind(i64::from(fcr))
                .bind(ctx.run_id)
                .bind(i64::try_from(line).unwrap_or(i64::MAX));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
