//! Imports beyond the pinned CSV and NDJSON files: exports of contact
//! platforms (Zendesk, Amazon Connect), what the import history keeps about
//! each import (duration, rejected rows), and the themes of customer
//! comments.
//!
//! Platform records are mapped by `crewdeck_core::imports` and written
//! through [`crate::kpi::import_interactions`] and
//! [`crate::kpi::import_surveys`], so batching, rejections, idempotence and
//! the rollups are exactly those of the ordinary import.

mod connect;
mod feed;
mod history;
mod zendesk;

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

pub use connect::import_connect;
pub use history::{ImportEntry, ImportPage, record_import, rejections, run as import_run, runs_page};
pub use zendesk::{ZendeskReport, import_zendesk, zendesk_files};

use crate::audit::Actor;
use crate::db::Db;
use crate::error::StoreResult;
use crate::kpi::{self, ImportFile, ImportFormat, ImportOptions, ImportReport, Rejection};

/// Where "now" comes from during an import that takes a while.
pub type Clock<'a> = &'a (dyn Fn() -> Timestamp + Send + Sync);

/// The progress callback of an import: rows read so far.
pub type Progress<'a> = &'a mut (dyn FnMut(u64) + Send);

/// What one platform import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlatformReport {
    /// The import's row in the import history.
    #[serde(skip)]
    pub run_id: i64,
    /// Records that were new.
    pub imported: u64,
    /// Records already in the database, updated.
    pub updated: u64,
    /// Records not imported, by line (or position), with the reason.
    pub rejected: Vec<Rejection>,
    /// Records that are not contacts or responses, counted by reason.
    pub skipped: BTreeMap<String, u64>,
}

impl From<ImportReport> for PlatformReport {
    fn from(report: ImportReport) -> Self {
        Self::from_import(report)
    }
}

impl PlatformReport {
    fn from_import(report: ImportReport) -> Self {
        Self {
            run_id: report.run_id,
            imported: report.imported,
            updated: report.updated,
            rejected: report.rejected,
            skipped: BTreeMap::new(),
        }
    }

    /// Records skipped, all reasons together.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// What a file holds, as chosen on the upload page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Interactions as in contracts.md §3, CSV or NDJSON.
    Interactions,
    /// Surveys as in contracts.md §3, CSV or NDJSON.
    Surveys,
    /// A Zendesk export page: tickets (with metric sets), ticket metrics or
    /// satisfaction ratings.
    Zendesk,
    /// Amazon Connect contact records, one JSON object per line.
    Connect,
}

impl ImportKind {
    /// Every kind, in the order the upload page offers them.
    pub const ALL: [ImportKind; 4] = [Self::Interactions, Self::Surveys, Self::Zendesk, Self::Connect];

    /// The stable name used in forms and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interactions => "interactions",
            Self::Surveys => "surveys",
            Self::Zendesk => "zendesk",
            Self::Connect => "connect",
        }
    }

    /// The label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Interactions => "Interactions (CSV or NDJSON)",
            Self::Surveys => "Surveys (CSV or NDJSON)",
            Self::Zendesk => "Zendesk export page (JSON)",
            Self::Connect => "Amazon Connect contact records (JSON lines)",
        }
    }

    /// Parses a stable name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }
}

/// Imports one file of the given kind, then records its duration and
/// rejected rows in the history. Used by the upload page, so that every kind
/// goes through one door; `name` is the file's name as the user gave it.
pub async fn import_file(
    db: &Db,
    actor: &Actor,
    kind: ImportKind,
    path: &Path,
    name: &str,
    clock: Clock<'_>,
    progress: Progress<'_>,
) -> StoreResult<Vec<PlatformReport>> {
    let started = clock();
    let open = || {
        std::fs::File::open(path)
            .map_err(|e| crate::StoreError::field("file", format!("the upload cannot be read: {e}")))
    };
    let options = ImportOptions::default();
    let format = ImportFormat::from_file_name(name);
    let (reports, source) = match kind {
        ImportKind::Interactions | ImportKind::Surveys => {
            let file = ImportFile { name: name.to_string(), format, reader: open()? };
            let report = if kind == ImportKind::Surveys {
                kpi::import_surveys(db, actor, file, &options, started, progress).await?
            } else {
                kpi::import_interactions(db, actor, file, &options, started, progress).await?
            };
            let source = if format == ImportFormat::Csv { "csv" } else { "ndjson" };
            (vec![PlatformReport::from_import(report)], source)
        }
        ImportKind::Connect => {
            let options = crewdeck_core::imports::connect::ConnectOptions::default();
            (vec![connect::run(db, actor, open()?, name, &options, started, progress).await?], "connect")
        }
        ImportKind::Zendesk => {
            let options = crewdeck_core::imports::zendesk::ZendeskOptions::default();
            let report = zendesk::run(db, actor, &[path.to_path_buf()], name, &options, started, progress).await?;
            (report.into_reports(), "zendesk")
        }
    };
    let finished = clock();
    for report in &reports {
        record_import(db, actor, report, source, started, finished).await?;
    }
    Ok(reports)
}
