//! `crewdeck`: the server and command-line tool for leading a customer service team.

mod commands;
mod config;
mod error;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use crewdeck_store::Db;
use crewdeck_store::db::redact_url;

use commands::accounts::{TokenCommand, UserCommand};
use commands::audit::AuditCommand;
use commands::serve::{DemoArgs, ServeArgs};
use error::{CliError, CliResult};

/// Run team performance for a customer service team: allocation, quality, KPIs,
/// people, staffing and a dated record of every action.
#[derive(Debug, Parser)]
#[command(name = "crewdeck", version, propagate_version = true)]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: crewdeck.db in your data directory.
    #[arg(long, global = true, env = "CREWDECK_DATABASE_URL", value_name = "URL")]
    database: Option<String>,
    /// Configuration file (default: ./crewdeck.toml when present).
    #[arg(long, global = true, env = "CREWDECK_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server and API (migrates the database first).
    Serve(ServeArgs),
    /// Fill an empty database with a demo organisation, then serve it.
    Demo(DemoArgs),
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens for scripts.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the tamper-evident audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Allocate work items to agents, exactly and with reasons (see docs/allocation.md).
    Allocate(commands::allocate::AllocateArgs),
    /// Agents needed per interval by Erlang C or A (see docs/staffing.md).
    Staffing(commands::staffing::StaffingArgs),
    /// Import interactions or surveys from a CSV or NDJSON file (see docs/imports.md).
    Import(commands::import::ImportArgs),
    /// KPIs for a period, grouped as asked (see docs/kpis.md).
    Kpi(commands::kpi::KpiArgs),
    // area: kpi
    // area: imports
    /// Link agent ids of contact platforms to people (see docs/imports.md).
    #[command(subcommand)]
    Agent(commands::agents::AgentCommand),
    // area: quality
    // area: allocation
    /// Work items: import them into team queues (see docs/allocation.md).
    #[command(subcommand)]
    Work(commands::work::WorkCommand),
    // area: staffing
    /// Forecast a queue's contacts and handle time for next week, with each method's backtest (see docs/staffing.md).
    Forecast(commands::forecast::ForecastArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `staffing` is pure computation: it neither logs nor touches a database,
    // so it runs before the logger and the async runtime are set up. A batch
    // run is timed as a whole process, and those two are most of its start-up.
    if let Command::Staffing(args) = &cli.command {
        config::warn_unknown_env();
        return finish(run_staffing(&cli, args));
    }
    init_logging();
    config::warn_unknown_env();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    finish(runtime.block_on(run(cli)))
}

/// Flushes stdout and turns the outcome into the exit code, printing any error.
fn finish(result: CliResult) -> ExitCode {
    match result.and_then(|()| std::io::stdout().flush().map_err(|e| CliError::Failure(e.into()))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// `crewdeck staffing`, outside the runtime. The configuration file is still
/// read, so that a broken one is reported as it is for every other command.
fn run_staffing(cli: &Cli, args: &commands::staffing::StaffingArgs) -> CliResult {
    config::load_file(cli.config.as_deref())?;
    let mut stdout = std::io::stdout().lock();
    commands::staffing::run(args, &mut stdout)
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CREWDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

async fn open_database(cli: &Cli, file: &config::FileConfig) -> Result<Db, CliError> {
    let url = config::database_url(cli.database.as_deref(), file)?;
    let db = Db::connect(&url).await.map_err(|e| match e {
        crewdeck_store::StoreError::Invalid(f) => CliError::input(format!("--database: {f}")),
        other => CliError::Failure(anyhow::anyhow!(
            "cannot open the database {}: {other}. Check the URL and that the server is running.",
            redact_url(&url)
        )),
    })?;
    let applied = db
        .migrate()
        .await
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot bring the schema up to date: {e}")))?;
    if applied > 0 {
        tracing::info!(applied, database = %redact_url(&url), "schema migrated");
    }
    Ok(db)
}

async fn run(cli: Cli) -> CliResult {
    let file = config::load_file(cli.config.as_deref())?;
    let mut stdout = std::io::stdout().lock();
    let out: &mut dyn Write = &mut stdout;
    match &cli.command {
        Command::Migrate => {
            open_database(&cli, &file).await?;
            eprintln!("The database schema is up to date.");
            Ok(())
        }
        Command::Serve(args) => {
            let db = open_database(&cli, &file).await?;
            let listen = args.listen.clone().or(file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
            let secure = args.secure_cookies || file.secure_cookies.unwrap_or(false);
            commands::serve::serve(db, &listen, secure, |addr| eprintln!("crewdeck is listening on http://{addr}"))
                .await
        }
        Command::Demo(args) => {
            let db = open_database(&cli, &file).await?;
            let logins = commands::serve::prepare_demo(&db, args.seed).await?;
            let listen = args.serve.listen.clone().or(file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
            let secure = args.serve.secure_cookies || file.secure_cookies.unwrap_or(false);
            commands::serve::serve(db, &listen, secure, |addr| {
                println!("crewdeck demo is running at http://{addr}");
                if !logins.is_empty() {
                    println!("Log in as any of these (demo passwords; do not reuse them):");
                    for login in &logins {
                        println!("  {:<20} {:<34} {}", login.role.label(), login.email, login.password);
                    }
                }
                println!("Press Ctrl+C to stop.");
            })
            .await
        }
        Command::User(UserCommand::Add(args)) => {
            let db = open_database(&cli, &file).await?;
            commands::accounts::user_add(args, &db, out).await
        }
        Command::Token(TokenCommand::Create(args)) => {
            let db = open_database(&cli, &file).await?;
            commands::accounts::token_create(args, &db, out).await
        }
        Command::Allocate(args) => commands::allocate::run(args, out),
        Command::Import(args) => {
            let db = open_database(&cli, &file).await?;
            let result = commands::import::run(args, &db, out).await;
            db.close().await;
            result
        }
        Command::Kpi(args) => {
            let db = open_database(&cli, &file).await?;
            commands::kpi::run(args, &db, out).await
        }
        // Handled in `main`, before the runtime starts.
        Command::Staffing(args) => commands::staffing::run(args, out),
        // area: kpi
        // area: imports
        Command::Agent(command) => {
            let db = open_database(&cli, &file).await?;
            commands::agents::run(command, &db, out).await
        }
        // area: quality
        // area: allocation
        Command::Work(command) => {
            let db = open_database(&cli, &file).await?;
            let result = commands::work::run(command, &db, out).await;
            db.close().await;
            result
        }
        // area: staffing
        Command::Forecast(args) => {
            let db = open_database(&cli, &file).await?;
            let tz = crewdeck_store::staffing::history::time_zone(&db)
                .await
                .map_err(|e| CliError::Failure(anyhow::Error::new(e).context("reading the time zone")))?;
            let today = jiff::Timestamp::now().to_zoned(tz).date();
            commands::forecast::run(args, &db, today, out).await
        }
        Command::Audit(AuditCommand::Verify { json }) => {
            let db = open_database(&cli, &file).await?;
            commands::audit::verify(&db, *json, out).await
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
