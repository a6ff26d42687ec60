//! `crewdeck agent link AGENT_ID PERSON`: links an agent id of a contact
//! platform to a person, so their contacts count for the person's team.

use std::io::Write;

use anyhow::Context;
use clap::Subcommand;
use crewdeck_store::audit::Actor;
use crewdeck_store::{Db, StoreError, kpi, people};
use serde_json::json;

use crate::error::{CliError, CliResult};

/// `crewdeck agent ...`.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Link a platform agent id (a Zendesk assignee id, a Connect username) to a person.
    Link {
        /// The agent id exactly as the platform gives it.
        agent_id: String,
        /// The person: their id in crewdeck or their work email.
        person: String,
        /// Print one JSON document: {"agent_id", "person_id"}.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `crewdeck agent`.
pub async fn run(command: &AgentCommand, db: &Db, out: &mut dyn Write) -> CliResult {
    let AgentCommand::Link { agent_id, person, json } = command;
    let person_id = match person.trim().parse::<i64>() {
        Ok(id) => id,
        Err(_) => {
            let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
            let everyone = people::directory(db, today).await.map_err(|e| CliError::Failure(e.into()))?;
            everyone.iter().find(|p| p.email.eq_ignore_ascii_case(person.trim())).map(|p| p.id).ok_or_else(|| {
                CliError::input(format!("PERSON: nobody has the id or email \u{201c}{person}\u{201d}"))
            })?
        }
    };
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_string());
    let actor = Actor::system(&format!("crewdeck agent link (OS user {user})"));
    kpi::link_agent(db, &actor, agent_id, person_id, jiff::Timestamp::now()).await.map_err(|e| match e {
        StoreError::Invalid(errors) => CliError::input(errors.to_string()),
        other => CliError::Failure(other.into()),
    })?;
    if *json {
        writeln!(out, "{}", json!({"agent_id": agent_id.trim(), "person_id": person_id})).context("writing")?;
    } else {
        writeln!(out, "Linked agent id {} to person {person_id}.", agent_id.trim()).context("writing")?;
    }
    Ok(())
}
