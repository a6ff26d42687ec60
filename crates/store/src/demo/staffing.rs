//! Demo staffing: each demo queue's settings and team, and the bank holidays of
//! England and Wales inside the demo's history, left out of forecasting.

use jiff::civil::{Date, Weekday, date};
use jiff::{Timestamp, ToSpan};

use crate::audit::Actor;
use crate::db::Db;
use crate::error::StoreResult;
use crate::staffing::settings::{self, StaffingSettings};
use crate::staffing::special_days::{self, NewSpecialDay};

/// Queue, team index, channel, answer-within seconds, patience, concurrency, window minutes.
type DemoQueue = (&'static str, usize, &'static str, i64, Option<i64>, i64, i64);

const QUEUES: &[DemoQueue] = &[
    ("bookings-voice", 0, "voice", 20, Some(110), 1, 480),
    ("bookings-email", 0, "email", 20, None, 1, 480),
    ("bookings-chat", 0, "chat", 60, None, 2, 480),
    ("service-voice", 1, "voice", 20, None, 1, 480),
    ("warranty-email", 1, "email", 20, None, 1, 1440),
    ("retail-chat", 2, "chat", 60, None, 3, 480),
    ("retail-email", 2, "email", 20, None, 1, 480),
    ("retail-voice", 2, "voice", 20, Some(100), 1, 480),
];

/// Saves the demo queues' settings and the bank holidays from `first` to `today`.
pub(super) async fn seed(
    db: &Db,
    system: &Actor,
    team_ids: &[i64],
    first: Date,
    today: Date,
    now: Timestamp,
) -> StoreResult<()> {
    for &(queue, team, channel, answer_within, patience, concurrency, window) in QUEUES {
        let settings = StaffingSettings {
            team_id: team_ids.get(team).copied(),
            answer_within_seconds: answer_within,
            patience_seconds: patience,
            concurrency,
            response_window_minutes: window,
            saved: true,
            ..StaffingSettings::defaults(queue, channel)
        };
        settings::save(db, system, &settings, now).await?;
    }
    for (day, label) in bank_holidays(first.year()..=today.year()) {
        if (first..=today).contains(&day) {
            let special = NewSpecialDay::parse(&day.to_string(), "", "bank_holiday", label)?;
            special_days::save(db, system, &special, now).await?;
        }
    }
    Ok(())
}

/// England and Wales bank holidays of `years`, with weekend substitutes.
fn bank_holidays(years: std::ops::RangeInclusive<i16>) -> Vec<(Date, &'static str)> {
    let mut days = Vec::new();
    for year in years {
        let easter = easter_sunday(year);
        let first_monday = |month: i8| {
            let first = date(year, month, 1);
            first + i64::from((7 + 1 - first.weekday().to_monday_one_offset()) % 7).days()
        };
        let last_monday = |month: i8| {
            let last = date(year, month, 1).last_of_month();
            last - i64::from(last.weekday().to_monday_zero_offset()).days()
        };
        days.push((substitute(date(year, 1, 1)), "New Year's Day"));
        days.push((easter - 2.days(), "Good Friday"));
        days.push((easter + 1.day(), "Easter Monday"));
        days.push((first_monday(5), "Early May bank holiday"));
        days.push((last_monday(5), "Spring bank holiday"));
        days.push((last_monday(8), "Summer bank holiday"));
        // Christmas on a Saturday moves to Monday and Boxing Day to Tuesday;
        // on a Sunday, Boxing Day keeps Monday and Christmas takes Tuesday.
        let christmas = date(year, 12, 25);
        let (christmas_day, boxing_day) = match christmas.weekday() {
            Weekday::Saturday => (christmas + 2.days(), christmas + 3.days()),
            Weekday::Sunday => (christmas + 2.days(), christmas + 1.day()),
            Weekday::Friday => (christmas, christmas + 3.days()),
            _ => (christmas, christmas + 1.day()),
        };
        days.push((christmas_day, "Christmas Day"));
        days.push((boxing_day, "Boxing Day"));
    }
    days
}

/// A holiday falling at the weekend moves to the Monday after.
fn substitute(day: Date) -> Date {
    let shift = match day.weekday() {
        Weekday::Saturday => 2,
        Weekday::Sunday => 1,
        _ => 0,
    };
    day + shift.days()
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as i8, day as i8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_bank_holidays_are_the_published_ones() {
        let days: Vec<String> = bank_holidays(2026..=2026).iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(
            days,
            [
                "2026-01-01",
                "2026-04-03",
                "2026-04-06",
                "2026-05-04",
                "2026-05-25",
                "2026-08-31",
                "2026-12-25",
                "2026-12-28"
            ]
        );
        // 2027: Christmas on a Saturday.
        let days: Vec<String> = bank_holidays(2027..=2027).iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(&days[6..], ["2027-12-27", "2027-12-28"]);
    }
}
