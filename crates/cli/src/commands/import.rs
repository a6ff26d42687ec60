//! `crewdeck import interactions|surveys FILE [--format csv|ndjson] [--json]`
//! (contracts.md §3).
//!
//! The file is streamed into the database in batches; a progress bar on
//! stderr follows the bytes read when stderr is a terminal. Rejected rows are
//! listed (with `--json`, in the pinned document) and the command exits 2
//! after every valid row has been imported.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::Table;
use crewdeck_store::audit::Actor;
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions, ImportReport};
use crewdeck_store::{Db, StoreError};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{CliError, CliResult};

/// Arguments of `crewdeck import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[command(subcommand)]
    pub what: ImportWhat,
}

/// The kinds of file `crewdeck import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Contacts: one record per interaction, upserted by `id`.
    Interactions(ImportFileArgs),
    /// Survey responses, upserted by (`interaction_id`, `responded_at`).
    Surveys(ImportFileArgs),
    /// Zendesk export pages: tickets (with their metrics) and satisfaction ratings.
    Zendesk(super::platform_import::ZendeskArgs),
    /// Amazon Connect contact records, one JSON object per line.
    Connect(super::platform_import::ConnectArgs),
}

/// The file to import and how to report.
#[derive(Debug, Args)]
pub struct ImportFileArgs {
    /// The CSV (with a header) or NDJSON file.
    pub file: PathBuf,
    /// The file's format; by default NDJSON for .ndjson, .jsonl and .json
    /// files and CSV otherwise.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Print one JSON document: {"imported", "updated", "rejected"}.
    #[arg(long)]
    pub json: bool,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Ndjson,
}

/// Runs `crewdeck import`.
pub async fn run(args: &ImportArgs, db: &Db, out: &mut dyn Write) -> CliResult {
    let (surveys, file_args) = match &args.what {
        ImportWhat::Interactions(a) => (false, a),
        ImportWhat::Surveys(a) => (true, a),
        ImportWhat::Zendesk(a) => return super::platform_import::zendesk(a, db, out).await,
        ImportWhat::Connect(a) => return super::platform_import::connect(a, db, out).await,
    };
    let path = &file_args.file;
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|e| CliError::input(format!("{shown}: cannot open the file: {e}")))?;
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let format = match file_args.format {
        Some(FormatArg::Csv) => ImportFormat::Csv,
        Some(FormatArg::Ndjson) => ImportFormat::Ndjson,
        None => ImportFormat::from_file_name(&shown),
    };
    let bytes = Arc::new(AtomicU64::new(0));
    let reader = Counting { inner: file, bytes: Arc::clone(&bytes) };
    let bar = std::io::stderr().is_terminal().then(|| progress_bar(length));
    let mut progress = |rows: u64| {
        if let Some(bar) = &bar {
            bar.set_position(bytes.load(Ordering::Relaxed));
            bar.set_message(format!("{rows} rows"));
        }
    };
    let import = ImportFile { name: shown.clone(), format, reader };
    let options = ImportOptions::default();
    let actor = actor();
    let now = jiff::Timestamp::now();
    let result = if surveys {
        kpi::import_surveys(db, &actor, import, &options, now, &mut progress).await
    } else {
        kpi::import_interactions(db, &actor, import, &options, now, &mut progress).await
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = result.map_err(input_or_failure(&shown))?;
    // The history keeps the duration and the rejected rows for download.
    let source = if format == ImportFormat::Csv { "csv" } else { "ndjson" };
    let kept = crewdeck_store::imports::PlatformReport::from(report.clone());
    crewdeck_store::imports::record_import(db, &actor, &kept, source, now, jiff::Timestamp::now())
        .await
        .map_err(|e| CliError::Failure(anyhow::Error::new(e).context(format!("recording the import of {shown}"))))?;
    print_report(&report, file_args.json, out)?;
    exit_for_rejections(&shown, report.rejected.len(), report.rejected.first().map(|r| (r.line, r.reason.as_str())))
}

/// Maps a store error of an import of `shown`: bad input exits 2 naming the
/// file, anything else is a failure.
pub(crate) fn input_or_failure(shown: &str) -> impl Fn(StoreError) -> CliError + '_ {
    move |e| match e {
        StoreError::Invalid(errors) => CliError::input(format!("{shown}: {errors}")),
        other => CliError::Failure(anyhow::Error::new(other).context(format!("importing {shown}"))),
    }
}

/// After an import that kept every valid row: exit 2 when any row of `shown`
/// was rejected, naming how many and the first one's line and reason.
pub(crate) fn exit_for_rejections(shown: &str, count: usize, first: Option<(u64, &str)>) -> CliResult {
    match first {
        None => Ok(()),
        Some((line, reason)) => Err(CliError::input(format!(
            "{shown}: {count} row{} rejected (every valid row was imported); line {line}: {reason}",
            if count == 1 { "" } else { "s" },
        ))),
    }
}

fn print_report(report: &ImportReport, as_json: bool, out: &mut dyn Write) -> CliResult {
    if as_json {
        // ImportReport serialises as exactly the pinned document.
        let document = serde_json::to_string(report).context("encoding the result")?;
        writeln!(out, "{document}").context("writing the result")?;
        return Ok(());
    }
    writeln!(out, "Imported {} new, updated {}, rejected {}.", report.imported, report.updated, report.rejected.len())
        .context("writing the result")?;
    if !report.rejected.is_empty() {
        let mut table = Table::new();
        table.set_header(["line", "reason"]);
        for rejection in &report.rejected {
            table.add_row([rejection.line.to_string(), rejection.reason.clone()]);
        }
        writeln!(out, "{table}").context("writing the result")?;
    }
    Ok(())
}

/// Who is importing, for the audit trail and the import history: the
/// command line has no login, so the operating-system user is recorded.
fn actor() -> Actor {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".to_string());
    Actor::system(&format!("crewdeck import (OS user {user})"))
}

fn progress_bar(length: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({elapsed}, about {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// Counts the bytes read, so the progress bar can follow a stream whose
/// row count is unknown until the end.
struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
