//! Grouping: the `--group-by` tokens and the period keys.
//!
//! An interaction belongs to the local date of its `arrived_at` in the
//! organisation's time zone; weeks are ISO weeks (Monday start, numbered in the
//! ISO week-year, so 2027-01-01 is in `2026-W53`).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::cells::quote;
use crate::fields::FieldError;

/// One dimension to group KPI rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// The handling agent; unanswered contacts form the group `null`.
    Agent,
    /// The agent's team on the interaction's date.
    Team,
    /// The queue.
    Queue,
    /// The channel.
    Channel,
    /// The reason for contact.
    Topic,
    /// Local date, `2026-01-05`.
    Day,
    /// ISO week, `2026-W03`.
    Week,
    /// Month, `2026-01`.
    Month,
}

impl GroupBy {
    /// Every token, in the contract's order.
    pub const ALL: [GroupBy; 8] =
        [Self::Agent, Self::Team, Self::Queue, Self::Channel, Self::Topic, Self::Day, Self::Week, Self::Month];

    /// The token, which is also the key's name in output rows.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Team => "team",
            Self::Queue => "queue",
            Self::Channel => "channel",
            Self::Topic => "topic",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// Parses a comma-separated list such as `agent,week`. Tokens are trimmed
    /// and matched in any letter case; an unknown token, an empty item or a
    /// token given twice is an error naming it. The order is kept, since it is
    /// the order of the keys in the output.
    pub fn parse_list(text: &str) -> Result<Vec<GroupBy>, FieldError> {
        const FIELD: &str = "group-by";
        let mut out: Vec<GroupBy> = Vec::new();
        for token in text.split(',').map(str::trim) {
            if token.is_empty() {
                return Err(FieldError::new(
                    FIELD,
                    "an item of the list is empty; separate tokens with single commas, like agent,week",
                ));
            }
            let by = Self::ALL.into_iter().find(|g| g.as_str().eq_ignore_ascii_case(token)).ok_or_else(|| {
                FieldError::new(
                    FIELD,
                    format!(
                        "unknown grouping {}; choose from agent, team, queue, channel, topic, day, week and month",
                        quote(token)
                    ),
                )
            })?;
            if out.contains(&by) {
                return Err(FieldError::new(FIELD, format!("{by} is listed twice")));
            }
            out.push(by);
        }
        Ok(out)
    }

    /// True for `day`, `week` and `month`.
    pub fn is_period(self) -> bool {
        matches!(self, Self::Day | Self::Week | Self::Month)
    }

    /// The key of a local date for a period grouping; `None` for the others.
    /// Rollups are kept per day, so this is how they are regrouped.
    pub fn period_key(self, date: Date) -> Option<String> {
        match self {
            Self::Day => Some(format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())),
            Self::Week => {
                let week = date.iso_week_date();
                Some(format!("{:04}-W{:02}", week.year(), week.week()))
            }
            Self::Month => Some(format!("{:04}-{:02}", date.year(), date.month())),
            _ => None,
        }
    }
}

impl std::fmt::Display for GroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The local calendar date of an instant in the organisation's time zone.
pub fn local_date(at: Timestamp, tz: &TimeZone) -> Date {
    tz.to_datetime(at).date()
}

/// The `day` key of an instant, like `2026-01-05`.
pub fn day_key(at: Timestamp, tz: &TimeZone) -> String {
    period_key_of(GroupBy::Day, at, tz)
}

/// The ISO `week` key of an instant, like `2026-W03`.
pub fn week_key(at: Timestamp, tz: &TimeZone) -> String {
    period_key_of(GroupBy::Week, at, tz)
}

/// The `month` key of an instant, like `2026-01`.
pub fn month_key(at: Timestamp, tz: &TimeZone) -> String {
    period_key_of(GroupBy::Month, at, tz)
}

fn period_key_of(by: GroupBy, at: Timestamp, tz: &TimeZone) -> String {
    by.period_key(local_date(at, tz)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn keys_use_the_local_date() {
        let utc = TimeZone::UTC;
        let at = ts("2026-01-19T10:00:00Z");
        assert_eq!(day_key(at, &utc), "2026-01-19");
        assert_eq!(week_key(at, &utc), "2026-W04");
        assert_eq!(month_key(at, &utc), "2026-01");
        // 23:30 UTC on 31 January is 1 February in UTC+1 and still January in UTC.
        let late = ts("2026-01-31T23:30:00Z");
        let plus_one = TimeZone::fixed(jiff::tz::offset(1));
        assert_eq!(day_key(late, &plus_one), "2026-02-01");
        assert_eq!(month_key(late, &plus_one), "2026-02");
        assert_eq!(month_key(late, &utc), "2026-01");
    }

    #[test]
    fn weeks_start_on_monday_in_the_iso_week_year() {
        let utc = TimeZone::UTC;
        // 2026-01-05 is a Monday: week 2 starts; Sunday 2026-01-04 is week 1.
        assert_eq!(week_key(ts("2026-01-04T23:59:59Z"), &utc), "2026-W01");
        assert_eq!(week_key(ts("2026-01-05T00:00:00Z"), &utc), "2026-W02");
        assert_eq!(week_key(ts("2026-01-12T00:00:00Z"), &utc), "2026-W03");
        // 2027-01-01 (a Friday) belongs to the last week of 2026, which has 53.
        assert_eq!(week_key(ts("2027-01-01T12:00:00Z"), &utc), "2026-W53");
        // 2024-12-30 (a Monday) is in week 1 of 2025.
        assert_eq!(week_key(ts("2024-12-30T12:00:00Z"), &utc), "2025-W01");
    }

    #[test]
    fn group_by_lists_parse_in_order() {
        assert_eq!(GroupBy::parse_list("agent, Week").unwrap(), [GroupBy::Agent, GroupBy::Week]);
        assert_eq!(GroupBy::parse_list("month").unwrap(), [GroupBy::Month]);
        let err = GroupBy::parse_list("agent,fortnight").unwrap_err();
        assert_eq!(err.field, "group-by");
        assert!(err.message.contains("\u{201c}fortnight\u{201d}"), "{}", err.message);
        assert!(GroupBy::parse_list("agent,,day").is_err());
        assert!(GroupBy::parse_list("").is_err());
        assert!(GroupBy::parse_list("day,day").unwrap_err().message.contains("twice"));
        assert_eq!(GroupBy::Agent.period_key(Date::constant(2026, 1, 5)), None);
        assert!(GroupBy::Week.is_period() && !GroupBy::Team.is_period());
    }
}
