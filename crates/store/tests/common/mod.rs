//! Test databases: a fresh SQLite file or a fresh PostgreSQL schema per test.
//!
//! PostgreSQL is required, not optional: set `CREWDECK_TEST_POSTGRES_URL` to
//! point elsewhere (default `postgres://postgres@127.0.0.1:5432/test`).

#![allow(dead_code, missing_docs)]

use crewdeck_store::Db;

pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let db = Db::connect(&url).await.expect("sqlite connects");
    db.migrate().await.expect("migrations run");
    TestDb { db, _dir: Some(dir) }
}

pub fn postgres_base_url() -> String {
    std::env::var("CREWDECK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub async fn postgres() -> TestDb {
    let base = postgres_base_url();
    let schema = format!("t_{}", hex_id());
    let admin = Db::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required for the storage suite ({base}): {e}"));
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.expect("create schema");
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let db = Db::connect(&url).await.expect("postgres connects");
    db.migrate().await.expect("migrations run");
    TestDb { db, _dir: None }
}

fn hex_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}{:x}{:x}", std::process::id(), nanos, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Runs one async test body on both backends: `both_backends!(name, body_fn);`
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::common::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::common::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}
