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
use super::phases::Phase;
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

/// A customer and topic: the contacts first contact resolution compares.
type Case<'a> = (&'a str, &'a str);

fn case_of(interaction: &Interaction) -> Case<'_> {
    (interaction.customer_id(), interaction.topic())
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

/// One case a batch touches: its span, and the batch's records in it (by
/// position in the batch).
struct CaseWork<'a> {
    case: Case<'a>,
    span: Span,
    fresh: Vec<usize>,
}

/// Widens the span of `case` to cover a contact arriving at `t` and
/// anchored at `anchor`, adding the case if new; returns its position.
fn touch<'a>(
    index: &mut HashMap<Case<'a>, usize>,
    cases: &mut Vec<CaseWork<'a>>,
    case: Case<'a>,
    t: i64,
    anchor: Option<i64>,
) -> usize {
    let at = *index.entry(case).or_insert_with(|| {
        cases.push(CaseWork { case, span: Span { min_t: t, max_t: t, max_anchor: t }, fresh: Vec::new() });
        cases.len() - 1
    });
    let span = &mut cases[at].span;
    span.min_t = span.min_t.min(t);
    span.max_t = span.max_t.max(t);
    span.max_anchor = span.max_anchor.max(anchor.unwrap_or(t));
    at
}

/// Writes one batch of interactions; see the module documentation.
pub(crate) fn apply_batch<'a>(
    tx: &'a mut Tx,
    ctx: &'a BatchCtx,
    batch: Vec<(u64, Interaction)>,
) -> BoxFuture<'a, StoreResult<Applied>> {
    Box::pin(apply(tx, ctx, batch))
}

