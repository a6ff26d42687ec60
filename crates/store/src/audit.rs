//! The audit trail: every write by a person appends an event in the same
//! transaction, chained by hash to the event before it.

use crewdeck_core::audit::{AuditRecord, ChainBreak, ChainVerifier, StoredEvent};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};

/// Who made a change, as written in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's id, or `None` for the system itself (demo seeding, migrations).
    pub user_id: Option<i64>,
    /// A readable label such as `Sam Patel <sam@example.com>` or `system`.
    pub label: String,
}

impl Actor {
    /// The system itself, for changes no person made.
    pub fn system(label: &str) -> Self {
        Self { user_id: None, label: label.to_string() }
    }

    fn audit_name(&self) -> String {
        match self.user_id {
            Some(id) => format!("user:{id} {}", self.label),
            None => format!("system {}", self.label),
        }
    }
}

/// One event as shown on the audit page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    /// Position in the chain.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What kind of change.
    pub action: String,
    /// What it was made to.
    pub subject: String,
    /// Which fields changed and how.
    pub summary: String,
}

/// Appends an event to the chain inside the caller's transaction.
///
/// The head row is updated first, which serialises concurrent writers on both
/// backends, so two transactions can never claim the same position.
pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    subject: &str,
    summary: &str,
    now: Timestamp,
) -> StoreResult<i64> {
    let row = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = row.try_get("seq")?;
    let prev_hash: String = row.try_get("hash")?;
    let record = AuditRecord {
        seq,
        at: Timestamp::from_second(now.as_second()).map(|t| t.to_string()).unwrap_or_else(|_| now.to_string()),
        actor: actor.audit_name(),
        action: action.to_string(),
        subject: subject.to_string(),
        summary: summary.to_string(),
    };
    let hash = record.chained_hash(&prev_hash);
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut **tx).await?;
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, subject, summary, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(&record.at)
    .bind(&record.actor)
    .bind(&record.action)
    .bind(&record.subject)
    .bind(&record.summary)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// Why verification failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain is broken at a named event.
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    /// The newest events were removed: the head no longer matches the last event.
    #[error("the audit trail ends at event {last} but {head} events were recorded: the newest events were removed")]
    Truncated {
        /// The last event found.
        last: i64,
        /// The number the head says were written.
        head: i64,
    },
    /// The database could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the whole chain, streaming it so memory stays flat, and names the
/// first event that was altered, removed or inserted.
pub async fn verify(db: &Db) -> Result<u64, VerifyError> {
    let mut rows =
        sqlx::query("SELECT seq, at, actor, action, subject, summary, prev_hash, hash FROM audit_events ORDER BY seq")
            .fetch(db.pool());
    let mut verifier = ChainVerifier::default();
    let mut checked = 0u64;
    while let Some(row) = rows.try_next().await.map_err(StoreError::from)? {
        verifier.check(&stored_event(&row).map_err(StoreError::from)?)?;
        checked += 1;
    }
    let last_seq = verifier.last_seq();
    let head: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await
        .map_err(StoreError::from)?;
    if head != last_seq {
        return Err(VerifyError::Truncated { last: last_seq, head });
    }
    Ok(checked)
}

fn stored_event(row: &sqlx::any::AnyRow) -> Result<StoredEvent, sqlx::Error> {
    Ok(StoredEvent {
        record: AuditRecord {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            summary: row.try_get("summary")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The newest events first, optionally only those about one subject.
pub async fn list(db: &Db, subject: Option<&str>, limit: i64, before_seq: Option<i64>) -> StoreResult<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, summary FROM audit_events \
         WHERE ($1 = '' OR subject = $1) AND seq < $2 ORDER BY seq DESC LIMIT $3",
    )
    .bind(subject.unwrap_or(""))
    .bind(before_seq.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditEvent {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                summary: row.try_get("summary")?,
            })
        })
        .collect()
}

/// Describes a change as `field: old → new` pairs, skipping unchanged fields.
pub fn diff_summary(changes: &[(&str, String, String)]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| format!("{field}: {} \u{2192} {}", shown(old), shown(new)))
        .collect();
    if parts.is_empty() { "no change".to_string() } else { parts.join("; ") }
}

fn shown(value: &str) -> String {
    if value.is_empty() { "(empty)".to_string() } else { format!("\u{201c}{value}\u{201d}") }
}
