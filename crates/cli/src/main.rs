//! The crewdeck binary. This is a minimal entry point for the `import` and
//! `kpi` commands; every command's logic lives in `commands`.

mod commands;
mod error;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use crewdeck_store::Db;
use crewdeck_store::db::redact_url;

use crate::error::{CliError, CliResult};

/// Team performance for customer-service leaders.
#[derive(Debug, Parser)]
#[command(name = "crewdeck", version, about)]
struct Cli {
    /// The database: sqlite://PATH or postgres://...
    #[arg(
        long,
        global = true,
        env = "CREWDECK_DATABASE_URL",
        default_value = "sqlite://crewdeck.db"
    )]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import interactions or surveys from a CSV or NDJSON file.
    Import(commands::import::ImportArgs),
    /// Report KPIs for a period, optionally grouped and filtered.
    Kpi(commands::kpi::KpiArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("crewdeck: {error:#}");
            error.exit_code()
        }
    }
}

async fn run(cli: &Cli) -> CliResult {
    let db = Db::connect(&cli.database).await.map_err(|e| match e {
        crewdeck_store::StoreError::Invalid(errors) => CliError::input(errors.to_string()),
        other => CliError::Failure(anyhow::Error::new(other).context(format!(
            "opening the database {}",
            redact_url(&cli.database)
        ))),
    })?;
    db.migrate()
        .await
        .context("bringing the database schema up to date")?;
    let mut stdout = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Import(args) => commands::import::run(args, &db, &mut stdout).await,
        Command::Kpi(args) => commands::kpi::run(args, &db, &mut stdout).await,
    };
    db.close().await;
    result
}
