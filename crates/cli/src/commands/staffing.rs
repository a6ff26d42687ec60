//! `crewdeck staffing`: agents needed per interval (pinned contract, section 1 of
//! shared/spec/contracts.md).
//!
//! Every decimal flag is taken as text and parsed exactly, so that the occupancy
//! cap and the shrinkage ceiling are decided on the digits as typed. Nothing is
//! written to stdout until every interval has been computed, so bad input never
//! leaves half an answer behind. A batch's rows are held compactly until the last
//! is computed, then encoded and written in pieces of about 64 KiB; the JSON form
//! computes and encodes on every core (see `parallel`).

mod json;
mod parallel;
mod report;
mod timestamp;

use std::fmt::Display;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::staffing::{
    ChainTooLarge, Decimal, Detail, IntervalLength, IntervalLoad, Model, OccupancyCap, PositiveSeconds,
    ServiceLevelTarget, Shrinkage, StaffingPlan, StaffingRequest, Targets, plan_with,
};
use json::{Figures, JsonArray, JsonRow};

/// How much encoded JSON is gathered before it is handed to the writer.
const CHUNK: usize = 1 << 16;

use crate::error::{CliError, CliResult};

/// The arguments of `crewdeck staffing`.
#[derive(Debug, Clone, clap::Args)]
pub struct StaffingArgs {
    /// Contacts offered in the interval (a decimal, 0 or more).
    #[arg(long, allow_hyphen_values = true, required_unless_present = "input", conflicts_with = "input")]
    pub volume: Option<String>,
    /// Length of the interval in minutes.
    #[arg(long, allow_hyphen_values = true)]
    pub interval_minutes: String,
    /// Average handle time in seconds (a decimal, 0 or more).
    #[arg(long, allow_hyphen_values = true, required_unless_present = "input", conflicts_with = "input")]
    pub aht_seconds: Option<String>,
    /// Service-level target as a share between 0 and 1, such as 0.8.
    #[arg(long, allow_hyphen_values = true)]
    pub service_level: String,
    /// The service-level threshold in seconds: the 20 of "80% in 20 seconds".
    #[arg(long, allow_hyphen_values = true)]
    pub answer_within_seconds: String,
    /// Most-allowed occupancy, greater than 0 and at most 1 (default 1).
    #[arg(long, allow_hyphen_values = true)]
    pub max_occupancy: Option<String>,
    /// Shrinkage, at least 0 and less than 1 (default 0).
    #[arg(long, allow_hyphen_values = true)]
    pub shrinkage: Option<String>,
    /// Longest acceptable average speed of answer, in seconds.
    #[arg(long, allow_hyphen_values = true)]
    pub target_asa_seconds: Option<String>,
    /// Mean patience of a waiting contact in seconds: switches to Erlang A.
    #[arg(long, allow_hyphen_values = true)]
    pub patience_seconds: Option<String>,
    /// A CSV file with header `interval_start,volume,aht_seconds`, one row per interval.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The settings shared by every interval: interval length, targets, shrinkage, model.
struct Settings {
    length: IntervalLength,
    targets: Targets,
    shrinkage: Shrinkage,
    model: Model,
}

/// One computed interval, with the start time as given in a batch file.
pub(crate) struct Row {
    interval_start: Option<String>,
    volume: Decimal,
    aht_seconds: Decimal,
    request: StaffingRequest,
    plan: StaffingPlan,
}

/// Runs the command, writing the answer to `out`.
pub fn run(args: &StaffingArgs, out: &mut dyn Write) -> CliResult {
    let settings = settings(args)?;
    // Stdout is line-buffered: unbuffered, a pretty-printed batch would cost a
    // write per line. 64 KiB rather than the default 8 KiB, as a batch answer
    // runs to megabytes. Nothing is written before every row is computed.
    let mut out = BufWriter::with_capacity(1 << 16, out);
    match &args.input {
        None => {
            let row = single(args, &settings)?;
            if args.json {
                write_json(&mut out, &json::single(&json_row(&row)))?
            } else {
                report::single(&mut out, &row).map_err(write_failed)?
            }
        }
        // The pieces go to stdout itself, not through `out`: copying 10 MB into
        // a buffer only to write it in the same sizes costs 5% of a batch.
        Some(path) if args.json && parallel::write_json(path, &settings, out.get_mut())? => {}
        Some(path) if args.json => {
            // The file could not be read whole, is not plain, asks for Erlang A
            // or holds a bad row: one pass in order answers, or finds the first
            // bad row and reports it. Every row is computed before
            // any is encoded (the contract's all-or-nothing rule), but held
            // compactly: start times in one string, figures in a flat list.
            // Encoding then goes out in 64 KiB pieces.
            let (mut starts, mut ends, mut figures) = (String::new(), Vec::new(), Vec::new());
            batch(path, &settings, Detail::Figures, |start, row| {
                starts.push_str(start);
                ends.push(starts.len());
                figures.push(Figures::keep(&json_row(&row)));
            })?;
            let mut array = JsonArray::with_capacity(CHUNK + 1024);
            let mut begin = 0;
            for (end, kept) in ends.into_iter().zip(&figures) {
                array.push(&kept.row(&starts[begin..end]));
                begin = end;
                if array.pending() >= CHUNK {
                    array.drain_to(&mut out).map_err(write_failed)?;
                }
            }
            write_json(&mut out, &array.finish())?
        }
        Some(path) => {
            let mut rows = Vec::new();
            batch(path, &settings, Detail::Full, |start, row| {
                rows.push(Row { interval_start: Some(start.to_string()), ..row })
            })?;
            report::batch(&mut out, &rows, &settings.model).map_err(write_failed)?
        }
    }
    out.flush().map_err(write_failed)
}

fn settings(args: &StaffingArgs) -> Result<Settings, CliError> {
    let mut errors = FieldErrors::default();
    let length = errors.check(IntervalLength::parse_minutes("--interval-minutes", &args.interval_minutes));
    let service_level = errors.check(ServiceLevelTarget::parse("--service-level", &args.service_level));
    let within = errors.check(Decimal::parse("--answer-within-seconds", &args.answer_within_seconds));
    let max_occupancy = match &args.max_occupancy {
        Some(text) => errors.check(OccupancyCap::parse("--max-occupancy", text)),
        None => Some(OccupancyCap::FULL),
    };
    let shrinkage = match &args.shrinkage {
        Some(text) => errors.check(Shrinkage::parse("--shrinkage", text)),
        None => Some(Shrinkage::NONE),
    };
    let max_asa = match &args.target_asa_seconds {
        Some(text) => errors.check(PositiveSeconds::parse("--target-asa-seconds", text)).map(Some),
        None => Some(None),
    };
    let model = match &args.patience_seconds {
        Some(text) => {
            errors.check(PositiveSeconds::parse("--patience-seconds", text)).map(|patience| Model::ErlangA { patience })
        }
        None => Some(Model::ErlangC),
    };
    match (length, service_level, within, max_occupancy, shrinkage, max_asa, model) {
        (
            Some(length),
            Some(service_level),
            Some(within),
            Some(max_occupancy),
            Some(shrinkage),
            Some(max_asa),
            Some(model),
        ) if errors.is_empty() => Ok(Settings {
            length,
            targets: Targets { service_level, answer_within_seconds: within.to_f64(), max_occupancy, max_asa },
            shrinkage,
            model,
        }),
        _ => Err(CliError::input(errors.to_string())),
    }
}

fn single(args: &StaffingArgs, settings: &Settings) -> Result<Row, CliError> {
    let mut errors = FieldErrors::default();
    let volume = errors.check(Decimal::parse("--volume", args.volume.as_deref().unwrap_or("")));
    let aht = errors.check(Decimal::parse("--aht-seconds", args.aht_seconds.as_deref().unwrap_or("")));
    let (Some(volume), Some(aht)) = (volume, aht) else {
        return Err(CliError::input(errors.to_string()));
    };
    let load =
        IntervalLoad::new("--volume", volume, aht, settings.length).map_err(|e| CliError::input(e.to_string()))?;
    compute(None, volume, aht, load, settings, Detail::Full).map_err(|e| CliError::input(too_large(&e)))
}

/// Computes every interval of the batch file at `path` in order, handing each to
/// `each` with its start time as given (the row's own is left empty, so that
/// nothing is copied that the caller does not keep); stops at the first bad row.
/// `detail` says how much of each plan to work out.
fn batch(path: &Path, settings: &Settings, detail: Detail, each: impl FnMut(&str, Row)) -> Result<(), CliError> {
    let file = path.display();
    let reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| CliError::input(format!("{file}: cannot read the file: {e}")))?;
    read_batch(reader, &file, settings, detail, each)
}

