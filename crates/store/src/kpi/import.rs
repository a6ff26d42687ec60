//! The import driver shared by interactions and surveys: stream rows, parse,
//! gather valid rows into batches, commit each batch in one transaction with
//! its audit event and the import history's running counts.

use std::io::Read;

use futures_util::future::BoxFuture;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::phases::{Phase, PhaseClock};
use super::rows::{Row, RowReader};
use super::{ImportFile, ImportOptions, ImportReport, Rejection, interactions, surveys};
use crate::audit::{self, Actor};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::org;

/// What a batch needs to know besides its rows.
pub(crate) struct BatchCtx {
    /// The import history row; rows written by this run carry it.
    pub run_id: i64,
    /// The thresholds rollups are counted under.
    pub settings: crewdeck_core::kpi::KpiSettings,
    /// The organisation's time zone, which decides each contact's day.
    pub tz: TimeZone,
    /// Which engine, for the placeholders of statements built per batch.
    pub backend: crate::db::Backend,
    /// Time per phase, printed when `CREWDECK_IMPORT_TIMINGS` is set.
    pub clock: PhaseClock,
}

/// What one batch did.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    pub imported: u64,
    pub updated: u64,
    pub rejected: Vec<Rejection>,
}

/// Writes one batch of parsed rows inside the caller's transaction.
pub(crate) type ApplyFn<T> = for<'a> fn(&'a mut Tx, &'a BatchCtx, Vec<(u64, T)>) -> BoxFuture<'a, StoreResult<Applied>>;

/// One kind of import: its name, its required columns, its parser and writer.
struct Kind<T> {
    name: &'static str,
    required: &'static [&'static str],
    parse: fn(Row<'_>) -> Result<T, String>,
    apply: ApplyFn<T>,
}

/// Imports interactions (contracts.md §3) from a CSV or NDJSON file.
///
/// Rows that fail validation are reported with their line and reason and the
/// rest are imported. Valid rows are committed `options.batch_size` at a time,
/// each batch in one transaction with an audit event by `actor`, so an import
/// that is killed leaves whole batches only, and running it again converges
/// to the same data (records are upserted by `id`, rollups adjusted by delta).
/// `progress` is called with the number of rows read so far.
///
/// Fails before writing anything when the file's header lacks a required
/// column; fails part-way on a read error or a database error, keeping the
/// batches already committed.
pub async fn import_interactions<R: Read + Send>(
    db: &Db,
    actor: &Actor,
    file: ImportFile<R>,
    options: &ImportOptions,
    now: Timestamp,
    progress: &mut (dyn FnMut(u64) + Send),
) -> StoreResult<ImportReport> {
    let kind = Kind {
        name: "interactions",
        required: &["id", "channel", "queue", "customer_id", "topic", "arrived_at", "outcome"],
        parse: interactions::parse_row,
        apply: interactions::apply_batch,
    };
    run(db, actor, file, options, now, progress, &kind).await
}

/// Imports surveys (contracts.md §3) from a CSV or NDJSON file; a survey
/// whose interaction is not in the database is rejected ("unknown
/// interaction"). Batching, rejection and idempotence are as for
/// [`import_interactions`].
pub async fn import_surveys<R: Read + Send>(
    db: &Db,
    actor: &Actor,
    file: ImportFile<R>,
    options: &ImportOptions,
    now: Timestamp,
    progress: &mut (dyn FnMut(u64) + Send),
) -> StoreResult<ImportReport> {
    let kind = Kind {
        name: "surveys",
        required: &["interaction_id", "responded_at"],
        parse: surveys::parse_row,
        apply: surveys::apply_batch,
    };
    run(db, actor, file, options, now, progress, &kind).await
}

/// The organisation's time zone, UTC when there is no organisation yet.
pub(crate) async fn org_time_zone(db: &Db) -> StoreResult<TimeZone> {
    match org::get(db).await? {
        Some(org) => TimeZone::get(&org.time_zone).map_err(|e| {
            StoreError::Corrupt(format!("the organisation's time zone {} is unknown: {e}", org.time_zone))
        }),
        None => Ok(TimeZone::UTC),
    }
}

