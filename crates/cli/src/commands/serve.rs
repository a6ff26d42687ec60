//! `crewdeck serve` and `crewdeck demo`: bind first, then serve until SIGINT or
//! SIGTERM, finishing requests in flight.

use std::net::SocketAddr;

use clap::Args;
use crewdeck_store::{Db, demo, org};
use crewdeck_web::{AppState, Clock, WebSettings};
use jiff::tz::TimeZone;

use crate::error::{CliError, CliResult};

/// Options for `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long, env = "CREWDECK_LISTEN")]
    pub listen: Option<String>,
    /// Mark session cookies Secure; use when crewdeck is served over HTTPS.
    #[arg(long, env = "CREWDECK_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

/// Options for `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address, database and cookie options, as for `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Seed for the demo data: the same seed gives the same organisation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The organisation's time zone, UTC until one is set.
async fn time_zone(db: &Db) -> Result<TimeZone, CliError> {
    let org = org::get(db).await.map_err(|e| CliError::Failure(e.into()))?;
    Ok(org.and_then(|o| TimeZone::get(&o.time_zone).ok()).unwrap_or(TimeZone::UTC))
}

/// Serves `db` on `listen`, calling `ready` with the bound address once it accepts connections.
pub async fn serve(db: Db, listen: &str, secure_cookies: bool, ready: impl FnOnce(SocketAddr)) -> CliResult {
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        CliError::input(format!("--listen {listen}: cannot listen there ({e}). Choose another address or port."))
    })?;
    let addr = listener.local_addr().map_err(|e| CliError::Failure(e.into()))?;
    let state =
        AppState::new(db.clone(), Clock::system(), WebSettings { secure_cookies, time_zone: time_zone(&db).await? });
    let app = crewdeck_web::build(state);
    ready(addr);
    axum::serve(listener, app.router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| CliError::Failure(e.into()))?;
    tracing::info!("stopped accepting requests; in-flight requests finished");
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Fills an empty database with the demo organisation; leaves any other untouched.
/// Returns the logins to print (none when the database held someone else's data).
pub async fn prepare_demo(db: &Db, seed: u64) -> Result<Vec<demo::DemoLogin>, CliError> {
    let now = jiff::Timestamp::now();
    if db.is_empty().await.map_err(|e| CliError::Failure(e.into()))? {
        eprintln!("Creating the demo organisation (seed {seed})…");
        let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
        let today = now.to_zoned(tz).date();
        return demo::seed(db, seed, today, now).await.map_err(|e| CliError::Failure(e.into()));
    }
    eprintln!("The database already holds an organisation, so it was left as it is.");
    demo::existing_logins(db, seed).await.map_err(|e| CliError::Failure(e.into()))
}
