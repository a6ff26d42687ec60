//! `crewdeck user add` and `crewdeck token create`: accounts for people and scripts.

use std::io::Write;

use clap::{Args, Subcommand};
use crewdeck_core::people::{Email, Role, required_text};
use crewdeck_store::audit::Actor;
use crewdeck_store::{Db, StoreError, accounts};

use crate::error::{CliError, CliResult};

/// `crewdeck user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user with a one-time password they must change at first login.
    Add(UserAddArgs),
}

/// Options for `user add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login email.
    #[arg(long)]
    pub email: String,
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// One of agent, team_leader, ops_manager, hr, admin.
    #[arg(long)]
    pub role: String,
    /// Team name or id: an agent joins it today; a team leader leads it.
    #[arg(long)]
    pub team: Option<String>,
    /// Print {"email": …, "password": …} as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `crewdeck token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; it carries that user's permissions.
    Create(TokenCreateArgs),
}

/// Options for `token create`.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The user's login email.
    #[arg(long)]
    pub email: String,
    /// What the token is for.
    #[arg(long, default_value = "command line")]
    pub name: String,
    /// Print {"token": …} as JSON.
    #[arg(long)]
    pub json: bool,
}

fn input_error(e: StoreError) -> CliError {
    match e {
        StoreError::Invalid(fields) => CliError::input(
            fields
                .0
                .iter()
                .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        StoreError::Conflict(m) => CliError::input(m),
        other => CliError::Failure(other.into()),
    }
}

fn system_actor() -> Actor {
    Actor::system("command line")
}

/// Runs `user add`.
pub async fn user_add(args: &UserAddArgs, db: &Db, out: &mut dyn Write) -> CliResult {
    let email = Email::parse("email", &args.email).map_err(|e| CliError::input(format!("--email: {}", e.message)))?;
    let name = required_text("name", &args.name, 120).map_err(|e| CliError::input(format!("--name: {}", e.message)))?;
    let role = Role::parse("role", &args.role).map_err(|e| CliError::input(format!("--role: {}", e.message)))?;
    let team = match &args.team {
        Some(t) => Some(accounts::find_team(db, t).await.map_err(input_error)?),
        None => None,
    };
    let now = jiff::Timestamp::now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let account =
        accounts::create(db, &system_actor(), &email, &name, role, team, today, now).await.map_err(input_error)?;
    if args.json {
        let doc = serde_json::json!({"email": account.user.email, "password": account.password});
        writeln!(out, "{doc}").map_err(|e| CliError::Failure(e.into()))?;
    } else {
        writeln!(out, "Added {} <{}> as {}.", account.user.name, account.user.email, role.label())
            .map_err(|e| CliError::Failure(e.into()))?;
        writeln!(out, "One-time password: {}", account.password).map_err(|e| CliError::Failure(e.into()))?;
        writeln!(out, "They must choose their own password when they first log in.")
            .map_err(|e| CliError::Failure(e.into()))?;
    }
    Ok(())
}

/// Runs `token create`.
pub async fn token_create(args: &TokenCreateArgs, db: &Db, out: &mut dyn Write) -> CliResult {
    let user =
        accounts::by_email(db, &args.email).await.map_err(input_error)?.filter(|u| u.active).ok_or_else(|| {
            CliError::input(format!(
                "--email: there is no active user with the email {}. Add one with crewdeck user add.",
                args.email.trim()
            ))
        })?;
    let token =
        accounts::create_token(db, &user, args.name.trim(), jiff::Timestamp::now()).await.map_err(input_error)?;
    if args.json {
        writeln!(out, "{}", serde_json::json!({"token": token})).map_err(|e| CliError::Failure(e.into()))?;
    } else {
        writeln!(out, "{token}").map_err(|e| CliError::Failure(e.into()))?;
        eprintln!("Send it as Authorization: Bearer TOKEN. It will not be shown again.");
    }
    Ok(())
}
