//! Work items as the product keeps them: their kinds and states, and the parse
//! of a new item from a form, an API body or an import row.
//!
//! The engine ([`super::allocate`]) sees only channel, requirements and priority;
//! the rest (kind, title, due time, effort, team, check-in date) serves the
//! people who lead and do the work.

use jiff::Timestamp;
use jiff::civil::Date;

use super::model::Priority;
use crate::fields::{FieldError, FieldErrors};
use crate::people::{optional_text, parse_channel, parse_date, required_text};

/// What sort of work an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkKind {
    /// A customer ticket (email, web form, chat follow-up).
    Ticket,
    /// A call back to a customer.
    Callback,
    /// A call to book a vehicle or order in.
    BookingInCall,
    /// A quality spot check of someone's contact.
    QaSpotCheck,
    /// Any other delegated task.
    Task,
}

impl WorkKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [WorkKind; 5] = [Self::Ticket, Self::Callback, Self::BookingInCall, Self::QaSpotCheck, Self::Task];

    /// The name stored and used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ticket => "ticket",
            Self::Callback => "callback",
            Self::BookingInCall => "booking_in_call",
            Self::QaSpotCheck => "qa_spot_check",
            Self::Task => "task",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ticket => "Ticket",
            Self::Callback => "Callback",
            Self::BookingInCall => "Booking-in call",
            Self::QaSpotCheck => "QA spot check",
            Self::Task => "Task",
        }
    }

    /// Accepts the stored name or the label, in any case, with spaces or
    /// hyphens for underscores.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let wanted = text.trim().to_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|k| k.as_str() == wanted).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "Use one of ticket, callback, booking_in_call, qa_spot_check or task (you entered \u{201c}{}\u{201d}).",
                    text.trim()
                ),
            )
        })
    }
}

/// Where an item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkState {
    /// Waiting for someone.
    Open,
    /// Given to someone who has not started it.
    Assigned,
    /// Being worked on.
    InProgress,
    /// Finished.
    Done,
}

impl WorkState {
    /// Every state, in life order.
    pub const ALL: [WorkState; 4] = [Self::Open, Self::Assigned, Self::InProgress, Self::Done];

    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Assigned => "Assigned",
            Self::InProgress => "In progress",
            Self::Done => "Done",
        }
    }

    /// Reads a stored name back.
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// True for the states that count towards a person's open load.
    pub fn counts_as_load(self) -> bool {
        matches!(self, Self::Assigned | Self::InProgress)
    }
}

/// Accepts a priority name in any case.
pub fn parse_priority(field: &str, text: &str) -> Result<Priority, FieldError> {
    Priority::parse(&text.trim().to_lowercase()).ok_or_else(|| {
        FieldError::new(
            field,
            format!("Use one of urgent, high, normal or low (you entered \u{201c}{}\u{201d}).", text.trim()),
        )
    })
}

/// One required skill, by name, with the level 1–5 it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The skill's name as in the catalogue (matched without regard to case).
    pub skill: String,
    /// The level needed, 1 to 5.
    pub level: u8,
}

/// Parses `Billing:3; Returns and refunds:1` (pairs separated by `;` or `|`,
/// name and level by `:` or `=`). At least one pair; no skill twice.
pub fn parse_requirements(field: &str, text: &str) -> Result<Vec<Requirement>, FieldError> {
    let mut out: Vec<Requirement> = Vec::new();
    for part in text.split([';', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, level)) = part.rsplit_once([':', '=']) else {
            return Err(FieldError::new(
                field,
                format!("Write each skill as name:level, for example Billing:3 (\u{201c}{part}\u{201d} has no level)."),
            ));
        };
        let name = name.trim();
        let level = level.trim().parse::<u8>().ok().filter(|l| (1..=5).contains(l)).ok_or_else(|| {
            FieldError::new(field, format!("The level for {name} must be a whole number from 1 to 5."))
        })?;
        if name.is_empty() {
            return Err(FieldError::new(field, "A skill name is missing before a level."));
        }
        if out.iter().any(|r| r.skill.eq_ignore_ascii_case(name)) {
            return Err(FieldError::new(field, format!("{name} is listed twice; give each skill once.")));
        }
        out.push(Requirement { skill: name.to_string(), level });
    }
    if out.is_empty() {
        return Err(FieldError::new(field, "Give at least one required skill, for example Billing:2."));
    }
    Ok(out)
}

/// A new work item as typed or imported: every value still text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkItemFields {
    /// An id from another system (optional; unique when given).
    pub external_id: String,
    /// [`WorkKind`] name.
    pub kind: String,
    /// What the work is, in a few words.
    pub title: String,
    /// The channel it arrives on (`email`, `chat`, `voice`, ...).
    pub channel: String,
    /// Required skills, `name:level; name:level`.
    pub requires: String,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: String,
    /// RFC 3339 due time, or empty.
    pub due_at: String,
    /// Minutes of work expected, or empty for 15.
    pub effort_minutes: String,
    /// The team's id or name.
    pub team: String,
    /// The date to check on progress, YYYY-MM-DD, or empty.
    pub check_in_on: String,
}

/// A new work item, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItemInput {
    /// An id from another system.
    pub external_id: Option<String>,
    /// What sort of work.
    pub kind: WorkKind,
    /// What the work is.
    pub title: String,
    /// The channel.
    pub channel: String,
    /// Required skills (names still to be matched to the catalogue).
    pub requires: Vec<Requirement>,
    /// Priority.
    pub priority: Priority,
    /// When it is due.
    pub due_at: Option<Timestamp>,
    /// Minutes of work expected, 1 to 10,080.
    pub effort_minutes: i64,
    /// The team's id or name, still to be matched.
    pub team: String,
    /// When to check on progress.
    pub check_in_on: Option<Date>,
}

