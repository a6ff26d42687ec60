//! The import history: what each import did, how long it took, and the rows
//! it rejected.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use super::PlatformReport;
use crate::audit::{self, Actor};
use crate::db::{Backend, Db};
use crate::error::StoreResult;
use crate::kpi::Rejection;

/// Rejections written per statement: well under both engines' parameter
/// limits.
const REJECTIONS_PER_STATEMENT: usize = 500;

/// Records what the history shows about a finished import beyond
/// `import_runs`: its source, its wall-clock duration, the rows it rejected
/// (including those a platform mapping rejected before the import saw them,
/// which are added to the run's rejected count) and the records skipped.
/// One transaction with its audit event.
pub async fn record_import(
    db: &Db,
    actor: &Actor,
    report: &PlatformReport,
    source: &str,
    started: Timestamp,
    finished: Timestamp,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let skipped = i64::try_from(report.skipped_total()).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO import_details (run_id, source, started_ms, finished_ms, skipped) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(report.run_id)
    .bind(source)
    .bind(started.as_millisecond())
    .bind(finished.as_millisecond())
    .bind(skipped)
    .execute(&mut *tx)
    .await?;
    for chunk in report.rejected.chunks(REJECTIONS_PER_STATEMENT) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(db.backend(), 1 + i * 3, 3))).collect();
        let sql = format!("INSERT INTO import_rejections (run_id, line, reason) VALUES {}", values.join(", "));
        let mut query = sqlx::query(&sql).persistent(false);
        for rejection in chunk {
            query = query
                .bind(report.run_id)
                .bind(i64::try_from(rejection.line).unwrap_or(i64::MAX))
                .bind(&rejection.reason);
        }
        query.execute(&mut *tx).await?;
    }
    let rejected = i64::try_from(report.rejected.len()).unwrap_or(i64::MAX);
    sqlx::query("UPDATE import_runs SET rejected = $1 WHERE id = $2")
        .bind(rejected)
        .bind(report.run_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "import.details",
        &format!("import:{}", report.run_id),
        &format!(
            "source {source}; {} ms; {} rejected rows kept; {skipped} skipped",
            finished.as_millisecond() - started.as_millisecond(),
            report.rejected.len()
        ),
        finished,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `n` parameter placeholders numbered from `start`: `?` for SQLite, which
/// parses numbered ones slowly in long statements, `$N` for PostgreSQL.
fn placeholders(backend: Backend, start: usize, n: usize) -> String {
    let one = |i: usize| match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${i}"),
    };
    (start..start + n).map(one).collect::<Vec<_>>().join(", ")
}

/// One import as the history page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportEntry {
    /// The run's id.
    pub id: i64,
    /// `interactions` or `surveys`: what was written.
    pub kind: String,
    /// Where the rows came from: `csv`, `ndjson`, `zendesk`, `connect`;
    /// `None` for imports made before this was recorded.
    pub source: Option<String>,
    /// The file's name as given.
    pub file_name: String,
    /// Who ran it.
    pub actor: String,
    /// When it started, Unix seconds.
    pub started_at: i64,
    /// `running` or `completed` (a run killed part-way stays `running`).
    pub status: String,
    /// New records.
    pub imported: i64,
    /// Records updated.
    pub updated: i64,
    /// Rows rejected.
    pub rejected: i64,
    /// Records skipped as not contacts or responses.
    pub skipped: i64,
    /// Wall-clock duration in milliseconds, when recorded.
    pub duration_ms: Option<i64>,
    /// Whether the rejected rows are kept and can be downloaded.
    pub rejections_kept: bool,
}

/// One page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportPage {
    /// The imports on this page.
    pub entries: Vec<ImportEntry>,
    /// Whether an older page exists.
    pub has_more: bool,
}

const ENTRY_SELECT: &str = "SELECT r.id, r.kind, r.file_name, r.actor, r.started_at, r.status, r.imported, r.updated, r.rejected, \
            d.source, d.started_ms, d.finished_ms, d.skipped \
     FROM import_runs r LEFT JOIN import_details d ON d.run_id = r.id";

fn entry(r: &sqlx::any::AnyRow) -> StoreResult<ImportEntry> {
    let started_ms: Option<i64> = r.try_get("started_ms")?;
    let finished_ms: Option<i64> = r.try_get("finished_ms")?;
    let source: Option<String> = r.try_get("source")?;
    Ok(ImportEntry {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        rejections_kept: source.is_some(),
        source,
        file_name: r.try_get("file_name")?,
        actor: r.try_get("actor")?,
        started_at: r.try_get("started_at")?,
        status: r.try_get("status")?,
        imported: r.try_get("imported")?,
        updated: r.try_get("updated")?,
        rejected: r.try_get("rejected")?,
        skipped: r.try_get::<Option<i64>, _>("skipped")?.unwrap_or(0),
        duration_ms: started_ms.zip(finished_ms).map(|(s, f)| f - s),
    })
}

/// The imports on page `page` (from 0), `per_page` at a time, newest first.
pub async fn runs_page(db: &Db, page: u32, per_page: u32) -> StoreResult<ImportPage> {
    let per_page = i64::from(per_page.clamp(1, 500));
    let offset = i64::from(page) * per_page;
    let sql = format!("{ENTRY_SELECT} ORDER BY r.id DESC LIMIT $1 OFFSET $2");
    let rows = sqlx::query(&sql).bind(per_page + 1).bind(offset).fetch_all(db.pool()).await?;
    let mut entries = rows.iter().map(entry).collect::<StoreResult<Vec<_>>>()?;
    let has_more = entries.len() as i64 > per_page;
    entries.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
    Ok(ImportPage { entries, has_more })
}

/// One import by id, `None` when there is none.
pub async fn run(db: &Db, id: i64) -> StoreResult<Option<ImportEntry>> {
    let sql = format!("{ENTRY_SELECT} WHERE r.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(entry).transpose()
}

/// The rows import `run_id` rejected, in line order.
pub async fn rejections(db: &Db, run_id: i64) -> StoreResult<Vec<Rejection>> {
    let rows = sqlx::query("SELECT line, reason FROM import_rejections WHERE run_id = $1 ORDER BY line, id")
        .bind(run_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let line: i64 = r.try_get("line")?;
            Ok(Rejection { line: u64::try_from(line).unwrap_or(0), reason: r.try_get("reason")? })
        })
        .collect()
}
