//! People, teams, skills and the values that describe them.
//!
//! Every type here can only hold a valid value: it is built by a `parse`
//! constructor at the edge (form, API body, import) and trusted inside.

use serde::{Deserialize, Serialize};

mod inputs;

pub use inputs::{PersonFields, PersonInput, SkillFields, SkillInput, TeamFields, TeamInput};

use crate::fields::FieldError;

/// A skill level: 1 (aware) to 5 (expert). A skill a person lacks has no level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct SkillLevel(u8);

impl SkillLevel {
    /// The lowest level.
    pub const MIN: u8 = 1;
    /// The highest level.
    pub const MAX: u8 = 5;

    /// Accepts a whole number from 1 to 5.
    pub fn parse(field: &str, value: i64) -> Result<Self, FieldError> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(FieldError::new(field, format!("Enter a level from 1 to 5 (you entered {value}).")))
        }
    }

    /// Accepts the text of a form field.
    pub fn parse_text(field: &str, text: &str) -> Result<Self, FieldError> {
        let trimmed = text.trim();
        match trimmed.parse::<i64>() {
            Ok(value) => Self::parse(field, value),
            Err(_) if trimmed.is_empty() => Err(FieldError::new(field, "Enter a level from 1 to 5.")),
            Err(_) => Err(FieldError::new(
                field,
                format!("Enter a level from 1 to 5 as a whole number (you entered \u{201c}{trimmed}\u{201d})."),
            )),
        }
    }

    /// The level as a number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for SkillLevel {
    type Error = FieldError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::parse("level", value)
    }
}

impl From<SkillLevel> for i64 {
    fn from(level: SkillLevel) -> Self {
        i64::from(level.0)
    }
}

/// What a user account may do, before team reach is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A team member: sees their own work and results.
    Agent,
    /// Leads one or more teams: sees and manages those teams.
    TeamLeader,
    /// Operations manager over every team.
    OpsManager,
    /// HR or people partner: formal cases and adjustments.
    Hr,
    /// Administers users, roles, settings and retention.
    Admin,
}

impl Role {
    /// Every role, lowest reach first.
    pub const ALL: [Role; 5] = [Role::Agent, Role::TeamLeader, Role::OpsManager, Role::Hr, Role::Admin];

