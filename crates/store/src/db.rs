//! Connecting to SQLite or PostgreSQL by URL, and running the migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor, Transaction};

use crate::error::{StoreError, StoreResult};

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server (or a compatible engine).
    Postgres,
}

/// A handle on the database: a connection pool and which engine it is.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    cache: std::sync::Arc<crate::cache::ReadCache>,
}

/// Pool settings for `backend` with at most `max` connections, each set up
/// as the engine needs when it opens.
fn pool_options(backend: Backend, max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new().max_connections(max).acquire_timeout(Duration::from_secs(10)).after_connect(move |conn, _| {
        Box::pin(async move {
            if backend == Backend::Sqlite {
                // WAL lets readers run beside the single writer; the busy
                // timeout makes writers queue instead of failing.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                // SQLite's default page cache is 2 MB; imports and
                // reports over millions of interactions then spend
                // their time re-reading pages. 64 MB per connection
                // is a bound, not an allocation, and mapping the file
                // lets reads skip a copy through the kernel.
                conn.execute("PRAGMA cache_size = -65536").await?;
                conn.execute("PRAGMA mmap_size = 1073741824").await?;
                conn.execute("PRAGMA temp_store = MEMORY").await?;
            }
            Ok(())
        })
    })
}

/// An open write transaction.
pub type Tx = Transaction<'static, sqlx::Any>;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "interactions", include_str!("../migrations/0002_interactions.sql")),
    // area: kpi
    (3, "standards", include_str!("../migrations/0003_standards.sql")),
    // area: imports
    (4, "imports", include_str!("../migrations/0004_imports.sql")),
    // area: quality
    (5, "quality", include_str!("../migrations/0005_quality.sql")),
    (11, "quality_precision", include_str!("../migrations/0011_quality_precision.sql")),
    // area: allocation
    (6, "allocation", include_str!("../migrations/0006_allocation.sql")),
    // area: staffing
    (7, "staffing", include_str!("../migrations/0007_staffing.sql")),
    (10, "contingency", include_str!("../migrations/0010_contingency.sql")),
    // area: perf
    (8, "perf", include_str!("../migrations/0008_perf.sql")),
    (9, "perf_rollups", include_str!("../migrations/0009_perf_rollups.sql")),
    (12, "kpi_agent_daily", include_str!("../migrations/0012_kpi_agent_daily.sql")),
    (14, "kpi_queue_daily", include_str!("../migrations/0014_kpi_queue_daily.sql")),
    // area: imports at scale
    (13, "import_weeks", include_str!("../migrations/0013_import_weeks.sql")),
];

impl Db {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`), creating a SQLite
    /// file and its folder on first use. Does not migrate: call [`Db::migrate`].
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::field(
                "database",
                format!("Use a URL starting sqlite:// or postgres:// (got \u{201c}{}\u{201d}).", redact_url(url)),
            ));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let max = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = pool_options(backend, max).connect_with(options).await?;
        Ok(Self { pool, backend, cache: Default::default() })
    }

    /// The same database through a pool of its own holding one connection,
    /// for a long run of write transactions such as an import; close it with
    /// [`Db::close`] when done.
    ///
    /// A connection goes back to its pool in a task spawned when its
    /// transaction ends, so a transaction begun straight after another often
    /// finds no idle connection and opens a second one. Consecutive batches
    /// then alternate between connections, and on SQLite every commit empties
    /// the page cache of the other connection. With one connection the cache
    /// stays warm from batch to batch.
    pub(crate) async fn single_connection(&self) -> StoreResult<Self> {
        let options = (*self.pool.connect_options()).clone();
        let pool = pool_options(self.backend, 1).connect_with(options).await?;
        Ok(Self { pool, backend: self.backend, cache: self.cache.clone() })
    }

    /// The connection pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The version of everything people edit: the audit chain's head.
    pub async fn data_version(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?)
    }

    /// Heavy reads, cached until the next audited write (see [`crate::cache`]).
    pub fn cache(&self) -> &crate::cache::ReadCache {
        &self.cache
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction.
    ///
    /// On SQLite the write lock is taken at the start (`BEGIN IMMEDIATE`), so a
    /// transaction that reads before it writes cannot fail half-way with "database
    /// is locked"; it waits for the busy timeout instead.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Brings the schema up to date. Safe to run from several processes at once.
    pub async fn migrate(&self) -> StoreResult<usize> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            // Two servers starting together must not both apply a migration.
            conn.execute("SELECT pg_advisory_lock(7214063)").await?;
        }
        let result = self.apply_migrations(&mut conn).await;
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_unlock(7214063)").await?;
        }
        result
    }

    async fn apply_migrations(&self, conn: &mut sqlx::AnyConnection) -> StoreResult<usize> {
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations").fetch_all(&mut *conn).await?;
        let mut count = 0;
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            let sql = self.dialect(sql);
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::raw_sql(&sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(version)
                .bind(*name)
                .bind(jiff::Timestamp::now().as_second())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            count += 1;
        }
        if count > 0 && self.backend == Backend::Sqlite {
            // A migration that rewrites a large table leaves its pages in the
            // write-ahead log, and every later reader looks pages up there
            // until something checkpoints: measured at 10M contacts, a 2 GB
            // log tripled the time of a KPI report.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Ok(count)
    }

    /// Rewrites the few backend-specific tokens of a migration.
    fn dialect(&self, sql: &str) -> String {
        let pk = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        };
        // SQLite stores a table with a composite key once, in key order,
        // instead of as rows plus an index; PostgreSQL has no such option.
        let without_rowid = match self.backend {
            Backend::Sqlite => "WITHOUT ROWID",
            Backend::Postgres => "",
        };
        sql.replace("{{PK}}", pk).replace("{{WITHOUT_ROWID}}", without_rowid)
    }

    /// True when the database holds no organisation yet.
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisation").fetch_one(&self.pool).await?;
        Ok(count == 0)
    }

    /// Closes every connection (and checkpoints SQLite's write-ahead log).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Adds `mode=rwc` so SQLite creates the file, and creates its folder.
fn sqlite_url(url: &str) -> StoreResult<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(StoreError::field(
            "database",
            "Give a file path after sqlite://, for example sqlite://crewdeck.db.",
        ));
    }
    let parent = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent.filter(|_| path != ":memory:") {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::field("database", format!("Cannot create the folder {}: {e}.", parent.display()))
        })?;
    }
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    if !params.iter().any(|p| p.starts_with("mode=")) {
        params.push("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{}", params.join("&")))
}

/// The URL with any password removed, safe to show and log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{user}:***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(sqlite_url("sqlite://:memory:").ok().as_deref(), Some("sqlite://:memory:?mode=rwc"));
        assert_eq!(sqlite_url("sqlite://x.db?mode=ro").ok().as_deref(), Some("sqlite://x.db?mode=ro"));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://sam:secret@db:5432/x"), "postgres://sam:***@db:5432/x");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
