//! Zendesk export pages into interactions (tickets) and surveys
//! (satisfaction ratings).
//!
//! Three passes over the files, one page in memory at a time: the first
//! checks every page and gathers ticket metrics (a few numbers per ticket,
//! which a ticket needs for its answered and ended times whichever file they
//! come in); the second imports tickets; the third ratings, whose tickets
//! are then in the database.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crewdeck_core::imports::zendesk::{Page, TicketMetrics, ZendeskOptions, map_rating, map_ticket, parse_metrics};
use serde::Serialize;
use serde_json::Value;

use super::feed::{Feed, Item, SharedSide};
use super::{Clock, PlatformReport, Progress, record_import};
use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::kpi::{self, ImportFile, ImportFormat, ImportOptions};

/// What a Zendesk import did: tickets and ratings are separate imports in
/// the history; either is `None` when the files held none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ZendeskReport {
    /// Tickets imported as interactions.
    pub interactions: Option<PlatformReport>,
    /// Satisfaction ratings imported as surveys.
    pub surveys: Option<PlatformReport>,
}

impl ZendeskReport {
    /// The reports that exist, tickets first.
    pub fn into_reports(self) -> Vec<PlatformReport> {
        self.interactions.into_iter().chain(self.surveys).collect()
    }
}

/// The JSON files to read: each file as given, and the `.json` files of
/// each folder in name order.
pub fn zendesk_files(paths: &[PathBuf]) -> StoreResult<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let listing = std::fs::read_dir(path)
                .map_err(|e| StoreError::field("file", format!("{}: cannot list the folder: {e}", path.display())))?;
            let mut found: Vec<PathBuf> = listing
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(StoreError::field("file", "no .json files were found; give export pages or a folder of them"));
    }
    Ok(files)
}

/// Imports Zendesk export pages (files, or folders of `.json` files) and
/// records each import's duration and rejected rows in the history.
///
/// Every page is read and checked before anything is written, so a file
/// that is not a Zendesk page fails the whole import with nothing changed.
/// Rejections are numbered by the record's position among the tickets (or
/// ratings) of the import, and name the ticket or rating.
pub async fn import_zendesk(
    db: &Db,
    actor: &Actor,
    paths: &[PathBuf],
    name: &str,
    options: &ZendeskOptions,
    clock: Clock<'_>,
    progress: Progress<'_>,
) -> StoreResult<ZendeskReport> {
    let started = clock();
    let files = zendesk_files(paths)?;
    let report = run(db, actor, &files, name, options, started, progress).await?;
    let finished = clock();
    for part in report.interactions.iter().chain(report.surveys.iter()) {
        record_import(db, actor, part, "zendesk", started, finished).await?;
    }
    Ok(report)
}

fn read_page(path: &Path) -> StoreResult<Page> {
    let shown = path.display();
    let bytes =
        std::fs::read(path).map_err(|e| StoreError::field("file", format!("{shown}: cannot read the file: {e}")))?;
    Page::parse(&bytes).map_err(|e| StoreError::field("file", format!("{shown}: {e}")))
}

/// The first pass: every page checked, metrics gathered.
struct Survey {
    metrics: HashMap<u64, TicketMetrics>,
    unreadable_metrics: u64,
    ticket_files: Vec<PathBuf>,
    rating_files: Vec<PathBuf>,
}

fn survey(files: &[PathBuf]) -> StoreResult<Survey> {
    let mut found =
        Survey { metrics: HashMap::new(), unreadable_metrics: 0, ticket_files: Vec::new(), rating_files: Vec::new() };
    for path in files {
        let page = read_page(path)?;
        for value in page.metrics() {
            match parse_metrics(value) {
                Ok((ticket, metrics)) => {
                    found.metrics.insert(ticket, metrics);
                }
                Err(_) => found.unreadable_metrics += 1,
            }
        }
        if page.tickets.is_some() {
            found.ticket_files.push(path.clone());
        }
        if page.satisfaction_ratings.is_some() {
            found.rating_files.push(path.clone());
        }
    }
    Ok(found)
}

/// The records under one key of each page in turn, one page in memory.
struct Records {
    files: VecDeque<PathBuf>,
    current: std::vec::IntoIter<Value>,
    take: fn(Page) -> Option<Vec<Value>>,
}

