//! `crewdeck work import FILE [--format csv|ndjson] [--json]`: adds work items
//! to team queues from a file (columns in docs/allocation.md).
//!
//! Rejected rows are listed with their line and field; every valid row is
//! imported; the command then exits 2 if any row was rejected.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use comfy_table::Table;
use crewdeck_store::Db;
use crewdeck_store::allocation::import::{self, WorkImportReport};
use crewdeck_store::audit::Actor;
use crewdeck_store::kpi::ImportFormat;

use super::import::{FormatArg, exit_for_rejections, input_or_failure};
use crate::error::{CliError, CliResult};

/// `crewdeck work` subcommands.
#[derive(Debug, Subcommand)]
pub enum WorkCommand {
    /// Import work items from a CSV (with a header) or NDJSON file.
    Import(WorkImportArgs),
}

/// Arguments of `crewdeck work import`.
#[derive(Debug, Args)]
pub struct WorkImportArgs {
    /// The file.
    pub file: PathBuf,
    /// The file's format; by default NDJSON for .ndjson, .jsonl and .json files, CSV otherwise.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Print one JSON document: {"imported", "rejected"}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `crewdeck work`.
pub async fn run(command: &WorkCommand, db: &Db, out: &mut dyn Write) -> CliResult {
    let WorkCommand::Import(args) = command;
    let shown = args.file.display().to_string();
    let file = File::open(&args.file).map_err(|e| CliError::input(format!("{shown}: cannot open the file: {e}")))?;
    let format = match args.format {
        Some(FormatArg::Csv) => ImportFormat::Csv,
        Some(FormatArg::Ndjson) => ImportFormat::Ndjson,
        None => ImportFormat::from_file_name(&shown),
    };
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_string());
    let actor = Actor::system(&format!("crewdeck work import (OS user {user})"));
    let report = import::import(db, &actor, file, format, None, jiff::Timestamp::now())
        .await
        .map_err(input_or_failure(&shown))?;
    print_report(&report, args.json, out)?;
    exit_for_rejections(&shown, report.rejected.len(), report.rejected.first().map(|r| (r.line, r.reason.as_str())))
}

fn print_report(report: &WorkImportReport, as_json: bool, out: &mut dyn Write) -> CliResult {
    if as_json {
        let document = serde_json::to_string(report).context("encoding the result")?;
        writeln!(out, "{document}").context("writing the result")?;
        return Ok(());
    }
    writeln!(out, "Imported {} work items, rejected {}.", report.imported, report.rejected.len())
        .context("writing the result")?;
    if !report.rejected.is_empty() {
        let mut table = Table::new();
        table.set_header(["line", "reason"]);
        for r in &report.rejected {
            table.add_row([r.line.to_string(), r.reason.clone()]);
        }
        writeln!(out, "{table}").context("writing the result")?;
    }
    Ok(())
}
