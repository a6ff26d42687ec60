//! Demo theme rules for customer comments, matching the comments the demo's
//! surveys carry (see `interactions.rs`), with some left unthemed so the
//! comments page has phrases to suggest.

use crewdeck_core::imports::themes::ThemeRule;
use jiff::Timestamp;

use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::imports::comments::create_theme;

const RULES: &[(&str, &str)] = &[
    ("Waiting times", "on hold, waited, took ages, get through, weeks away"),
    ("Call backs", "call back, called back, nobody called"),
    ("Courtesy and loan cars", "courtesy car, loan car"),
    ("Invoices and charges", "invoice, charged, expensive"),
    ("Helpful people", "helpful, friendly, polite"),
];

/// Adds the demo's theme rules.
pub(super) async fn seed(db: &Db, actor: &Actor, now: Timestamp) -> StoreResult<()> {
    for (name, keywords) in RULES {
        let rule =
            ThemeRule::parse(name, keywords).map_err(|e| StoreError::Corrupt(format!("demo theme {name}: {e:?}")))?;
        create_theme(db, actor, &rule, now).await?;
    }
    Ok(())
}