async fn apply(tx: &mut Tx, ctx: &BatchCtx, mut batch: Vec<(u64, Interaction)>) -> StoreResult<Applied> {
    let clock = &ctx.clock;
    let mut mark = clock.start();
    let mut applied = Applied::default();
    // A repeated id within this batch is rejected, the first kept; repeats
    // across batches are found through import_run below. Sorting by id (the
    // stable sort keeps file order among equal ids) puts repeats side by
    // side and writes the id index in order.
    batch.sort_by(|a, b| a.1.id().cmp(b.1.id()));
    let mut records: Vec<(u64, &Interaction)> = Vec::with_capacity(batch.len());
    for (line, interaction) in &batch {
        match records.last() {
            Some(&(first, previous)) if previous.id() == interaction.id() => {
                applied.rejected.push(duplicate(*line, first));
            }
            _ => records.push((*line, interaction)),
        }
    }
    let ids: Vec<&str> = records.iter().map(|(_, i)| i.id()).collect();
    let mut old = load_by_ids(tx, ctx.backend, &ids).await?;
    mark = clock.lap(Phase::LoadIds, mark);
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
    let mut case_index: HashMap<Case<'_>, usize> = HashMap::with_capacity(records.len());
    let mut cases: Vec<CaseWork<'_>> = Vec::with_capacity(records.len());
    for stored in old.values() {
        let i = &stored.interaction;
        touch(&mut case_index, &mut cases, case_of(i), nanos(i.arrived_at()).unwrap_or(0), None);
    }
    let mut record_case = Vec::with_capacity(records.len());
    for (_, i) in &records {
        let (t, anchor) = (nanos(i.arrived_at()).unwrap_or(0), i.fcr_anchor().and_then(nanos));
        record_case.push(touch(&mut case_index, &mut cases, case_of(i), t, anchor));
    }
    for (n, &at) in record_case.iter().enumerate() {
        cases[at].fresh.push(n);
    }
    mark = clock.lap(Phase::Compute, mark);
    let stored_lag = max_lag(tx).await?;
    let neighbours = load_cases(tx, ctx.backend, &cases, window, stored_lag, &batch_ids).await?;
    mark = clock.lap(Phase::LoadCases, mark);

    // Recompute FCR per case over its stored neighbours and the batch's records.
    let mut deltas = Deltas::default();
    let mut new_flags = vec![false; records.len()];
    let mut flag_updates: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
    let one_fcr = KpiCounts { fcr_resolved: 1, ..KpiCounts::default() };
    let mut all: Vec<&Interaction> = Vec::new();
    for (work, stored) in cases.iter().zip(&neighbours) {
        all.clear();
        all.extend(stored.iter().map(|s| &s.interaction));
        all.extend(work.fresh.iter().map(|&n| records[n].1));
        let flags = resolved_first_time(&all, ctx.settings.fcr_window());
        let (lo, hi) = work.span.bounds(window);
        for (s, &flag) in stored.iter().zip(&flags) {
            let Some(anchor) = s.interaction.fcr_anchor().and_then(nanos) else {
                continue;
            };
            let exact = anchor >= lo && anchor.saturating_add(window) <= hi;
            if exact && flag != s.fcr {
                let key = key_of(&s.interaction, s.day);
                if flag {
                    deltas.add(key, &one_fcr);
                } else {
                    deltas.sub(key, &one_fcr);
                }
                flag_updates[usize::from(flag)].push(s.interaction.id());
            }
        }
        for (&n, &flag) in work.fresh.iter().zip(&flags[stored.len()..]) {
            new_flags[n] = flag;
        }
    }

    let mut moved: HashMap<&str, (RollupKey, RollupKey)> = HashMap::new();
    let mut rows = Vec::with_capacity(records.len());
    for (&(line, interaction), &flag) in records.iter().zip(&new_flags) {
        let day = local_date(interaction.arrived_at(), &ctx.tz);
        let key = key_of(interaction, day);
        let mut counts = KpiCounts::default();
        counts.add(interaction, flag, &ctx.settings);
        match old.get(interaction.id()) {
            Some(stored) => {
                let old_key = key_of(&stored.interaction, stored.day);
                let mut old_counts = KpiCounts::default();
                old_counts.add(&stored.interaction, stored.fcr, &ctx.settings);
                if old_key != key {
                    moved.insert(interaction.id(), (old_key.clone(), key.clone()));
                }
                deltas.sub(old_key, &old_counts);
                applied.updated += 1;
            }
            None => applied.imported += 1,
        }
        deltas.add(key, &counts);
        rows.push((line, interaction, day, flag));
    }
    mark = clock.lap(Phase::Compute, mark);
    move_surveys(tx, ctx.backend, &moved, &mut deltas).await?;
    mark = clock.lap(Phase::Neighbours, mark);
    upsert(tx, ctx, &rows).await?;
    mark = clock.lap(Phase::Upsert, mark);
    for (flag, ids) in flag_updates.iter().enumerate() {
        set_flags(tx, ctx.backend, ids, flag == 1).await?;
    }
    let batch_lag = records
        .iter()
        .filter_map(|(_, i)| Some(nanos(i.fcr_anchor()?)?.saturating_sub(nanos(i.arrived_at())?)))
        .max()
        .unwrap_or(0);
    if batch_lag > stored_lag {
        raise_max_lag(tx, batch_lag).await?;
    }
    mark = clock.lap(Phase::Neighbours, mark);
    deltas.write(tx, ctx.backend).await?;
    clock.lap(Phase::Rollups, mark);
    Ok(applied)
}

