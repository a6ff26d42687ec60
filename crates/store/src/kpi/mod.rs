//! Interactions, surveys and KPIs (contracts.md §3): streaming imports that
//! keep per-day rollups up to date, and the KPI report that reads only those
//! rollups.
//!
//! How the pieces fit:
//!
//! - [`import_interactions`] and [`import_surveys`] read a CSV or NDJSON file
//!   row by row, parse each row with `crewdeck_core::kpi`, and write valid rows
//!   in batches, one transaction and one audit event per batch. A batch also
//!   applies signed deltas to `kpi_rollups` (the old record's counts taken
//!   back, the new one's added), so a re-import is idempotent and a killed
//!   import leaves only whole batches.
//! - First contact resolution is kept per interaction (`interactions.fcr`)
//!   and maintained incrementally: a batch recomputes the flags of the
//!   contacts of the same customer and topic whose window a new, moved or
//!   changed contact falls in, and adjusts their rollup rows.
//! - [`report`] sums rollups by any list of group keys; `team` goes through
//!   [`link_agent`] (or an agent id equal to a person's email) and the team
//!   membership history on each day.
//!
//! Rollups are counted under the [`KpiSettings`] given to the import and in
//! the organisation's time zone at import time; changing either means
//! re-importing (or rebuilding) the data.

mod agents;
mod import;
mod interactions;
mod phases;
mod report;
mod rollups;

pub(crate) use rollups::{ReportRows, fetch_rows, summed_counts};
mod rows;
mod surveys;

use crewdeck_core::fields::FieldError;
use crewdeck_core::kpi::KpiSettings;
use jiff::Timestamp;
use serde::Serialize;

pub use agents::{ImportRun, import_runs, link_agent};
pub(crate) use import::org_time_zone;
pub use import::{import_interactions, import_surveys};
pub use report::{GroupKeys, KpiGroupRow, KpiQuery, report};

use crate::db::Backend;
use crate::error::{StoreError, StoreResult};

/// The layout of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// One JSON object per line, with the same keys as the CSV columns.
    Ndjson,
}

impl ImportFormat {
    /// Parses `csv` or `ndjson` in any letter case.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "ndjson" | "jsonl" => Ok(Self::Ndjson),
            _ => Err(FieldError::new("format", format!("expected csv or ndjson (you entered \u{201c}{text}\u{201d})"))),
        }
    }

    /// The format a file name suggests: NDJSON for `.ndjson`, `.jsonl` and
    /// `.json`, CSV otherwise.
    pub fn from_file_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if [".ndjson", ".jsonl", ".json"].iter().any(|ext| lower.ends_with(ext)) { Self::Ndjson } else { Self::Csv }
    }
}

/// One file to import.
#[derive(Debug)]
pub struct ImportFile<R> {
    /// The name recorded in the import history and used in messages.
    pub name: String,
    /// CSV or NDJSON.
    pub format: ImportFormat,
    /// The contents, read once from start to end.
    pub reader: R,
}

/// How an import counts and commits.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Valid rows per transaction. A killed import keeps whole batches only.
    pub batch_size: usize,
    /// The thresholds rollups are counted under.
    pub settings: KpiSettings,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self { batch_size: DEFAULT_BATCH_SIZE, settings: KpiSettings::default() }
    }
}

/// Valid rows per batch unless told otherwise: large enough that commits,
/// statements and rollup rows shared by a batch's contacts cost little per
/// row, small enough that a batch's working set stays a few tens of MB.
pub const DEFAULT_BATCH_SIZE: usize = 50_000;

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The row's line in the file (CSV: the header is line 1).
    pub line: u64,
    /// What is wrong, naming the column where there is one.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The import's row in the import history.
    #[serde(skip)]
    pub run_id: i64,
    /// Records that were new.
    pub imported: u64,
    /// Records whose id (for surveys, interaction and response time) was
    /// already in the database and which were therefore updated, whether or
    /// not any value differed.
    pub updated: u64,
    /// Rows not imported, in line order.
    pub rejected: Vec<Rejection>,
}

/// Placeholders for `n` parameters numbered from `start`, for the
/// statements built per batch.
///
/// Statements whose size varies from batch to batch are run with
/// `persistent(false)`: cached, each distinct one would keep a prepared
/// statement of thousands of parameters per connection, and memory would
/// grow with the number of batches.
///
/// SQLite gets anonymous `?`: it treats `$N` as a named parameter and looks
/// each one up in a list while parsing, which is quadratic in a statement of
/// thousands of parameters (seconds per batch). PostgreSQL needs `$N`.
pub(crate) fn placeholders(backend: Backend, start: usize, n: usize) -> String {
    let one = |i: usize| match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${i}"),
    };
    (start..start + n).map(one).collect::<Vec<_>>().join(", ")
}

/// Nanoseconds since the Unix epoch, or `None` outside 1677–2262.
pub(crate) fn nanos(at: Timestamp) -> Option<i64> {
    i64::try_from(at.as_nanosecond()).ok()
}

/// The rejection reason for a time outside what the database can hold.
pub(crate) fn out_of_range(column: &str) -> String {
    format!("{column}: the time must lie between the years 1678 and 2261")
}

/// An instant read back from the database.
pub(crate) fn from_nanos(value: i64) -> StoreResult<Timestamp> {
    Timestamp::from_nanosecond(i128::from(value))
        .map_err(|e| StoreError::Corrupt(format!("stored instant {value}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_names_and_flags() {
        assert_eq!(ImportFormat::from_file_name("a.NDJSON"), ImportFormat::Ndjson);
        assert_eq!(ImportFormat::from_file_name("a.csv"), ImportFormat::Csv);
        assert_eq!(ImportFormat::from_file_name("a"), ImportFormat::Csv);
        assert_eq!(ImportFormat::parse("CSV"), Ok(ImportFormat::Csv));
        assert!(ImportFormat::parse("xml").is_err());
    }

    #[test]
    fn placeholders_suit_each_backend() {
        assert_eq!(placeholders(Backend::Sqlite, 3, 2), "?, ?");
        assert_eq!(placeholders(Backend::Postgres, 3, 2), "$3, $4");
    }

    #[test]
    fn instants_outside_the_nanosecond_range_are_refused() {
        let ok: Timestamp = "2026-01-05T09:30:00.123456789Z".parse().unwrap();
        assert_eq!(from_nanos(nanos(ok).unwrap()).unwrap(), ok);
        let far: Timestamp = "2300-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(nanos(far), None);
    }
}
