//! `crewdeck audit verify`: checks the hash chain and names the first broken link.

use std::io::Write;

use clap::Subcommand;
use crewdeck_store::Db;
use crewdeck_store::audit::{self, VerifyError};

use crate::error::{CliError, CliResult};

/// `crewdeck audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit event was altered, removed or inserted.
    Verify {
        /// Print {"ok": …, "events": …, "error": …} as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `audit verify`: exit 0 when intact, 1 naming the event when broken.
pub async fn verify(db: &Db, json: bool, out: &mut dyn Write) -> CliResult {
    match audit::verify(db).await {
        Ok(count) => {
            let line = if json {
                serde_json::json!({"ok": true, "events": count, "error": null}).to_string()
            } else {
                format!("The audit trail is intact: {count} events verified.")
            };
            writeln!(out, "{line}").map_err(|e| CliError::Failure(e.into()))?;
            Ok(())
        }
        Err(VerifyError::Store(e)) => Err(CliError::Failure(e.into())),
        Err(e) => {
            if json {
                writeln!(out, "{}", serde_json::json!({"ok": false, "events": null, "error": e.to_string()}))
                    .map_err(|e| CliError::Failure(e.into()))?;
            }
            Err(CliError::Failure(anyhow::anyhow!(
                "{e}. Restore the database from a backup taken before that event and investigate who changed it."
            )))
        }
    }
}
