//! `crewdeck forecast --queue Q [--interval-minutes 15|30|60] [--json]`: a
//! queue's contacts and handle time for the week after its history, with every
//! method's backtest on held-out weeks and the choice explained
//! (docs/staffing.md, "Forecasting").

use std::io::{BufWriter, Write};
use std::num::NonZeroUsize;

use anyhow::Context;
use clap::{ArgAction, Args};
use comfy_table::Table;
use crewdeck_core::staffing::forecast::IntervalMinutes;
use crewdeck_store::staffing::forecast::{self, ForecastOptions, ForecastReport, ModelChoice};
use crewdeck_store::{Db, StoreError};
use jiff::civil::Date;

use crate::error::{CliError, CliResult};

/// Arguments of `crewdeck forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// The queue to forecast, as named in the imported interactions.
    #[arg(long)]
    pub queue: String,
    /// Interval length: 15, 30 or 60 minutes.
    #[arg(long, default_value = "30")]
    pub interval_minutes: String,
    /// First day of history (YYYY-MM-DD); default: --history-weeks before --to.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day of history (YYYY-MM-DD); default: the last day with contacts
    /// before today. The forecast is for the seven days after it.
    #[arg(long)]
    pub to: Option<String>,
    /// Weeks of history to use when --from is not given.
    #[arg(long, default_value_t = 12)]
    pub history_weeks: u32,
    /// Weeks held out to backtest each method.
    #[arg(long, default_value_t = 2)]
    pub held_out_weeks: usize,
    /// Leave the special days (bank holidays, campaigns, outages) out of the
    /// history: true or false.
    #[arg(long, default_value_t = true, action = ArgAction::Set)]
    pub exclude_special: bool,
    /// Print one JSON document instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs `crewdeck forecast`; `today` is the organisation's current date.
pub async fn run(args: &ForecastArgs, db: &Db, today: Date, out: &mut dyn Write) -> CliResult {
    let options = ForecastOptions {
        interval: IntervalMinutes::parse("interval-minutes", &args.interval_minutes)
            .map_err(|e| CliError::input(format!("--interval-minutes: {}", e.message)))?,
        from: args.from.as_deref().map(|d| date("--from", d)).transpose()?,
        to: args.to.as_deref().map(|d| date("--to", d)).transpose()?,
        history_weeks: args.history_weeks,
        held_out_weeks: NonZeroUsize::new(args.held_out_weeks)
            .ok_or_else(|| CliError::input("--held-out-weeks: hold out at least 1 week"))?,
        exclude_special: args.exclude_special,
    };
    let report = forecast::queue_forecast(db, &args.queue, &options, today).await.map_err(|e| match e {
        StoreError::Invalid(errors) => CliError::input(
            errors.0.iter().map(|f| format!("--{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "),
        ),
        other => CliError::Failure(anyhow::Error::new(other).context("forecasting")),
    })?;
    let mut out = BufWriter::new(out);
    if args.json {
        serde_json::to_writer(&mut out, &report).context("writing the forecast")?;
        writeln!(out).context("writing the forecast")?;
    } else {
        write_tables(&report, &mut out).context("writing the forecast")?;
    }
    out.flush().context("writing the forecast")?;
    Ok(())
}

fn date(flag: &str, text: &str) -> Result<Date, CliError> {
    text.trim().parse::<Date>().map_err(|_| {
        CliError::input(format!("{flag}: expected a date like 2026-01-31 (you entered \u{201c}{text}\u{201d})"))
    })
}

fn write_tables(report: &ForecastReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Queue {}: history {} to {} in {}-minute intervals, the last {} held out to test each method.",
        report.queue,
        report.history_from,
        report.history_to,
        report.interval_minutes,
        if report.held_out_weeks == 1 { "week".to_owned() } else { format!("{} weeks", report.held_out_weeks) },
    )?;
    if !report.excluded_days.is_empty() {
        writeln!(out, "Left out as special days: {}.", report.excluded_days.join(", "))?;
    }
    for (title, choice) in [("Contacts", &report.volume), ("Average handle time", &report.aht)] {
        writeln!(out, "\n{title}")?;
        writeln!(out, "{}", backtest_table(choice))?;
        writeln!(out, "{}", choice.reason)?;
    }
    writeln!(out, "\nForecast")?;
    let mut table = Table::new();
    table.set_header(["interval start", "contacts", "AHT s"]);
    for interval in &report.intervals {
        table.add_row([
            interval.interval_start.clone(),
            format!("{:.1}", interval.contacts),
            format!("{:.0}", interval.aht_seconds),
        ]);
    }
    writeln!(out, "{table}")
}

fn backtest_table(choice: &ModelChoice) -> Table {
    let mut table = Table::new();
    table.set_header(["method", "WAPE", "bias", "intervals", ""]);
    let percent = |v: Option<f64>| v.map_or("\u{2013}".to_owned(), |v| format!("{:.1}%", v * 100.0));
    for score in &choice.backtest {
        let note = match (&score.not_assessed, score.chosen) {
            (Some(_), _) => "not assessed".to_owned(),
            (None, true) => "chosen".to_owned(),
            (None, false) => String::new(),
        };
        table.add_row([
            score.name.clone(),
            percent(score.wape),
            percent(score.bias),
            score.intervals.to_string(),
            note,
        ]);
    }
    table
}
