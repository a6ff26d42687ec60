//! Checking a batch row's `interval_start`.
//!
//! Almost every start time in a real file is a plain UTC time such as
//! `2026-01-05T09:00:00Z`. Checking that shape by hand is a few comparisons,
//! where a full RFC 3339 parse is a fifth of a batch's reading time; anything
//! else (offsets, fractions, other years) goes to `jiff`, which decides.

/// Whether `text` is an RFC 3339 time with an offset that `jiff` accepts as a
/// [`jiff::Timestamp`].
pub(super) fn is_timestamp(text: &str) -> bool {
    plain_utc(text.as_bytes()) || text.parse::<jiff::Timestamp>().is_ok()
}

/// Whether `text` is `YYYY-MM-DDTHH:MM:SSZ`, a real date and time of day with
/// a year from 1000 to 9998. `false` means only "not this shape": the text may
/// still be a valid time. The years keep well inside what a timestamp can
/// hold (it ends in the last days of 9999).
fn plain_utc(text: &[u8]) -> bool {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2, b'T', h1, h2, b':', n1, n2, b':', s1, s2, b'Z'] = *text else {
        return false;
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2, h1, h2, n1, n2, s1, s2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    // Two digits are at most 99, which every type here holds.
    let number = |high: u8, low: u8| ((high - b'0') * 10 + (low - b'0')) as i8;
    let year = i16::from(number(y1, y2)) * 100 + i16::from(number(y3, y4));
    (1000..=9998).contains(&year)
        && jiff::civil::Date::new(year, number(m1, m2), number(d1, d2)).is_ok()
        && number(h1, h2) < 24
        && number(n1, n2) < 60
        && number(s1, s2) < 60
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jiff_accepts(text: &str) -> bool {
        text.parse::<jiff::Timestamp>().is_ok()
    }

    #[test]
    fn the_plain_shape_accepts_exactly_what_jiff_accepts() {
        let mut checked = 0;
        for year in [1000, 1900, 1999, 2000, 2023, 2024, 2026, 2100, 2400, 9998] {
            for month in 0..=13 {
                for day in 0..=32 {
                    for (hour, minute, second) in [(0, 0, 0), (23, 59, 59), (24, 0, 0), (12, 60, 0), (12, 0, 60)] {
                        let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
                        // A plain time must be one jiff takes (jiff also takes a
                        // leap second, which the plain check leaves to it).
                        let plain = plain_utc(text.as_bytes());
                        assert!(!plain || jiff_accepts(&text), "{text}");
                        assert_eq!(is_timestamp(&text), jiff_accepts(&text), "{text}");
                        checked += usize::from(plain);
                    }
                }
            }
        }
        // Every real day of the ten years, at the two valid times of day.
        assert_eq!(checked, 2 * (365 * 7 + 366 * 3));
    }

    #[test]
    fn other_shapes_are_left_to_jiff() {
        for text in [
            "2026-01-05T09:00:00+01:00",
            "2026-01-05T09:00:00.5Z",
            "2026-01-05T09:00Z",
            "2026-01-05t09:00:00z",
            "2026-01-05 09:00:00Z",
            "0999-01-05T09:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-01-05T09:00:00",
            "2026-1-05T09:00:00Z",
            "2026-01-05T09:00:00Z ",
            "２026-01-05T09:00:00Z",
            "",
            "yesterday",
        ] {
            assert!(!plain_utc(text.as_bytes()), "{text}");
            assert_eq!(is_timestamp(text), jiff_accepts(text), "{text}");
        }
    }
}
