//! Reading an import file one row at a time, CSV or NDJSON, so memory stays
//! flat whatever the file's size.
//!
//! Both formats hand out a [`Row`] that looks columns up by name, which is
//! what the core parsers take. Line numbers are physical lines: in CSV the
//! header is line 1 and a record that spans lines (a quoted newline) has the
//! number of its first line; in NDJSON the first line is line 1.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use super::ImportFormat;
use crate::error::{StoreError, StoreResult};

/// One row, read from the file, looked up by column name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Row<'a> {
    /// A CSV record and the header's column positions.
    Csv(&'a csv::StringRecord, &'a HashMap<String, usize>),
    /// An NDJSON object with every value turned to text.
    Json(&'a HashMap<String, String>),
}

impl<'a> Row<'a> {
    /// The text of a column, or `None` when the row has no such column.
    pub(crate) fn get(&self, column: &str) -> Option<&'a str> {
        match *self {
            Row::Csv(record, columns) => columns.get(column).and_then(|&i| record.get(i)),
            Row::Json(values) => values.get(column).map(String::as_str),
        }
    }
}

enum Source<R: Read> {
    Csv { reader: csv::Reader<R>, columns: HashMap<String, usize>, record: csv::StringRecord },
    Ndjson { reader: BufReader<R>, line: u64, text: String, values: HashMap<String, String> },
}

/// Streams the rows of one file.
pub(crate) struct RowReader<R: Read> {
    source: Source<R>,
}

/// What reading one row gave: its line and the row, or why it cannot be read.
pub(crate) type NextRow<'a> = (u64, Result<Row<'a>, String>);

impl<R: Read> RowReader<R> {
    /// Opens the file; for CSV reads the header and checks that every
    /// `required` column is there, so that a wrong file fails at once rather
    /// than rejecting every row.
    pub(crate) fn new(reader: R, format: ImportFormat, required: &[&str]) -> StoreResult<Self> {
        let source = match format {
            ImportFormat::Csv => {
                // Flexible: a short row is reported by the parser as missing
                // fields, with its line, instead of stopping the import.
                let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(reader);
                let header = reader.headers().map_err(|e| header_error(&e))?.clone();
                let mut columns = HashMap::new();
                for (i, name) in header.iter().enumerate() {
                    // A byte-order mark, which spreadsheet programs like to write,
                    // is not part of the first column's name.
                    let name = name.trim_start_matches('\u{feff}').trim();
                    columns.entry(name.to_ascii_lowercase()).or_insert(i);
                }
                let missing: Vec<&str> = required.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
                if !missing.is_empty() {
                    return Err(StoreError::field(
                        "header",
                        format!(
                            "line 1 lacks the column{} {}; the header must name at least {}",
                            if missing.len() > 1 { "s" } else { "" },
                            missing.join(", "),
                            required.join(", ")
                        ),
                    ));
                }
                Source::Csv { reader, columns, record: csv::StringRecord::new() }
            }
            ImportFormat::Ndjson => Source::Ndjson {
                reader: BufReader::with_capacity(1 << 16, reader),
                line: 0,
                text: String::new(),
                values: HashMap::new(),
            },
        };
        Ok(Self { source })
    }

    /// The next row, `None` at the end of the file. A row that cannot be read
    /// (bad UTF-8, not a JSON object) comes back as `Err(reason)` with its
    /// line; a failure to read the file at all is an error.
    pub(crate) fn next_row(&mut self) -> StoreResult<Option<NextRow<'_>>> {
        match &mut self.source {
            Source::Csv { reader, columns, record } => match reader.read_record(record) {
                Ok(false) => Ok(None),
                Ok(true) => {
                    // The csv crate skips blank lines but reports a record
                    // that follows them at the first blank line, so the
                    // start is worked back from where the record ended:
                    // the line before the reader's position, less the
                    // newlines inside quoted fields. (Only a last record
                    // with no line break after it, following blank lines,
                    // is still reported early.)
                    let reported = record.position().map_or(0, csv::Position::line);
                    let inner = record.as_slice().bytes().filter(|&b| b == b'\n').count();
                    let ended = reader.position().line().saturating_sub(1);
                    let line = reported.max(ended.saturating_sub(inner as u64));
                    Ok(Some((line, Ok(Row::Csv(record, columns)))))
                }
                Err(error) => {
                    let line = error.position().map_or(0, csv::Position::line);
                    match error.kind() {
                        csv::ErrorKind::Utf8 { .. } => {
                            Ok(Some((line, Err("the row is not valid UTF-8 text".to_string()))))
                        }
                        _ => Err(read_error(&error)),
                    }
                }
            },
            Source::Ndjson { reader, line, text, values } => loop {
                text.clear();
                let read = reader.read_line(text).map_err(|e| read_error(&e))?;
                if read == 0 {
                    return Ok(None);
                }
                *line += 1;
                if text.trim().is_empty() {
                    continue;
                }
                return Ok(Some((*line, json_values(text, values).map(|()| Row::Json(values)))));
            },
        }
    }
}

/// Fills `values` from one NDJSON line: strings as they are, numbers as
/// written, `null` as empty.
fn json_values(text: &str, values: &mut HashMap<String, String>) -> Result<(), String> {
    values.clear();
    // Only the first line can carry a byte-order mark; it is not JSON.
    let text = text.trim_start_matches('\u{feff}');
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| format!("the line is not a JSON object: {e}"))?;
    for (key, value) in object {
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Null => String::new(),
            _ => return Err(format!("{key}: expected text, a number or null")),
        };
        values.insert(key, text);
    }
    Ok(())
}

fn header_error(error: &csv::Error) -> StoreError {
    StoreError::field("header", format!("line 1 cannot be read: {error}"))
}

fn read_error(error: &dyn std::fmt::Display) -> StoreError {
    StoreError::field("file", format!("the file cannot be read: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines<R: Read>(mut rows: RowReader<R>, column: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        while let Some((line, row)) = rows.next_row().unwrap() {
            out.push((
                line,
                match row {
                    Ok(row) => row.get(column).unwrap_or("-").to_string(),
                    Err(reason) => format!("!{reason}"),
                },
            ));
        }
        out
    }

    #[test]
    fn csv_lines_count_the_header_and_quoted_newlines() {
        let text = "\u{feff}b, A\n1,x\n\n\"2\nmore\",y\n3\n";
        let rows = RowReader::new(text.as_bytes(), ImportFormat::Csv, &["a"]).unwrap();
        assert_eq!(lines(rows, "a"), [(2, "x".into()), (4, "y".into()), (6, "-".into())]);
        let last = RowReader::new("a\nx\ny".as_bytes(), ImportFormat::Csv, &["a"]).unwrap();
        assert_eq!(lines(last, "a"), [(2, "x".into()), (3, "y".into())]);
        let err = RowReader::new(text.as_bytes(), ImportFormat::Csv, &["a", "id", "c"]).err().unwrap();
        assert!(err.to_string().contains("columns id, c"), "{err}");
    }

    #[test]
    fn ndjson_values_become_text() {
        let text = "{\"a\": \"x\", \"n\": 5}\n\n{\"a\": null}\n[1]\n{\"a\": true}\n";
        let rows = RowReader::new(text.as_bytes(), ImportFormat::Ndjson, &[]).unwrap();
        let got = lines(rows, "a");
        assert_eq!(got[0], (1, "x".into()));
        assert_eq!(got[1], (3, String::new()));
        assert_eq!(got[2].0, 4);
        assert!(got[2].1.contains("not a JSON object"));
        assert_eq!(got[3].0, 5);
        assert!(got[3].1.contains("a: expected text"));
    }
}