/// Running totals of one import.
#[derive(Default)]
struct Totals {
    report: Applied,
    rows: u64,
    batches: u64,
}

/// Runs an import on a connection of its own (see [`Db::single_connection`]
/// for why), closed when the import ends.
async fn run<R: Read + Send, T: Send>(
    db: &Db,
    actor: &Actor,
    file: ImportFile<R>,
    options: &ImportOptions,
    now: Timestamp,
    progress: &mut (dyn FnMut(u64) + Send),
    kind: &Kind<T>,
) -> StoreResult<ImportReport> {
    let writer = db.single_connection().await?;
    let result = run_on(&writer, actor, file, options, now, progress, kind).await;
    writer.close().await;
    result
}

async fn run_on<R: Read + Send, T: Send>(
    db: &Db,
    actor: &Actor,
    file: ImportFile<R>,
    options: &ImportOptions,
    now: Timestamp,
    progress: &mut (dyn FnMut(u64) + Send),
    kind: &Kind<T>,
) -> StoreResult<ImportReport> {
    let mut rows = RowReader::new(file.reader, file.format, kind.required)?;
    let ctx = BatchCtx {
        run_id: start_run(db, actor, kind.name, &file.name, now).await?,
        settings: options.settings,
        tz: org_time_zone(db).await?,
        backend: db.backend(),
        clock: PhaseClock::from_env(),
    };
    let batch_size = options.batch_size.max(1);
    let mut totals = Totals::default();
    let mut next = read_batch(&mut rows, kind, batch_size, 0, progress, &ctx.clock).await?;
    loop {
        let ReadBatch { batch, rejected, rows: read } = next;
        totals.rows += read;
        totals.report.rejected.extend(rejected);
        if batch.len() < batch_size {
            // The end of the file.
            if !batch.is_empty() {
                commit_batch(db, actor, &ctx, kind, batch, &mut totals, now).await?;
            }
            break;
        }
        // The next batch is read and parsed while this one is written: the
        // database works on its own thread, and reading yields to it often.
        let seen = totals.rows;
        let (committed, read) = futures_util::future::join(
            commit_batch(db, actor, &ctx, kind, batch, &mut totals, now),
            read_batch(&mut rows, kind, batch_size, seen, progress, &ctx.clock),
        )
        .await;
        committed?;
        next = read?;
        progress(totals.rows);
    }
    progress(totals.rows);
    finish_run(db, actor, &ctx, kind.name, &totals, now).await?;
    ctx.clock.report(totals.rows, totals.batches);
    let mut rejected = totals.report.rejected;
    rejected.sort_by_key(|r| r.line);
    Ok(ImportReport { run_id: ctx.run_id, imported: totals.report.imported, updated: totals.report.updated, rejected })
}

/// The rows read for one batch: the valid records, the rejected rows, and
/// how many rows were read in all.
struct ReadBatch<T> {
    batch: Vec<(u64, T)>,
    rejected: Vec<Rejection>,
    rows: u64,
}

/// Rows read between yields to the batch being written alongside.
const ROWS_PER_YIELD: u64 = 64;

/// Reads and parses rows until `size` are valid or the file ends. `seen`
/// rows were read before; `progress` hears the running count now and then.
async fn read_batch<R: Read, T>(
    rows: &mut RowReader<R>,
    kind: &Kind<T>,
    size: usize,
    seen: u64,
    progress: &mut (dyn FnMut(u64) + Send),
    clock: &PhaseClock,
) -> StoreResult<ReadBatch<T>> {
    let mut out = ReadBatch { batch: Vec::with_capacity(size), rejected: Vec::new(), rows: 0 };
    let mut mark = clock.start();
    while out.batch.len() < size {
        let Some((line, row)) = rows.next_row()? else {
            break;
        };
        out.rows += 1;
        match row.and_then(kind.parse) {
            Ok(record) => out.batch.push((line, record)),
            Err(reason) => out.rejected.push(Rejection { line, reason }),
        }
        if out.rows.is_multiple_of(ROWS_PER_YIELD) {
            if (seen + out.rows).is_multiple_of(1024) {
                progress(seen + out.rows);
            }
            clock.lap(Phase::Parse, mark);
            tokio::task::yield_now().await;
            mark = clock.start();
        }
    }
    clock.lap(Phase::Parse, mark);
    Ok(out)
}

