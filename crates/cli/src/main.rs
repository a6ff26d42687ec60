//! The `crewdeck` binary: parses the command line and runs one command.
//!
//! Errors go to stderr with the exit code of the error policy in [`error`].

mod commands;
mod error;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// crewdeck: performance, quality and staffing for customer-service teams.
#[derive(Debug, Parser)]
#[command(name = "crewdeck", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Agents needed per interval to meet service-level, occupancy and ASA targets.
    Staffing(commands::staffing::StaffingArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Staffing(args) => commands::staffing::run(args, &mut stdout),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}