/// Sets the FCR flag of stored contacts, many per statement.
async fn set_flags(tx: &mut Tx, backend: Backend, ids: &[&str], flag: bool) -> StoreResult<()> {
    for chunk in ids.chunks(5000) {
        let sql = format!(
            "UPDATE interactions SET fcr = {} WHERE id IN ({})",
            i64::from(flag),
            placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

fn duplicate(line: u64, first: u64) -> Rejection {
    Rejection { line, reason: format!("duplicate id, first at line {first}") }
}

/// The stored versions of `ids` (sorted), by id.
///
/// On SQLite, ids outside the range of those stored are not looked up: they
/// cannot be there, and a file whose ids grow (most exports) then looks up
/// none of a new batch's ids. SQLite compares text as bytes, as Rust does;
/// PostgreSQL compares by the database's collation, so every id is looked up
/// there.
async fn load_by_ids(tx: &mut Tx, backend: Backend, ids: &[&str]) -> StoreResult<HashMap<String, Stored>> {
    let mut out = HashMap::new();
    let ids = match backend {
        Backend::Sqlite => match stored_id_range(tx).await? {
            Some((first, last)) => {
                let from = ids.partition_point(|id| *id < first.as_str());
                let to = ids.partition_point(|id| *id <= last.as_str());
                &ids[from..to.max(from)]
            }
            None => &[],
        },
        Backend::Postgres => ids,
    };
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

/// The smallest and largest id stored, `None` when there are none; each is
/// read from one end of the primary key's index.
async fn stored_id_range(tx: &mut Tx) -> StoreResult<Option<(String, String)>> {
    let first: Option<String> = sqlx::query_scalar("SELECT MIN(id) FROM interactions").fetch_one(&mut **tx).await?;
    let last: Option<String> = sqlx::query_scalar("SELECT MAX(id) FROM interactions").fetch_one(&mut **tx).await?;
    Ok(first.zip(last))
}

/// Nanoseconds in the week that `interactions.arrival_week` counts
/// (migration 0013).
const WEEK_NANOS: i64 = 604_800_000_000_000;

/// The arrival week stored with a contact arriving at `arrived_at`
/// (nanoseconds): truncating division, as the migration's SQL computes it
/// for rows stored before it, so both agree on every row.
fn arrival_week(arrived_at: i64) -> i64 {
    arrived_at / WEEK_NANOS
}

/// The stored contacts of each case that arrive or are anchored within the
/// case's bounds, leaving out the batch's own ids (their old versions are
/// being replaced).
///
/// One index serves both conditions: a contact's anchor is never more than
/// `max_lag` after its arrival (the largest lag stored, kept in
/// `kpi_import_bounds`), so a contact anchored in [lo, hi] arrived in
/// [lo − max_lag, hi]. The index is keyed by arrival week first (so that a
/// time-ordered import appends to it), so each case is looked up once per
/// week that range spans, and only in weeks that hold contacts at all; the
/// anchor condition is checked here.
async fn load_cases(
    tx: &mut Tx,
    backend: Backend,
    cases: &[CaseWork<'_>],
    window: i64,
    max_lag: i64,
    skip: &HashSet<&str>,
) -> StoreResult<Vec<Vec<Stored>>> {
    let mut out: Vec<Vec<Stored>> = (0..cases.len()).map(|_| Vec::new()).collect();
    let Some((first_week, last_week)) = stored_weeks(tx).await? else {
        return Ok(out);
    };
    // (week, case, arrivals from, arrivals to), in week order so that the
    // lookups walk the index from one end to the other.
    let mut probes: Vec<(i64, usize, i64, i64)> = Vec::with_capacity(cases.len() * 3);
    for (n, work) in cases.iter().enumerate() {
        let (lo, hi) = work.span.bounds(window);
        let from = lo.saturating_sub(max_lag);
        for week in arrival_week(from).max(first_week)..=arrival_week(hi).min(last_week) {
            probes.push((week, n, from, hi));
        }
    }
    probes.sort_unstable_by_key(|&(week, n, _, _)| (week, n));
    // Six parameters a lookup; SQLite allows 32,766 in one statement.
    const CHUNK: usize = 4000;
    for chunk in probes.chunks(CHUNK) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 6 * i + 1, 6))).collect();
        // CROSS JOIN makes SQLite loop over the lookups and search the index
        // for each (PostgreSQL plans it as any inner join).
        let sql = format!(
            "SELECT {COLUMNS}, i.fcr_anchor, k.column6 AS case_no FROM (VALUES {}) AS k CROSS JOIN interactions i \
             WHERE i.arrival_week = k.column1 AND i.customer_id = k.column2 AND i.topic = k.column3 \
             AND i.arrived_at >= k.column4 AND i.arrived_at <= k.column5",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for &(week, n, from, to) in chunk {
            let case = cases[n].case;
            query = query
                .bind(week)
                .bind(case.0)
                .bind(case.1)
                .bind(from)
                .bind(to)
                .bind(i64::try_from(n).unwrap_or(i64::MAX));
        }
        for row in query.fetch_all(&mut **tx).await? {
            let at: i64 = row.try_get("case_no")?;
            let (work, slot) = usize::try_from(at)
                .ok()
                .and_then(|at| Some((cases.get(at)?, out.get_mut(at)?)))
                .ok_or_else(|| StoreError::Corrupt(format!("case {at} of a neighbour query")))?;
            let (lo, hi) = work.span.bounds(window);
            let arrived: i64 = row.try_get("arrived_at")?;
            let anchor: Option<i64> = row.try_get("fcr_anchor")?;
            let within = |t: i64| t >= lo && t <= hi;
            if !(within(arrived) || anchor.is_some_and(within)) {
                continue;
            }
            let id: String = row.try_get("id")?;
            if skip.contains(id.as_str()) {
                continue;
            }
            slot.push(Stored::from_row(&row)?);
        }
    }
    Ok(out)
}

/// The first and last arrival week stored, `None` when there are no
/// interactions. Two statements, because SQLite answers a lone MIN or MAX of
/// an index's first column from one end of the index.
async fn stored_weeks(tx: &mut Tx) -> StoreResult<Option<(i64, i64)>> {
    let first: Option<i64> =
        sqlx::query_scalar("SELECT MIN(arrival_week) FROM interactions").fetch_one(&mut **tx).await?;
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(arrival_week) FROM interactions").fetch_one(&mut **tx).await?;
    Ok(first.zip(last))
}

/// The largest `fcr_anchor − arrived_at` stored so far (an upper bound: it
/// never shrinks).
async fn max_lag(tx: &mut Tx) -> StoreResult<i64> {
    let lag: Option<i64> = sqlx::query_scalar("SELECT max_anchor_lag FROM kpi_import_bounds WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?;
    Ok(lag.unwrap_or(0))
}

/// Raises the stored bound to cover a batch's contacts.
async fn raise_max_lag(tx: &mut Tx, lag: i64) -> StoreResult<()> {
    sqlx::query("UPDATE kpi_import_bounds SET max_anchor_lag = $1 WHERE id = 1 AND max_anchor_lag < $1")
        .bind(lag)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves the survey counts of interactions whose rollup key changed.
async fn move_surveys(
    tx: &mut Tx,
    backend: Backend,
    moved: &HashMap<&str, (RollupKey, RollupKey)>,
    deltas: &mut Deltas,
) -> StoreResult<()> {
    let ids: Vec<&str> = moved.keys().copied().collect();
    for chunk in ids.chunks(5000) {
        let sql = format!(
            "SELECT interaction_id, csat, nps, ces FROM surveys WHERE interaction_id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            let id: String = row.try_get("interaction_id")?;
            let counts = stored_survey_counts(&row)?;
            if let Some((from, to)) = moved.get(id.as_str()) {
                deltas.sub(from.clone(), &counts);
                deltas.add(to.clone(), &counts);
            }
        }
    }
    Ok(())
}

async fn upsert(tx: &mut Tx, ctx: &BatchCtx, rows: &[(u64, &Interaction, Date, bool)]) -> StoreResult<()> {
    const N: usize = 17;
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
        "arrival_week",
    ];
    // A batch spans few days: each is formatted once.
    let mut days: HashMap<Date, String> = HashMap::new();
    for &(_, _, day, _) in rows {
        days.entry(day).or_insert_with(|| day.to_string());
    }
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
            let day = days.get(&day).ok_or_else(|| StoreError::Corrupt(format!("no day key for {day}")))?;
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
                .bind(day.as_str())
                .bind(i.fcr_anchor().and_then(nanos))
                .bind(i64::from(fcr))
                .bind(ctx.run_id)
                .bind(i64::try_from(line).unwrap_or(i64::MAX))
                .bind(nanos(i.arrived_at()).map(arrival_week));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
