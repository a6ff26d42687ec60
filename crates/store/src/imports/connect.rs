//! Amazon Connect contact records into interactions.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use crewdeck_core::imports::connect::{ConnectOptions, map_line};

use super::feed::{Feed, Item, SharedSide};
use super::{Clock, PlatformReport, Progress, record_import};
use crate::audit::Actor;
use crate::db::Db;
use crate::error::StoreResult;
use crate::kpi::{self, ImportFile, ImportFormat, ImportOptions};

/// Imports a contact record export (one JSON object per line) as
/// interactions, and records the import's duration and rejected rows in the
/// history. Line numbers in rejections are the file's own. Fails before
/// writing anything only when the file cannot be read at all.
pub async fn import_connect<R: Read + Send>(
    db: &Db,
    actor: &Actor,
    reader: R,
    name: &str,
    options: &ConnectOptions,
    clock: Clock<'_>,
    progress: Progress<'_>,
) -> StoreResult<PlatformReport> {
    let started = clock();
    let report = run(db, actor, reader, name, options, started, progress).await?;
    record_import(db, actor, &report, "connect", started, clock()).await?;
    Ok(report)
}

/// The import itself, without the history details.
pub(super) async fn run<R: Read + Send>(
    db: &Db,
    actor: &Actor,
    reader: R,
    name: &str,
    options: &ConnectOptions,
    now: jiff::Timestamp,
    progress: Progress<'_>,
) -> StoreResult<PlatformReport> {
    let side = SharedSide::default();
    let options_for_feed = options.clone();
    let items = BufReader::with_capacity(1 << 16, reader).lines().map(move |line| -> Item<_> {
        let line = line?;
        let line = line.trim_start_matches('\u{feff}');
        Ok((!line.trim().is_empty()).then(|| map_line(line, &options_for_feed)))
    });
    let file = ImportFile {
        name: format!("connect: {name}"),
        format: ImportFormat::Ndjson,
        reader: Feed::new(items, Arc::clone(&side)),
    };
    let report = kpi::import_interactions(db, actor, file, &ImportOptions::default(), now, progress).await?;
    let mut merged = PlatformReport::from_import(report);
    let side = std::mem::take(&mut *side.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    merged.rejected.extend(side.rejected);
    merged.rejected.sort_by_key(|r| r.line);
    merged.skipped = side.skipped;
    Ok(merged)
}
