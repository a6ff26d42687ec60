//! `crewdeck import zendesk PATH...` and `crewdeck import connect FILE`:
//! exports of contact platforms, mapped onto interactions and surveys (see
//! docs/imports.md) and written through the ordinary import.
//!
//! Like the pinned forms, rejected records are listed (with `--json`, in one
//! document) and the command exits 2 after every valid record is imported.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use comfy_table::Table;
use crewdeck_core::imports::connect::{AgentKey, ConnectOptions};
use crewdeck_core::imports::zendesk::{TicketField, ZendeskOptions};
use crewdeck_store::Db;
use crewdeck_store::audit::Actor;
use crewdeck_store::imports::{self, PlatformReport};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::import::input_or_failure;
use crate::error::{CliError, CliResult};

/// Arguments of `crewdeck import zendesk`.
#[derive(Debug, Args)]
pub struct ZendeskArgs {
    /// Export pages (JSON files holding tickets, ticket_metrics, metric_sets
    /// or satisfaction_ratings), or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The ticket field that names the queue: group, brand, form, type,
    /// priority, tags, tag:PREFIX or field:ID.
    #[arg(long, default_value = "group", value_parser = TicketField::parse)]
    pub queue_from: TicketField,
    /// The ticket field that names the topic (same choices as --queue-from).
    #[arg(long, default_value = "tags", value_parser = TicketField::parse)]
    pub topic_from: TicketField,
    /// Print one JSON document: {"interactions": {...}, "surveys": {...}}.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `crewdeck import connect`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The contact record export: one JSON contact record per line.
    pub file: PathBuf,
    /// The contact attribute that names the topic.
    #[arg(long, default_value = "topic")]
    pub topic_attribute: String,
    /// Which agent field is the agent id.
    #[arg(long, value_enum, default_value = "username")]
    pub agent_id: AgentIdArg,
    /// Print one JSON document: {"imported", "updated", "rejected", "skipped"}.
    #[arg(long)]
    pub json: bool,
}

/// `--agent-id` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AgentIdArg {
    /// `Agent.Username`, the agent's login.
    Username,
    /// `Agent.ARN`.
    Arn,
}

fn actor() -> Actor {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".to_string());
    Actor::system(&format!("crewdeck import (OS user {user})"))
}

fn spinner() -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar
    })
}

/// Runs `crewdeck import zendesk`.
pub async fn zendesk(args: &ZendeskArgs, db: &Db, out: &mut dyn Write) -> CliResult {
    let shown = args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    for path in &args.paths {
        if !path.exists() {
            return Err(CliError::input(format!("{}: there is no such file or folder", path.display())));
        }
    }
    let options = ZendeskOptions { queue: args.queue_from.clone(), topic: args.topic_from.clone() };
    let bar = spinner();
    let mut progress = |rows: u64| {
        if let Some(bar) = &bar {
            bar.set_message(format!("{rows} records"));
            bar.tick();
        }
    };
    let clock = jiff::Timestamp::now;
    let result = imports::import_zendesk(db, &actor(), &args.paths, &shown, &options, &clock, &mut progress).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = result.map_err(input_or_failure(&shown))?;
    if args.json {
        let document = json!({"interactions": report.interactions.as_ref().map(document),
                              "surveys": report.surveys.as_ref().map(document)});
        writeln!(out, "{document}").context("writing the result")?;
    } else {
        for (what, part) in [("Tickets", &report.interactions), ("Ratings", &report.surveys)] {
            if let Some(part) = part {
                print_report(what, part, out)?;
            }
        }
    }
    let rejected: Vec<_> = report.interactions.iter().chain(report.surveys.iter()).flat_map(|p| &p.rejected).collect();
    match rejected.first() {
        None => Ok(()),
        Some(first) => Err(CliError::input(format!(
            "{shown}: {} record{} rejected (every valid record was imported); record {}: {}",
            rejected.len(),
            if rejected.len() == 1 { "" } else { "s" },
            first.line,
            first.reason
        ))),
    }
}

/// Runs `crewdeck import connect`.
pub async fn connect(args: &ConnectArgs, db: &Db, out: &mut dyn Write) -> CliResult {
    let shown = args.file.display().to_string();
    let file = File::open(&args.file).map_err(|e| CliError::input(format!("{shown}: cannot open the file: {e}")))?;
    let options = ConnectOptions {
        topic_attribute: args.topic_attribute.clone(),
        agent: match args.agent_id {
            AgentIdArg::Username => AgentKey::Username,
            AgentIdArg::Arn => AgentKey::Arn,
        },
    };
    let bar = spinner();
    let mut progress = |rows: u64| {
        if let Some(bar) = &bar {
            bar.set_message(format!("{rows} lines"));
            bar.tick();
        }
    };
    let clock = jiff::Timestamp::now;
    let result = imports::import_connect(db, &actor(), file, &shown, &options, &clock, &mut progress).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = result.map_err(input_or_failure(&shown))?;
    if args.json {
        writeln!(out, "{}", document(&report)).context("writing the result")?;
    } else {
        print_report("Contact records", &report, out)?;
    }
    match report.rejected.first() {
        None => Ok(()),
        Some(first) => Err(CliError::input(format!(
            "{shown}: {} line{} rejected (every valid line was imported); line {}: {}",
            report.rejected.len(),
            if report.rejected.len() == 1 { "" } else { "s" },
            first.line,
            first.reason
        ))),
    }
}

fn document(report: &PlatformReport) -> serde_json::Value {
    json!({"imported": report.imported, "updated": report.updated,
           "rejected": report.rejected, "skipped": report.skipped})
}

fn print_report(what: &str, report: &PlatformReport, out: &mut dyn Write) -> CliResult {
    writeln!(
        out,
        "{what}: imported {} new, updated {}, rejected {}, skipped {}.",
        report.imported,
        report.updated,
        report.rejected.len(),
        report.skipped_total()
    )
    .context("writing the result")?;
    for (reason, count) in &report.skipped {
        writeln!(out, "  skipped {count} {reason}").context("writing the result")?;
    }
    if !report.rejected.is_empty() {
        let mut table = Table::new();
        table.set_header(["record", "reason"]);
        for rejection in &report.rejected {
            table.add_row([rejection.line.to_string(), rejection.reason.clone()]);
        }
        writeln!(out, "{table}").context("writing the result")?;
    }
    Ok(())
}
