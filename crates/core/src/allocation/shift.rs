//! Working days from a person's working pattern, as written in their record
//! ("Mon–Fri 08:00–16:30", "Mon, Wed, Fri 09:00–15:00", "Tue to Sat").
//!
//! A batch plans one day's work, so a person is off shift for a batch when the
//! day is not one of their working days. A pattern that names no weekday
//! ("Four days, 08:00–18:00", empty) says nothing about days and never keeps
//! anyone out: the leader sees everyone and decides. Hours are not used: a
//! batch assigns the day's work, which an agent starts when their shift does.

use jiff::civil::{Date, Weekday};

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
    ("sat", Weekday::Saturday),
    ("sun", Weekday::Sunday),
];

/// The weekdays a pattern names, or `None` when it names none.
///
/// Ranges (`Mon–Fri`, `Mon-Fri`, `Tue to Sat`) wrap around the week
/// (`Sat–Mon` is Saturday, Sunday, Monday); lists take each day named.
pub fn working_days(pattern: &str) -> Option<[bool; 7]> {
    let lower = pattern.to_lowercase();
    // Split into words, keeping range markers as their own tokens.
    let spaced = lower.replace(['\u{2013}', '\u{2014}', '-'], " ~ ").replace(" to ", " ~ ").replace(',', " , ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let day_of = |token: &str| -> Option<Weekday> {
        let word: String = token.chars().take_while(char::is_ascii_alphabetic).collect();
        if word.len() < 3 {
            return None;
        }
        DAYS.iter().find(|(name, _)| word.starts_with(name) && is_day_word(&word)).map(|(_, d)| *d)
    };
    let mut days = [false; 7];
    let mut any = false;
    let mut i = 0;
    while i < tokens.len() {
        if let Some(first) = day_of(tokens[i]) {
            any = true;
            let ranged = tokens.get(i + 1) == Some(&"~");
            if let (true, Some(last)) = (ranged, tokens.get(i + 2).and_then(|t| day_of(t))) {
                let mut d = first;
                loop {
                    days[index(d)] = true;
                    if d == last {
                        break;
                    }
                    d = d.next();
                }
                i += 3;
                continue;
            }
            days[index(first)] = true;
        }
        i += 1;
    }
    any.then_some(days)
}

/// A word that is a day name or its abbreviation ("mon", "monday", "mondays"),
/// so that words such as "month" are not read as days.
fn is_day_word(word: &str) -> bool {
    word.len() == 3 || word.ends_with("day") || word.ends_with("days") || matches!(word, "tues" | "thur" | "thurs")
}

fn index(day: Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

/// Whether a person with this pattern works on `day` (true when the pattern
/// names no weekday).
pub fn works_on(pattern: Option<&str>, day: Date) -> bool {
    pattern.and_then(working_days).is_none_or(|days| days[index(day.weekday())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(pattern: &str) -> Vec<usize> {
        working_days(pattern).map(|d| (0..7).filter(|&i| d[i]).collect()).unwrap_or_default()
    }

    #[test]
    fn ranges_and_lists_are_read() {
        assert_eq!(days("Mon\u{2013}Fri 08:00\u{2013}16:30"), vec![0, 1, 2, 3, 4]);
        assert_eq!(days("Tue\u{2013}Sat 08:30\u{2013}17:00"), vec![1, 2, 3, 4, 5]);
        assert_eq!(days("Mon, Wed, Fri 09:00\u{2013}15:00"), vec![0, 2, 4]);
        assert_eq!(days("Saturday to Monday"), vec![0, 5, 6]);
        assert_eq!(days("mon-thu"), vec![0, 1, 2, 3]);
    }

    #[test]
    fn patterns_without_days_block_nobody() {
        assert_eq!(working_days("Four days, 08:00\u{2013}18:00"), None);
        assert_eq!(working_days("Monthly rota"), None);
        let sunday = Date::new(2026, 12, 6).expect("date");
        assert!(works_on(Some("Four days"), sunday));
        assert!(works_on(None, sunday));
        assert!(!works_on(Some("Mon\u{2013}Fri"), sunday));
        assert!(works_on(Some("Tue\u{2013}Sun"), sunday));
    }
}
