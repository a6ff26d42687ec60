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
    // A fold rather than `all`: without the early exit the check vectorises.
    let plain = !text.bytes().fold(false, |escape, b| escape | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        scalar(out, &text);
    }
}

/// The members of an interval object, in the contract's order.
const MEMBERS: [&str; 10] = [
    "interval_start",
    "model",
    "traffic_erlangs",
    "agents",
    "scheduled_agents",
    "service_level",
    "asa_seconds",
    "occupancy",
    "probability_of_wait",
    "abandon_rate",
];

/// Each member's `,\n<indent>"name": ` at one indent, built once per document
/// so that a row copies one slice per member.
#[derive(Debug)]
pub(super) struct Keys {
    members: [Vec<u8>; 10],
    /// The indent of the object's closing brace.
    closing: Vec<u8>,
}

impl Keys {
    /// The keys of objects whose members are indented by `indent` spaces (2 or more).
    pub(super) fn new(indent: usize) -> Self {
        let members = MEMBERS.map(|name| {
            let mut key = b",\n".to_vec();
            key.resize(key.len() + indent, b' ');
            key.push(b'"');
            key.extend_from_slice(name.as_bytes());
            key.extend_from_slice(b"\": ");
            key
        });
        Self { members, closing: vec![b' '; indent.saturating_sub(2)] }
    }

    /// Opens member `index`: the first member of an object takes no comma.
    fn open(&self, out: &mut Vec<u8>, first: &mut bool, index: usize) {
        let key = &self.members[index];
        out.extend_from_slice(if *first { &key[1..] } else { key });
        *first = false;
    }
}

impl JsonRow<'_> {
    /// Appends this object, pretty-printed with `keys`' indent.
    pub(super) fn write(&self, out: &mut Vec<u8>, keys: &Keys) {
        let mut first = true;
        out.push(b'{');
        if let Some(start) = self.interval_start {
            keys.open(out, &mut first, 0);
            string(out, start);
        }
        keys.open(out, &mut first, 1);
        string(out, self.model);
        keys.open(out, &mut first, 2);
        scalar(out, &self.traffic_erlangs);
        keys.open(out, &mut first, 3);
        scalar(out, &self.agents);
        keys.open(out, &mut first, 4);
        scalar(out, &self.scheduled_agents);
        keys.open(out, &mut first, 5);
        scalar(out, &self.service_level);
        keys.open(out, &mut first, 6);
        scalar(out, &self.asa_seconds);
        keys.open(out, &mut first, 7);
        scalar(out, &self.occupancy);
        keys.open(out, &mut first, 8);
        scalar(out, &self.probability_of_wait);
        if let Some(rate) = self.abandon_rate {
            keys.open(out, &mut first, 9);
            scalar(out, &rate);
        }
        out.push(b'\n');
        out.extend_from_slice(&keys.closing);
        out.push(b'}');
    }
}

/// One interval's figures held compactly between computing and encoding.
///
/// A `null` number is held as NaN: serde_json writes `null` for a NaN, just as
/// it does for `None`, so nothing is lost. A batch keeps 33,600 of these rather
/// than their 10 MB of text, which spares the page faults of the larger buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Figures {
    model: &'static str,
    traffic_erlangs: f64,
    service_level: f64,
    asa_seconds: f64,
    occupancy: f64,
    probability_of_wait: f64,
    /// Meaningful only when `with_abandon_rate`.
    abandon_rate: f64,
    scheduled_agents: u64,
    agents: u32,
    with_abandon_rate: bool,
}

impl Figures {
    /// Keeps `row`'s figures (its start time is held apart).
    pub(super) fn keep(row: &JsonRow<'_>) -> Self {
        let number = |value: Option<f64>| value.unwrap_or(f64::NAN);
        Self {
            model: row.model,
            traffic_erlangs: number(row.traffic_erlangs),
            service_level: number(row.service_level),
            asa_seconds: number(row.asa_seconds),
            occupancy: number(row.occupancy),
            probability_of_wait: number(row.probability_of_wait),
            abandon_rate: number(row.abandon_rate.flatten()),
            scheduled_agents: row.scheduled_agents,
            agents: row.agents,
            with_abandon_rate: row.abandon_rate.is_some(),
        }
    }

    /// The object to encode, starting at `interval_start`.
    pub(super) fn row<'a>(&self, interval_start: &'a str) -> JsonRow<'a> {
        JsonRow {
            interval_start: Some(interval_start),
            model: self.model,
            traffic_erlangs: Some(self.traffic_erlangs),
            agents: self.agents,
            scheduled_agents: self.scheduled_agents,
            service_level: Some(self.service_level),
            asa_seconds: Some(self.asa_seconds),
            occupancy: Some(self.occupancy),
            probability_of_wait: Some(self.probability_of_wait),
            abandon_rate: self.with_abandon_rate.then_some(Some(self.abandon_rate)),
        }
    }
}

/// A pretty-printed JSON array of interval objects, built row by row.
#[derive(Debug)]
pub(super) struct JsonArray {
    out: Vec<u8>,
    rows: usize,
    keys: Keys,
}

impl JsonArray {
    /// An empty array with room for `bytes` bytes, so that a large batch is not
    /// copied over and over as the buffer grows.
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Self { out: Vec::with_capacity(bytes), rows: 0, keys: Keys::new(4) }
    }

    /// The bytes encoded so far and not yet taken.
    pub(super) fn pending(&self) -> usize {
        self.out.len()
    }

    /// Writes the bytes encoded so far to `out` and forgets them, so that a long
    /// array goes out through one small buffer.
    pub(super) fn drain_to(&mut self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(&self.out)?;
        self.out.clear();
        Ok(())
    }

    /// Appends one interval's object.
    pub(super) fn push(&mut self, row: &JsonRow<'_>) {
        self.out.extend_from_slice(if self.rows == 0 { b"[\n  " } else { b",\n  " });
        row.write(&mut self.out, &self.keys);
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
    row.write(&mut out, &Keys::new(2));
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
    fn kept_figures_encode_as_the_row_did() {
        for row in rows().into_iter().filter(|r| r.interval_start.is_some()) {
            let start = row.interval_start.unwrap_or_default();
            let kept = Figures::keep(&row).row(start);
            assert_eq!(single(&kept), single(&row));
        }
    }

    #[test]
    fn a_drained_array_is_the_whole_array() {
        let all = rows();
        let (mut whole, mut drained) = (JsonArray::with_capacity(0), JsonArray::with_capacity(0));
        let mut written = Vec::new();
        for row in &all {
            whole.push(row);
            drained.push(row);
            drained.drain_to(&mut written).expect("a Vec takes every byte");
            assert_eq!(drained.pending(), 0);
        }
        written.extend_from_slice(&drained.finish());
        assert_eq!(written, whole.finish());
    }

    #[test]
    fn an_array_is_byte_for_byte_serde_jsons_pretty_form() {
        let all = rows();
        for len in [0, 1, 2, all.len()] {
            let mut array = JsonArray::with_capacity(0);
            for row in &all[..len] {
                array.push(row);
            }
            let expected = serde_json::to_string_pretty(&all[..len]).expect("serialises");
            assert_eq!(String::from_utf8(array.finish()).expect("UTF-8"), expected, "{len} rows");
        }
    }
}