impl Iterator for Records {
    type Item = std::io::Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(value) = self.current.next() {
                return Some(Ok(value));
            }
            let path = self.files.pop_front()?;
            match read_page(&path) {
                Ok(page) => self.current = (self.take)(page).unwrap_or_default().into_iter(),
                Err(e) => return Some(Err(std::io::Error::other(e.to_string()))),
            }
        }
    }
}

/// The ids of the records in line order, so that a rejection made by the
/// import itself (which sees only the mapped row) can name its record.
type Labels = Arc<Mutex<Vec<String>>>;

fn label_rejections(report: &mut PlatformReport, labels: &Labels) {
    let labels = labels.lock().unwrap_or_else(PoisonError::into_inner);
    for rejection in &mut report.rejected {
        let index = usize::try_from(rejection.line).unwrap_or(usize::MAX).wrapping_sub(1);
        if let Some(label) = labels.get(index).filter(|l| !rejection.reason.starts_with(l.as_str())) {
            rejection.reason = format!("{label}: {}", rejection.reason);
        }
    }
}

fn record_label(value: &Value, what: &str) -> String {
    value.get("id").map_or_else(|| what.to_string(), |id| format!("{what} {id}"))
}

fn merge(report: kpi::ImportReport, side: &SharedSide, labels: &Labels) -> PlatformReport {
    let mut merged = PlatformReport::from_import(report);
    label_rejections(&mut merged, labels);
    let side = std::mem::take(&mut *side.lock().unwrap_or_else(PoisonError::into_inner));
    merged.rejected.extend(side.rejected);
    merged.rejected.sort_by_key(|r| r.line);
    merged.skipped = side.skipped;
    merged
}

/// The imports themselves, without the history details.
pub(super) async fn run(
    db: &Db,
    actor: &Actor,
    files: &[PathBuf],
    name: &str,
    options: &ZendeskOptions,
    now: jiff::Timestamp,
    progress: Progress<'_>,
) -> StoreResult<ZendeskReport> {
    let found = survey(files)?;
    let mut report = ZendeskReport::default();
    if !found.ticket_files.is_empty() {
        let side = SharedSide::default();
        let labels = Labels::default();
        let (metrics, options, feed_labels) = (found.metrics, options.clone(), Arc::clone(&labels));
        let records =
            Records { files: found.ticket_files.into(), current: Vec::new().into_iter(), take: |p| p.tickets };
        let items = records.map(move |value| -> Item<_> {
            let value = value?;
            feed_labels.lock().unwrap_or_else(PoisonError::into_inner).push(record_label(&value, "ticket"));
            Ok(Some(map_ticket(&value, &metrics, &options)))
        });
        let file = ImportFile {
            name: format!("zendesk tickets: {name}"),
            format: ImportFormat::Ndjson,
            reader: Feed::new(items, Arc::clone(&side)),
        };
        let imported = kpi::import_interactions(db, actor, file, &ImportOptions::default(), now, progress).await?;
        let mut part = merge(imported, &side, &labels);
        if found.unreadable_metrics > 0 {
            part.skipped.insert("unreadable ticket metrics".to_string(), found.unreadable_metrics);
        }
        report.interactions = Some(part);
    }
    if !found.rating_files.is_empty() {
        let side = SharedSide::default();
        let labels = Labels::default();
        let feed_labels = Arc::clone(&labels);
        let records = Records {
            files: found.rating_files.into(),
            current: Vec::new().into_iter(),
            take: |p| p.satisfaction_ratings,
        };
        let items = records.map(move |value| -> Item<_> {
            let value = value?;
            feed_labels
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(record_label(&value, "satisfaction rating"));
            Ok(Some(map_rating(&value)))
        });
        let file = ImportFile {
            name: format!("zendesk ratings: {name}"),
            format: ImportFormat::Ndjson,
            reader: Feed::new(items, Arc::clone(&side)),
        };
        let imported = kpi::import_surveys(db, actor, file, &ImportOptions::default(), now, progress).await?;
        report.surveys = Some(merge(imported, &side, &labels));
    }
    if report.interactions.is_none() && report.surveys.is_none() {
        return Err(StoreError::field(
            "file",
            "the files hold ticket metrics only; import them together with the ticket pages they belong to",
        ));
    }
    Ok(report)
}
