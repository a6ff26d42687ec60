//! Reading single cells of an imported row: required text, whole numbers and
//! RFC 3339 timestamps, each failing with a [`FieldError`] that names the column.

use jiff::Timestamp;

use crate::fields::FieldError;

pub(super) fn required(field: &str, value: &str) -> Result<String, FieldError> {
    if value.is_empty() { Err(FieldError::new(field, "this is required and was empty")) } else { Ok(value.to_string()) }
}

pub(super) fn parse_wrap_seconds(text: &str) -> Result<u32, FieldError> {
    if text.is_empty() {
        return Ok(0);
    }
    // Digits only: `+5`, `5.0` and `-1` are refused rather than guessed at.
    text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse::<u32>().ok()).flatten().ok_or_else(|| {
        FieldError::new(
            "wrap_seconds",
            format!("expected a whole number of seconds, 0 or more, or nothing (you entered {})", quote(text)),
        )
    })
}

const TIME_ADVICE: &str = "expected an RFC 3339 time with an offset, like 2026-01-05T09:30:00Z";

/// Parses an RFC 3339 timestamp with an offset: `T`, `t` or a space between
/// date and time, optional fractional seconds (1–9 digits), then `Z` or
/// `±hh:mm`.
///
/// The shape is checked here because jiff's parser is more forgiving than the
/// contract (it accepts bracketed time-zone annotations and minutes-only times);
/// jiff then checks the calendar and does the arithmetic.
pub fn parse_timestamp(field: &str, text: &str) -> Result<Timestamp, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, format!("{TIME_ADVICE} (it was empty)")));
    }
    let shape_error = || FieldError::new(field, format!("{TIME_ADVICE} (you entered {})", quote(text)));
    if !has_rfc3339_shape(text.as_bytes()) {
        return Err(shape_error());
    }
    let not_real = || FieldError::new(field, format!("{} is not a real date and time", quote(text)));
    // Most files already write the separator as `T` and UTC as `Z`: parse
    // those in place rather than copying every cell (imports read millions).
    if text.as_bytes()[10] == b'T' && !text.ends_with('z') {
        return text.parse::<Timestamp>().map_err(|_| not_real());
    }
    let mut normalised = text.as_bytes().to_vec();
    normalised[10] = b'T';
    if normalised.last() == Some(&b'z') {
        normalised.pop();
        normalised.push(b'Z');
    }
    let normalised = String::from_utf8(normalised).map_err(|_| shape_error())?;
    normalised.parse::<Timestamp>().map_err(|_| not_real())
}

pub(super) fn parse_optional_timestamp(field: &str, text: &str) -> Result<Option<Timestamp>, FieldError> {
    if text.trim().is_empty() { Ok(None) } else { parse_timestamp(field, text).map(Some) }
}

fn has_rfc3339_shape(b: &[u8]) -> bool {
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    let head = digits(0..4)
        && at(4, b"-")
        && digits(5..7)
        && at(7, b"-")
        && digits(8..10)
        && at(10, b"Tt ")
        && digits(11..13)
        && at(13, b":")
        && digits(14..16)
        && at(16, b":")
        && digits(17..19);
    if !head {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let n = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return false;
        }
        rest = &after_dot[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Quotes user text for a message, cut short so a bad cell cannot flood a report.
pub(super) fn quote(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("\u{201c}{cut}\u{2026}\u{201d}")
    } else {
        format!("\u{201c}{text}\u{201d}")
    }
}