/// Effort assumed when none is given.
pub const DEFAULT_EFFORT_MINUTES: i64 = 15;

impl WorkItemFields {
    /// Checks every field, collecting every error.
    pub fn parse(&self) -> Result<WorkItemInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let external_id = errors.check(optional_text("external_id", &self.external_id, 100));
        let kind = errors.check(WorkKind::parse("kind", &self.kind));
        let title = errors.check(required_text("title", &self.title, 200));
        let channel = errors.check(parse_channel("channel", &self.channel));
        let requires = errors.check(parse_requirements("requires", &self.requires));
        let priority = errors.check(parse_priority("priority", &self.priority));
        let due_at = errors.check(parse_due("due_at", &self.due_at));
        let effort = errors.check(parse_effort("effort_minutes", &self.effort_minutes));
        let team = errors.check(required_text("team", &self.team, 100));
        let check_in_on = errors.check(if self.check_in_on.trim().is_empty() {
            Ok(None)
        } else {
            parse_date("check_in_on", &self.check_in_on).map(Some)
        });
        match (external_id, kind, title, channel, requires, priority, due_at, effort, team, check_in_on) {
            (
                Some(external_id),
                Some(kind),
                Some(title),
                Some(channel),
                Some(requires),
                Some(priority),
                Some(due_at),
                Some(effort_minutes),
                Some(team),
                Some(check_in_on),
            ) if errors.is_empty() => Ok(WorkItemInput {
                external_id,
                kind,
                title,
                channel,
                requires,
                priority,
                due_at,
                effort_minutes,
                team,
                check_in_on,
            }),
            _ => Err(errors),
        }
    }
}

/// An RFC 3339 instant (`T` or a space between date and time), or empty.
pub fn parse_due(field: &str, text: &str) -> Result<Option<Timestamp>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let normalised = if text.len() > 10 && text.as_bytes().get(10) == Some(&b' ') {
        format!("{}T{}", &text[..10], &text[11..])
    } else {
        text.to_string()
    };
    normalised.parse::<Timestamp>().map(Some).map_err(|_| {
        FieldError::new(
            field,
            format!(
                "Give a time with its offset, for example 2026-03-02T14:00:00Z (you entered \u{201c}{text}\u{201d})."
            ),
        )
    })
}

/// Minutes of effort: empty for the default, else a whole number 1–10,080 (a week).
pub fn parse_effort(field: &str, text: &str) -> Result<i64, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(DEFAULT_EFFORT_MINUTES);
    }
    text.parse::<i64>()
        .ok()
        .filter(|m| (1..=10_080).contains(m))
        .ok_or_else(|| FieldError::new(field, "Give the effort as whole minutes from 1 to 10080."))
}

/// A leader's reason for an override or a reassignment: required, at most 300
/// characters, so the audit trail always says why.
pub fn parse_reason(field: &str, text: &str) -> Result<String, FieldError> {
    let value = text.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "Say why, in a few words: the reason goes into the audit trail."));
    }
    required_text(field, value, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> WorkItemFields {
        WorkItemFields {
            kind: "Booking-in call".into(),
            title: "Book in for MOT".into(),
            channel: "Voice".into(),
            requires: "Service bookings:2; Call control:1".into(),
            priority: "High".into(),
            due_at: "2026-03-02 14:00:00Z".into(),
            team: "1".into(),
            ..WorkItemFields::default()
        }
    }

    #[test]
    fn a_full_item_parses() {
        let input = fields().parse().expect("valid");
        assert_eq!(input.kind, WorkKind::BookingInCall);
        assert_eq!(input.channel, "voice");
        assert_eq!(input.priority, Priority::High);
        assert_eq!(input.effort_minutes, DEFAULT_EFFORT_MINUTES);
        assert_eq!(input.requires.len(), 2);
        assert_eq!(input.requires[0], Requirement { skill: "Service bookings".into(), level: 2 });
        assert_eq!(input.due_at.map(|t| t.as_second()), Some(1_772_460_000));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = WorkItemFields {
            kind: "letter".into(),
            requires: "Billing:7".into(),
            priority: "soon".into(),
            due_at: "tomorrow".into(),
            effort_minutes: "0".into(),
            ..fields()
        };
        let errors = bad.parse().expect_err("invalid");
        for field in ["kind", "requires", "priority", "due_at", "effort_minutes"] {
            assert!(errors.for_field(field).is_some(), "{field} should be rejected: {errors}");
        }
    }

    #[test]
    fn requirements_need_a_level_and_no_repeats() {
        assert!(parse_requirements("r", "").is_err());
        assert!(parse_requirements("r", "Billing").is_err());
        assert!(parse_requirements("r", "Billing:2;billing:3").is_err());
        assert_eq!(parse_requirements("r", "Billing=2 | Returns:1").map(|r| r.len()), Ok(2));
    }

    #[test]
    fn only_assigned_and_started_work_is_load() {
        assert!(!WorkState::Open.counts_as_load());
        assert!(WorkState::Assigned.counts_as_load());
        assert!(WorkState::InProgress.counts_as_load());
        assert!(!WorkState::Done.counts_as_load());
    }

    #[test]
    fn reasons_are_required() {
        assert!(parse_reason("reason", "   ").is_err());
        assert_eq!(parse_reason("reason", " Covering leave ").as_deref(), Ok("Covering leave"));
    }
}
