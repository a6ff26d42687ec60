//! The crewdeck command line (minimal: only `allocate` is wired here so far).

mod commands;
mod error;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// crewdeck: run a customer-service team's work, week to week.
#[derive(Debug, Parser)]
#[command(name = "crewdeck", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Allocate work items to agents (exact, explainable; see docs/allocation.md).
    Allocate(commands::allocate::AllocateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Allocate(args) => commands::allocate::run(args, &mut stdout),
    };
    match result.and_then(|()| {
        stdout
            .flush()
            .map_err(|e| error::CliError::Failure(e.into()))
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("crewdeck: {error}");
            error.exit_code()
        }
    }
}
