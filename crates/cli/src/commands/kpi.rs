//! `crewdeck kpi --from D --to D [--group-by …] [--team T] [--queue Q]
//! [--channel C] [--json]` (contracts.md §3): KPIs from the rollups, as a
//! JSON array of rows or a table.

use std::io::Write;

use anyhow::Context;
use clap::Args;
use comfy_table::Table;
use crewdeck_core::kpi::{Channel, GroupBy};
use crewdeck_store::kpi::{self, KpiGroupRow, KpiQuery};
use crewdeck_store::{Db, StoreError};
use jiff::civil::Date;

use crate::error::{CliError, CliResult};

/// Arguments of `crewdeck kpi`.
#[derive(Debug, Args)]
pub struct KpiArgs {
    /// First day of the period, inclusive, in the organisation's time zone
    /// (like 2026-01-01).
    #[arg(long)]
    pub from: String,
    /// Last day of the period, inclusive.
    #[arg(long)]
    pub to: String,
    /// Comma-separated group keys: agent, team, queue, channel, topic, day,
    /// week, month. Without it, one row for the whole period.
    #[arg(long = "group-by")]
    pub group_by: Option<String>,
    /// Only contacts handled by members of this team (on the contact's date).
    #[arg(long)]
    pub team: Option<String>,
    /// Only this queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// Only this channel (voice, chat, email, messaging, social, in_person).
    #[arg(long)]
    pub channel: Option<String>,
    /// Print a JSON array of rows instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `crewdeck kpi`.
pub async fn run(args: &KpiArgs, db: &Db, out: &mut dyn Write) -> CliResult {
    let query = KpiQuery {
        from: date("--from", &args.from)?,
        to: date("--to", &args.to)?,
        group_by: match &args.group_by {
            Some(list) => {
                GroupBy::parse_list(list).map_err(|e| CliError::input(format!("--group-by: {}", e.message)))?
            }
            None => Vec::new(),
        },
        team: args.team.clone(),
        queue: args.queue.clone(),
        channel: args
            .channel
            .as_deref()
            .map(|c| Channel::parse("channel", c))
            .transpose()
            .map_err(|e| CliError::input(format!("--channel: {}", e.message)))?,
    };
    let rows = kpi::report(db, &query).await.map_err(|e| match e {
        StoreError::Invalid(errors) => CliError::input(
            errors.0.iter().map(|f| format!("--{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "),
        ),
        other => CliError::Failure(anyhow::Error::new(other).context("computing KPIs")),
    })?;
    if args.json {
        // Written as it is encoded: a year by agent and week is ~10 MB of
        // JSON, which as one string cost its own page faults and copies.
        let mut writer = std::io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer(&mut writer, &rows).context("encoding the KPIs")?;
        writer.write_all(b"\n").and_then(|()| writer.flush()).context("writing the KPIs")?;
    } else {
        writeln!(out, "{}", table(&query.group_by, &rows)).context("writing the KPIs")?;
    }
    Ok(())
}

fn date(flag: &str, text: &str) -> Result<Date, CliError> {
    text.trim().parse::<Date>().map_err(|_| {
        CliError::input(format!("{flag}: expected a date like 2026-01-31 (you entered \u{201c}{text}\u{201d})"))
    })
}

/// The report as a table; rates as percentages, "–" where there is no data.
fn table(group_by: &[GroupBy], rows: &[KpiGroupRow]) -> Table {
    let mut table = Table::new();
    let mut header: Vec<String> = group_by.iter().map(|g| g.as_str().to_string()).collect();
    header.extend(
        [
            "contacts",
            "offered",
            "answered",
            "abandoned",
            "SL",
            "ASA s",
            "AHT s",
            "abandon",
            "FCR",
            "CSAT",
            "n",
            "NPS",
            "n",
            "CES",
        ]
        .map(str::to_string),
    );
    table.set_header(header);
    let percent = |v: Option<f64>| v.map_or("\u{2013}".to_string(), |v| format!("{:.1}%", v * 100.0));
    let number = |v: Option<f64>| v.map_or("\u{2013}".to_string(), |v| format!("{v:.1}"));
    for row in rows {
        let mut cells: Vec<String> =
            row.keys.0.iter().map(|(_, v)| v.clone().unwrap_or_else(|| "(none)".to_string())).collect();
        let r = &row.row;
        cells.extend([
            r.contacts.to_string(),
            r.offered.to_string(),
            r.answered.to_string(),
            r.abandoned.to_string(),
            percent(r.service_level),
            number(r.asa_seconds),
            number(r.aht_seconds),
            percent(r.abandon_rate),
            percent(r.fcr),
            percent(r.csat),
            r.csat_responses.to_string(),
            number(r.nps),
            r.nps_responses.to_string(),
            number(r.ces),
        ]);
        table.add_row(cells);
    }
    table
}
