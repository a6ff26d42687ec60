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

/// Writes a number as serde_json does: the shortest text that reads back as
/// the same `f64` (serde_json's own formatter, `zmij`), or `null` when there is
/// none or it is not finite. Going through serde_json's serializer for each of
/// a row's five numbers cost a quarter more than the formatting itself.
fn number(out: &mut Vec<u8>, value: Option<f64>) {
    match value {
        Some(value) if value.is_finite() => out.extend_from_slice(zmij::Buffer::new().format_finite(value).as_bytes()),
        _ => out.extend_from_slice(b"null"),
    }
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

/// Each member's `,\n<indent>"name": ` in the contract's order, at `$indent`.
macro_rules! keys {
    ($indent:literal) => {
        [
            concat!(",\n", $indent, "\"interval_start\": ").as_bytes(),
            concat!(",\n", $indent, "\"model\": ").as_bytes(),
            concat!(",\n", $indent, "\"traffic_erlangs\": ").as_bytes(),
            concat!(",\n", $indent, "\"agents\": ").as_bytes(),
            concat!(",\n", $indent, "\"scheduled_agents\": ").as_bytes(),
            concat!(",\n", $indent, "\"service_level\": ").as_bytes(),
            concat!(",\n", $indent, "\"asa_seconds\": ").as_bytes(),
            concat!(",\n", $indent, "\"occupancy\": ").as_bytes(),
            concat!(",\n", $indent, "\"probability_of_wait\": ").as_bytes(),
            concat!(",\n", $indent, "\"abandon_rate\": ").as_bytes(),
        ]
    };
}

/// The pretty layout of an interval object at one depth. The keys are
/// constants, so that a row copies each as a few moves of known length rather
/// than through a `memcpy` call (sixteen a row, 4% of a batch's instructions).
pub(super) trait Layout {
    /// Each member's key, comma first, in the contract's order.
    const KEYS: [&'static [u8]; 10];
    /// The indent of the object's closing brace.
    const CLOSING: &'static [u8];
}

/// The single-interval form's object: members indented by two spaces.
pub(super) struct TopLevel;

impl Layout for TopLevel {
    const KEYS: [&'static [u8]; 10] = keys!("  ");
    const CLOSING: &'static [u8] = b"";
}

/// An object in the batch array: members indented by four spaces.
pub(super) struct InArray;

impl Layout for InArray {
    const KEYS: [&'static [u8]; 10] = keys!("    ");
    const CLOSING: &'static [u8] = b"  ";
}

/// Opens member `index` of an object laid out by `L`: the first member of an
/// object takes no comma.
fn open<L: Layout>(out: &mut Vec<u8>, first: &mut bool, index: usize) {
    let key = L::KEYS[index];
    out.extend_from_slice(if *first { &key[1..] } else { key });
    *first = false;
}

impl JsonRow<'_> {
    /// Appends this object, pretty-printed as `L` lays it out.
    pub(super) fn write<L: Layout>(&self, out: &mut Vec<u8>) {
        let mut first = true;
        out.push(b'{');
        if let Some(start) = self.interval_start {
            open::<L>(out, &mut first, 0);
            string(out, start);
        }
        open::<L>(out, &mut first, 1);
        string(out, self.model);
        open::<L>(out, &mut first, 2);
        number(out, self.traffic_erlangs);
        open::<L>(out, &mut first, 3);
        scalar(out, &self.agents);
        open::<L>(out, &mut first, 4);
        scalar(out, &self.scheduled_agents);
        open::<L>(out, &mut first, 5);
        number(out, self.service_level);
        open::<L>(out, &mut first, 6);
        number(out, self.asa_seconds);
        open::<L>(out, &mut first, 7);
        number(out, self.occupancy);
        open::<L>(out, &mut first, 8);
        number(out, self.probability_of_wait);
        if let Some(rate) = self.abandon_rate {
            open::<L>(out, &mut first, 9);
            number(out, rate);
        }
        out.push(b'\n');
        out.extend_from_slice(L::CLOSING);
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

/// A pretty-printed JSON array of interval objects, built row by row, whole or
/// in parts that are encoded apart (on several threads) and written in order.
#[derive(Debug)]
pub(super) struct JsonArray {
    out: Vec<u8>,
    /// Whether the array already has a row, here or in an earlier part: the
    /// next row then takes a comma rather than the opening bracket.
    opened: bool,
}

impl JsonArray {
    /// An empty array with room for `bytes` bytes, so that a large batch is not
    /// copied over and over as the buffer grows.
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Self::part(Vec::with_capacity(bytes), false)
    }

    /// A part of an array, encoded into `buffer` (emptied first, so that a
    /// buffer already written out can serve again); `after_rows` says whether
    /// earlier parts hold rows. The array is the parts' bytes in order:
    /// [`JsonArray::into_bytes`] of every part but the last, then the last
    /// part's [`JsonArray::finish`].
    pub(super) fn part(mut buffer: Vec<u8>, after_rows: bool) -> Self {
        buffer.clear();
        Self { out: buffer, opened: after_rows }
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
        self.out.extend_from_slice(if self.opened { b",\n  " } else { b"[\n  " });
        self.opened = true;
        row.write::<InArray>(&mut self.out);
    }

    /// The bytes of a part that is not the last, left open.
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// The whole array (or its last part), closed.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(if self.opened { b"\n]" } else { b"[]" });
        self.out
    }
}

/// One interval's object on its own, as the single-interval form prints it.
pub(super) fn single(row: &JsonRow<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    row.write::<TopLevel>(&mut out);
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
    fn parts_in_order_are_the_whole_array() {
        let all = rows();
        // Every way of cutting the rows into three parts, empty parts included.
        for first in 0..=all.len() {
            for second in first..=all.len() {
                let mut whole = JsonArray::with_capacity(0);
                all.iter().for_each(|row| whole.push(row));
                let mut written = Vec::new();
                let cuts = [(0, first), (first, second), (second, all.len())];
                for (index, &(begin, end)) in cuts.iter().enumerate() {
                    let mut part = JsonArray::part(b"left over".to_vec(), begin > 0);
                    all[begin..end].iter().for_each(|row| part.push(row));
                    written.extend(if index == 2 { part.finish() } else { part.into_bytes() });
                }
                assert_eq!(written, whole.finish(), "cut at {first} and {second}");
            }
        }
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