    /// The stable name used in files, URLs and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::TeamLeader => "team_leader",
            Role::OpsManager => "ops_manager",
            Role::Hr => "hr",
            Role::Admin => "admin",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Agent => "Agent",
            Role::TeamLeader => "Team leader",
            Role::OpsManager => "Operations manager",
            Role::Hr => "HR",
            Role::Admin => "Administrator",
        }
    }

    /// Accepts one of `agent`, `team_leader`, `ops_manager`, `hr`, `admin`.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|r| r.as_str() == text.trim()).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "Choose one of agent, team_leader, ops_manager, hr or admin (you entered \u{201c}{}\u{201d}).",
                    text.trim()
                ),
            )
        })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An email address, trimmed and lower-cased so that it identifies one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain` with a dot in the domain, at most 254 characters.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let value = text.trim().to_lowercase();
        let valid = value.len() <= 254
            && !value.chars().any(char::is_whitespace)
            && match value.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Self(value))
        } else if value.is_empty() {
            Err(FieldError::new(field, "Enter an email address."))
        } else {
            Err(FieldError::new(field, "Enter an email address like name@example.co.uk."))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Required short text such as a name: trimmed, not empty, at most `max` characters.
pub fn required_text(field: &str, text: &str, max: usize) -> Result<String, FieldError> {
    let value = text.trim();
    if value.is_empty() {
        Err(FieldError::new(field, "This cannot be empty."))
    } else if value.chars().count() > max {
        Err(FieldError::new(field, format!("Keep this to {max} characters or fewer.")))
    } else {
        Ok(value.to_string())
    }
}

/// Optional text: trimmed, empty becomes `None`, at most `max` characters.
pub fn optional_text(field: &str, text: &str, max: usize) -> Result<Option<String>, FieldError> {
    let value = text.trim();
    if value.is_empty() {
        Ok(None)
    } else if value.chars().count() > max {
        Err(FieldError::new(field, format!("Keep this to {max} characters or fewer.")))
    } else {
        Ok(Some(value.to_string()))
    }
}

/// A calendar date in `YYYY-MM-DD` form.
pub fn parse_date(field: &str, text: &str) -> Result<jiff::civil::Date, FieldError> {
    text.trim().parse::<jiff::civil::Date>().map_err(|_| {
        FieldError::new(
            field,
            format!(
                "Enter a date as YYYY-MM-DD, for example 2026-03-02 (you entered \u{201c}{}\u{201d}).",
                text.trim()
            ),
        )
    })
}

/// Contracted hours per week: a number from 0 to 60, in quarter hours at most.
pub fn parse_contracted_hours(field: &str, text: &str) -> Result<f64, FieldError> {
    let trimmed = text.trim();
    let hours: f64 = trimmed.parse().map_err(|_| {
        FieldError::new(
            field,
            format!("Enter hours per week as a number, for example 37.5 (you entered \u{201c}{trimmed}\u{201d})."),
        )
    })?;
    if !(0.0..=60.0).contains(&hours) || !hours.is_finite() {
        return Err(FieldError::new(field, "Enter hours per week from 0 to 60."));
    }
    Ok((hours * 4.0).round() / 4.0)
}

/// A per-channel capacity: how many items of a channel a person can hold at once.
pub fn parse_capacity(field: &str, text: &str) -> Result<i64, FieldError> {
    let trimmed = text.trim();
    match trimmed.parse::<i64>() {
        Ok(n) if (0..=500).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, "Enter a whole number of items from 0 to 500.")),
    }
}

/// A work channel name: lower-case letters, digits and underscores, 1–32 characters.
pub fn parse_channel(field: &str, text: &str) -> Result<String, FieldError> {
    let value = text.trim().to_lowercase();
    if !value.is_empty()
        && value.len() <= 32
        && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(value)
    } else {
        Err(FieldError::new(field, "Use a short channel name such as email, chat or voice (letters, digits and _)."))
    }
}

/// How a person prefers to be communicated with: the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreferredChannel {
    /// Face to face.
    InPerson,
    /// Email.
    Email,
    /// Team chat.
    Chat,
    /// Phone or video call.
    Call,
}

impl PreferredChannel {
    /// Every option, in the order forms show them.
    pub const ALL: [PreferredChannel; 4] = [Self::InPerson, Self::Email, Self::Chat, Self::Call];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Email => "email",
            Self::Chat => "chat",
            Self::Call => "call",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::InPerson => "In person",
            Self::Email => "Email",
            Self::Chat => "Chat",
            Self::Call => "Phone or video call",
        }
    }

    /// Accepts a stable name.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim())
            .ok_or_else(|| FieldError::new(field, "Choose in person, email, chat or a call."))
    }
}

/// How a person prefers to be communicated with: the style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationStyle {
    /// Short and to the point.
    Brief,
    /// Full context and reasons.
    Detailed,
    /// Written first, then a conversation.
    WrittenFirst,
    /// A conversation first, then a written note.
    TalkFirst,
}

impl CommunicationStyle {
    /// Every option, in the order forms show them.
    pub const ALL: [CommunicationStyle; 4] = [Self::Brief, Self::Detailed, Self::WrittenFirst, Self::TalkFirst];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Brief => "brief",
            Self::Detailed => "detailed",
            Self::WrittenFirst => "written_first",
            Self::TalkFirst => "talk_first",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Brief => "Brief and to the point",
            Self::Detailed => "Detailed, with the reasons",
            Self::WrittenFirst => "In writing first, then a chat",
            Self::TalkFirst => "A chat first, then in writing",
        }
    }

    /// Accepts a stable name.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim())
            .ok_or_else(|| FieldError::new(field, "Choose one of the communication styles listed."))
    }
}

/// Why a person is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceKind {
    /// Booked annual leave.
    AnnualLeave,
    /// Sickness (health data: shown to leaders only as "absent").
    Sickness,
    /// Training away from the floor.
    Training,
    /// Any other authorised absence.
    Other,
}

impl AbsenceKind {
    /// Every option.
    pub const ALL: [AbsenceKind; 4] = [Self::AnnualLeave, Self::Sickness, Self::Training, Self::Other];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnnualLeave => "annual_leave",
            Self::Sickness => "sickness",
            Self::Training => "training",
            Self::Other => "other",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::AnnualLeave => "Annual leave",
            Self::Sickness => "Sickness",
            Self::Training => "Training",
            Self::Other => "Other",
        }
    }

    /// Accepts a stable name.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim())
            .ok_or_else(|| FieldError::new(field, "Choose annual leave, sickness, training or other."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_levels_are_one_to_five() {
        assert_eq!(SkillLevel::parse("level", 3).map(SkillLevel::get), Ok(3));
        assert!(SkillLevel::parse("level", 0).is_err());
        assert!(SkillLevel::parse("level", 6).is_err());
        let err = SkillLevel::parse_text("level", "seven").unwrap_err();
        assert_eq!(err.field, "level");
        assert!(err.message.contains("seven"));
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse("role", role.as_str()), Ok(role));
        }
        assert!(Role::parse("role", "boss").is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", " Sam@Example.CO.UK ").map(|e| e.as_str().to_string()),
            Ok("sam@example.co.uk".into())
        );
        for bad in ["", "sam", "sam@", "@example.com", "sam@example", "sa m@example.com", "a@b@c.com"] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contracted_hours_round_to_quarters() {
        assert_eq!(parse_contracted_hours("hours", "37.5"), Ok(37.5));
        assert_eq!(parse_contracted_hours("hours", "20.1"), Ok(20.0));
        assert!(parse_contracted_hours("hours", "61").is_err());
        assert!(parse_contracted_hours("hours", "lots").is_err());
    }

    #[test]
    fn channels_are_slugs() {
        assert_eq!(parse_channel("channel", " Email "), Ok("email".into()));
        assert!(parse_channel("channel", "e mail").is_err());
    }
}