/// Checks the header `reader` starts with, then computes every row after it
/// in order, as [`batch`] describes; `file` names the file in messages.
fn read_batch<R: Read>(
    mut reader: csv::Reader<R>,
    file: &impl Display,
    settings: &Settings,
    detail: Detail,
    mut each: impl FnMut(&str, Row),
) -> Result<(), CliError> {
    let header = reader.headers().map_err(|e| CliError::input(format!("{file}, line 1: {e}")))?.clone();
    let expected = ["interval_start", "volume", "aht_seconds"];
    if header.iter().map(str::trim).ne(expected) {
        return Err(CliError::input(format!(
            "{file}, line 1: the header must be exactly interval_start,volume,aht_seconds \
             (found {}).",
            header.iter().collect::<Vec<_>>().join(",")
        )));
    }
    // One record, refilled per line, instead of a fresh one per row.
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            CliError::input(format!("{file}, line {line}: {e}"))
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, csv::Position::line);
        let at_line = |error: FieldError| CliError::input(format!("{file}, line {line}, {error}"));
        let field = |index| record.get(index).unwrap_or("");
        let (start, volume, aht, load) = read_row([field(0), field(1), field(2)], settings).map_err(at_line)?;
        let row = compute(None, volume, aht, load, settings, detail)
            .map_err(|e| CliError::input(format!("{file}, line {line}: {}", too_large(&e))))?;
        each(start, row);
    }
    Ok(())
}