async fn start_run(db: &Db, actor: &Actor, kind: &str, file_name: &str, now: Timestamp) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO import_runs (kind, file_name, user_id, actor, started_at, status, imported, updated, rejected) \
         VALUES ($1, $2, $3, $4, $5, 'running', 0, 0, 0) RETURNING id",
    )
    .bind(kind)
    .bind(file_name)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        &format!("{kind}.import.start"),
        &format!("import:{id}"),
        &format!("file: \u{201c}{file_name}\u{201d}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn commit_batch<T>(
    db: &Db,
    actor: &Actor,
    ctx: &BatchCtx,
    kind: &Kind<T>,
    batch: Vec<(u64, T)>,
    totals: &mut Totals,
    now: Timestamp,
) -> StoreResult<()> {
    let first = batch.first().map_or(0, |(line, _)| *line);
    let last = batch.last().map_or(0, |(line, _)| *line);
    let mut tx = db.begin().await?;
    if ctx.backend == crate::db::Backend::Sqlite {
        // SQLite copies the write-ahead log into the database file once the
        // log passes this many pages (1,000 by default, less than one batch
        // writes). A larger log copies a page changed by several batches
        // once, not once per batch. Commits stay durable as before.
        sqlx::query("PRAGMA wal_autocheckpoint = 16384").execute(&mut *tx).await?;
    }
    let applied = (kind.apply)(&mut tx, ctx, batch).await?;
    let mark = ctx.clock.start();
    totals.batches += 1;
    let summary = format!(
        "batch {}: lines {first}\u{2013}{last}; {} imported, {} updated, {} rejected",
        totals.batches,
        applied.imported,
        applied.updated,
        applied.rejected.len()
    );
    totals.report.imported += applied.imported;
    totals.report.updated += applied.updated;
    // The counts are written with the batch, so after a kill the history
    // matches what was committed.
    let rejected_so_far = totals.report.rejected.len() + applied.rejected.len();
    update_counts(&mut tx, ctx.run_id, &totals.report, rejected_so_far).await?;
    audit::record(
        &mut tx,
        actor,
        &format!("{}.import.batch", kind.name),
        &format!("import:{}", ctx.run_id),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.clock.lap(Phase::Commit, mark);
    totals.report.rejected.extend(applied.rejected);
    Ok(())
}

async fn update_counts(tx: &mut Tx, run_id: i64, report: &Applied, rejected: usize) -> StoreResult<()> {
    sqlx::query("UPDATE import_runs SET imported = $1, updated = $2, rejected = $3 WHERE id = $4")
        .bind(count(report.imported))
        .bind(count(report.updated))
        .bind(count(rejected as u64))
        .bind(run_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn finish_run(
    db: &Db,
    actor: &Actor,
    ctx: &BatchCtx,
    kind: &str,
    totals: &Totals,
    now: Timestamp,
) -> StoreResult<()> {
    let report = &totals.report;
    let mut tx = db.begin().await?;
    update_counts(&mut tx, ctx.run_id, report, report.rejected.len()).await?;
    sqlx::query("UPDATE import_runs SET status = 'completed', finished_at = $1 WHERE id = $2")
        .bind(now.as_second())
        .bind(ctx.run_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        &format!("{kind}.import.finish"),
        &format!("import:{}", ctx.run_id),
        &format!(
            "{} rows read; {} imported, {} updated, {} rejected",
            totals.rows,
            report.imported,
            report.updated,
            report.rejected.len()
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A count as the database's BIGINT.
pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
