//! Importing work items from CSV (with a header) or NDJSON.
//!
//! Columns (any order; NDJSON uses the same keys): `kind`, `title`, `channel`,
//! `requires` (`Billing:3; Returns:1`, or in NDJSON also an object
//! `{"Billing": 3}`), `priority`, `team` (id or name), and optionally
//! `external_id` (or `id`), `due_at`, `effort_minutes`, `check_in_on`.
//!
//! A row that fails is reported with its line and the field at fault and the
//! rest are imported. Valid rows are written [`BATCH_ROWS`] at a time, each
//! batch in one transaction (each row with its audit event), so an
//! interrupted import leaves whole batches only. An `external_id` already in
//! the database is rejected, so running the same file again adds nothing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use crewdeck_core::allocation::work::WorkItemFields;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::items::{Rejected, create_in};
use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::kpi::ImportFormat;

/// Rows per transaction.
pub const BATCH_ROWS: usize = 500;

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RejectedRow {
    /// The line in the file (the CSV header is line 1).
    pub line: u64,
    /// The field at fault and what to do about it.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkImportReport {
    /// Items created.
    pub imported: u64,
    /// Rows not imported, by line.
    pub rejected: Vec<RejectedRow>,
}

const COLUMNS: [&str; 10] = [
    "external_id",
    "kind",
    "title",
    "channel",
    "requires",
    "priority",
    "due_at",
    "effort_minutes",
    "team",
    "check_in_on",
];
const REQUIRED: [&str; 6] = ["kind", "title", "channel", "requires", "priority", "team"];

/// Reads every row into fields; rows that cannot be read become rejections.
fn read_rows<R: Read>(reader: R, format: ImportFormat) -> StoreResult<Vec<(u64, Result<WorkItemFields, String>)>> {
    let mut out = Vec::new();
    match format {
        ImportFormat::Csv => {
            let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
            let header =
                csv.headers().map_err(|e| StoreError::field("header", format!("line 1 cannot be read: {e}")))?.clone();
            let columns: HashMap<String, usize> = header
                .iter()
                .enumerate()
                .map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase(), i))
                .collect();
            let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
            if !missing.is_empty() {
                return Err(StoreError::field(
                    "header",
                    format!(
                        "line 1 lacks {}; the header must name at least {}",
                        missing.join(", "),
                        REQUIRED.join(", ")
                    ),
                ));
            }
            for record in csv.records() {
                match record {
                    Ok(record) => {
                        let line = record.position().map_or(0, csv::Position::line);
                        let get = |name: &str| {
                            let index = columns
                                .get(name)
                                .or_else(|| (name == "external_id").then(|| columns.get("id")).flatten());
                            index.and_then(|&i| record.get(i)).unwrap_or("").to_string()
                        };
                        out.push((line, Ok(fields_from(get))));
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, csv::Position::line);
                        out.push((line, Err(format!("the row cannot be read: {e}"))));
                    }
                }
            }
        }
        ImportFormat::Ndjson => {
            for (n, text) in BufReader::new(reader).lines().enumerate() {
                let line = n as u64 + 1;
                let text = text.map_err(|e| StoreError::field("file", format!("line {line} cannot be read: {e}")))?;
                let text = text.trim_start_matches('\u{feff}').trim();
                if text.is_empty() {
                    continue;
                }
                out.push((line, json_fields(text)));
            }
        }
    }
    Ok(out)
}

fn fields_from(get: impl Fn(&str) -> String) -> WorkItemFields {
    let [external_id, kind, title, channel, requires, priority, due_at, effort_minutes, team, check_in_on] =
        COLUMNS.map(&get);
    WorkItemFields { external_id, kind, title, channel, requires, priority, due_at, effort_minutes, team, check_in_on }
}

fn json_fields(text: &str) -> Result<WorkItemFields, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
    let object = value.as_object().ok_or("each line must be one JSON object")?;
    let text_of = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}:{}", v.as_i64().map_or_else(|| v.to_string(), |n| n.to_string())))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    };
    Ok(fields_from(|name| {
        let v = object.get(name).or_else(|| (name == "external_id").then(|| object.get("id")).flatten());
        v.map(text_of).unwrap_or_default()
    }))
}

/// Imports work items from `reader`; see the module documentation. With
/// `allowed_teams`, rows for any other team are rejected.
pub async fn import<R: Read>(
    db: &Db,
    actor: &Actor,
    reader: R,
    format: ImportFormat,
    allowed_teams: Option<&[i64]>,
    now: Timestamp,
) -> StoreResult<WorkImportReport> {
    let rows = read_rows(reader, format)?;
    let mut report = WorkImportReport::default();
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut tx = db.begin().await?;
        for (line, row) in chunk {
            let fields = match row {
                Ok(fields) => fields,
                Err(reason) => {
                    report.rejected.push(RejectedRow { line: *line, reason: reason.clone() });
                    continue;
                }
            };
            let input = match fields.parse() {
                Ok(input) => input,
                Err(errors) => {
                    report.rejected.push(RejectedRow { line: *line, reason: errors.to_string() });
                    continue;
                }
            };
            match create_in(&mut tx, actor, &input, allowed_teams, now).await {
                Ok(_) => report.imported += 1,
                Err(Rejected::Field(field, message)) => {
                    report.rejected.push(RejectedRow { line: *line, reason: format!("{field}: {message}") })
                }
                Err(Rejected::Store(e)) => return Err(e),
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}
