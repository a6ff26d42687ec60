//! The contract's JSON answer, written straight into a byte buffer.
//!
//! A batch answer runs to tens of thousands of objects, and going through
//! serde's pretty printer costs more than computing them. The layout here is
//! serde_json's pretty layout (two-space indent, `"key": value`), and every
//! scalar is still encoded by serde_json itself, so numbers, `null` for a value
//! that is not finite and string escapes are exactly what serde_json writes; the
//! tests compare the two byte for byte.

use serde::Serialize;

/// The contract's JSON object for one interval.
#[derive(Debug, Serialize)]
pub(super) struct JsonRow<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) interval_start: Option<&'a str>,
    pub(super) model: &'static str,
    pub(super) traffic_erlangs: Option<f64>,
    pub(super) agents: u32,
    pub(super) scheduled_agents: u64,
    pub(super) service_level: Option<f64>,
    pub(super) asa_seconds: Option<f64>,
    pub(super) occupancy: Option<f64>,
    pub(super) probability_of_wait: Option<f64>,
    /// Absent under Erlang C; a number (or null if not computable) under Erlang A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) abandon_rate: Option<Option<f64>>,
}

/// Writes `value` as serde_json's compact encoding does (a scalar has no layout).
fn scalar(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing into a Vec cannot fail, and every value here is a number, a
    // string or null, which serde_json always encodes.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Writes `text` as a JSON string. Text with nothing to escape (the usual
/// case: an RFC 3339 time, a model name) is copied as it is, which is what
/// serde_json writes for it; anything else goes through serde_json.
fn string(out: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        scalar(out, &text);
    }
}

/// Opens the next `"key": ` of an object whose members sit at `indent`.
fn key(out: &mut Vec<u8>, first: &mut bool, indent: &[u8], name: &str) {
    out.extend_from_slice(if *first { b"\n" } else { b",\n" });
    *first = false;
    out.extend_from_slice(indent);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

impl JsonRow<'_> {
    /// Appends this object, pretty-printed, with its members indented by
    /// `indent` and its closing brace by `indent` less two spaces.
    pub(super) fn write(&self, out: &mut Vec<u8>, indent: &[u8]) {
        let mut first = true;
        out.push(b'{');
        if let Some(start) = self.interval_start {
            key(out, &mut first, indent, "interval_start");
            string(out, start);
        }
        key(out, &mut first, indent, "model");
        string(out, self.model);
        key(out, &mut first, indent, "traffic_erlangs");
        scalar(out, &self.traffic_erlangs);
        key(out, &mut first, indent, "agents");
        scalar(out, &self.agents);
        key(out, &mut first, indent, "scheduled_agents");
        scalar(out, &self.scheduled_agents);
        key(out, &mut first, indent, "service_level");
        scalar(out, &self.service_level);
        key(out, &mut first, indent, "asa_seconds");
        scalar(out, &self.asa_seconds);
        key(out, &mut first, indent, "occupancy");
        scalar(out, &self.occupancy);
        key(out, &mut first, indent, "probability_of_wait");
        scalar(out, &self.probability_of_wait);
        if let Some(rate) = self.abandon_rate {
            key(out, &mut first, indent, "abandon_rate");
            scalar(out, &rate);
        }
        out.push(b'\n');
        out.extend_from_slice(&indent[..indent.len().saturating_sub(2)]);
        out.push(b'}');
    }
}

/// A pretty-printed JSON array of interval objects, built row by row.
#[derive(Debug, Default)]
pub(super) struct JsonArray {
    out: Vec<u8>,
    rows: usize,
}

impl JsonArray {
    /// Appends one interval's object.
    pub(super) fn push(&mut self, row: &JsonRow<'_>) {
        self.out.extend_from_slice(if self.rows == 0 { b"[\n  " } else { b",\n  " });
        row.write(&mut self.out, b"    ");
        self.rows += 1;
    }

    /// The whole array, closed.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(if self.rows == 0 { b"[]" } else { b"\n]" });
        self.out
    }
}

/// One interval's object on its own, as the single-interval form prints it.
pub(super) fn single(row: &JsonRow<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    row.write(&mut out, b"  ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<JsonRow<'static>> {
        let odd = [None, Some(0.0), Some(1.0), Some(-0.0), Some(1e-300), Some(123456.789), Some(f64::NAN)];
        let mut rows = Vec::new();
        for (i, value) in odd.iter().enumerate() {
            rows.push(JsonRow {
                interval_start: [None, Some("2026-01-05T09:00:00Z"), Some("odd \"quoted\" \\ \u{e9}\t\u{1f}\u{7f}")]
                    [i % 3],
                model: if i % 2 == 0 { "Erlang C" } else { "Erlang A" },
                traffic_erlangs: *value,
                agents: u32::try_from(i).unwrap_or(0) * 1000,
                scheduled_agents: u64::MAX - i as u64,
                service_level: value.map(|v| v / 3.0),
                asa_seconds: *value,
                occupancy: value.map(|v| v * 0.1),
                probability_of_wait: value.map(f64::sqrt),
                abandon_rate: [None, Some(None), Some(Some(0.25)), Some(*value)][i % 4],
            });
        }
        rows
    }

    #[test]
    fn one_object_is_byte_for_byte_serde_jsons_pretty_form() {
        for row in rows() {
            let expected = serde_json::to_string_pretty(&row).expect("serialises");
            assert_eq!(String::from_utf8(single(&row)).expect("UTF-8"), expected);
        }
    }

    #[test]
    fn an_array_is_byte_for_byte_serde_jsons_pretty_form() {
        let all = rows();
        for len in [0, 1, 2, all.len()] {
            let mut array = JsonArray::default();
            for row in &all[..len] {
                array.push(row);
            }
            let expected = serde_json::to_string_pretty(&all[..len]).expect("serialises");
            assert_eq!(String::from_utf8(array.finish()).expect("UTF-8"), expected, "{len} rows");
        }
    }
}