/// A batch row's three fields read by the rules every batch reader shares:
/// its start time (trimmed), volume, handle time and load, or the first
/// field at fault.
fn read_row<'a>(
    [start, volume, aht]: [&'a str; 3],
    settings: &Settings,
) -> Result<(&'a str, Decimal, Decimal, IntervalLoad), FieldError> {
    let start = trimmed(start);
    if !timestamp::is_timestamp(start) {
        return Err(FieldError::new(
            "interval_start",
            format!(
                "Enter an RFC 3339 time with an offset, such as 2026-01-05T09:00:00Z \
                 (you entered \u{201c}{start}\u{201d})."
            ),
        ));
    }
    let (volume, aht, load) = read_load(volume, aht, settings)?;
    Ok((start, volume, aht, load))
}

/// A batch row's volume, handle time and the load they make, as [`read_row`]
/// reads them.
fn read_load(volume: &str, aht: &str, settings: &Settings) -> Result<(Decimal, Decimal, IntervalLoad), FieldError> {
    let volume = Decimal::parse("volume", volume)?;
    let aht = Decimal::parse("aht_seconds", aht)?;
    let load = IntervalLoad::new("volume", volume, aht, settings.length)?;
    Ok((volume, aht, load))
}

/// `text` without the whitespace at its ends, as [`str::trim`] gives it,
/// checking two bytes in the usual case of none to take off.
fn trimmed(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        // No whitespace, ASCII or other, is a graphic ASCII character.
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

fn compute(
    interval_start: Option<String>,
    volume: Decimal,
    aht_seconds: Decimal,
    load: IntervalLoad,
    settings: &Settings,
    detail: Detail,
) -> Result<Row, ChainTooLarge> {
    let request =
        StaffingRequest { load, targets: settings.targets, shrinkage: settings.shrinkage, model: settings.model };
    let plan = plan_with(&request, detail)?;
    Ok(Row { interval_start, volume, aht_seconds, request, plan })
}

fn too_large(error: &ChainTooLarge) -> String {
    format!("--patience-seconds: {error}")
}

/// A JSON number, or `None` (printed as `null`) for a value that is not finite.
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn json_row(row: &Row) -> JsonRow<'_> {
    let m = &row.plan.metrics;
    JsonRow {
        interval_start: row.interval_start.as_deref(),
        model: row.request.model.name(),
        traffic_erlangs: finite(row.plan.traffic_erlangs),
        agents: row.plan.agents,
        scheduled_agents: row.plan.scheduled_agents,
        service_level: finite(m.service_level),
        asa_seconds: m.asa_seconds.and_then(finite),
        occupancy: m.occupancy.and_then(finite),
        probability_of_wait: finite(m.probability_of_wait),
        abandon_rate: m.abandon_rate.map(finite),
    }
}

/// Writes an encoded JSON document and the newline that ends it.
fn write_json(out: &mut impl Write, document: &[u8]) -> CliResult {
    out.write_all(document).map_err(write_failed)?;
    out.write_all(b"\n").map_err(write_failed)
}

fn write_failed(error: std::io::Error) -> CliError {
    CliError::Failure(anyhow::Error::new(error).context("could not write the answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_is_str_trim() {
        for text in ["", " ", "a", " a", "a ", "\u{a0}a", "a\u{3000}", "\ta\n", "2026-01-05T09:00:00Z", "\u{e9}"] {
            assert_eq!(trimmed(text), text.trim(), "{text:?}");
        }
    }
}
