//! Whole records as typed in a form or sent to the API, parsed into valid values.
//!
//! Each `*Fields` struct holds the raw text of one form; its `parse` returns the
//! valid record or every field error at once, so a page can show them all.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{
    CommunicationStyle, Email, PreferredChannel, optional_text, parse_contracted_hours, parse_date, required_text,
};
use crate::fields::FieldErrors;

/// The raw fields of a person form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonFields {
    /// Full name.
    pub name: String,
    /// Work email address.
    pub email: String,
    /// Job title, for example "Service advisor".
    pub job_role: String,
    /// First day in the organisation, YYYY-MM-DD.
    pub start_date: String,
    /// Contracted hours per week.
    pub contracted_hours: String,
    /// Working pattern in words, for example "Mon–Fri 08:00–16:30".
    pub working_pattern: String,
    /// Preferred communication channel (stable name).
    pub comm_channel: String,
    /// Preferred communication style (stable name).
    pub comm_style: String,
}

/// A valid person record.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonInput {
    /// Full name.
    pub name: String,
    /// Work email address.
    pub email: Email,
    /// Job title.
    pub job_role: String,
    /// First day.
    pub start_date: Date,
    /// Contracted hours per week, in quarter hours.
    pub contracted_hours: f64,
    /// Working pattern in words.
    pub working_pattern: Option<String>,
    /// Preferred communication channel.
    pub comm_channel: PreferredChannel,
    /// Preferred communication style.
    pub comm_style: CommunicationStyle,
}

impl PersonFields {
    /// Parses every field, collecting all errors.
    pub fn parse(&self) -> Result<PersonInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_text("name", &self.name, 120));
        let email = errors.check(Email::parse("email", &self.email));
        let job_role = errors.check(required_text("job_role", &self.job_role, 80));
        let start_date = errors.check(parse_date("start_date", &self.start_date));
        let contracted_hours = errors.check(parse_contracted_hours("contracted_hours", &self.contracted_hours));
        let working_pattern = errors.check(optional_text("working_pattern", &self.working_pattern, 200));
        let comm_channel = errors.check(PreferredChannel::parse("comm_channel", &self.comm_channel));
        let comm_style = errors.check(CommunicationStyle::parse("comm_style", &self.comm_style));
        match (name, email, job_role, start_date, contracted_hours, working_pattern, comm_channel, comm_style) {
            (
                Some(name),
                Some(email),
                Some(job_role),
                Some(start_date),
                Some(contracted_hours),
                Some(working_pattern),
                Some(comm_channel),
                Some(comm_style),
            ) if errors.is_empty() => Ok(PersonInput {
                name,
                email,
                job_role,
                start_date,
                contracted_hours,
                working_pattern,
                comm_channel,
                comm_style,
            }),
            _ => Err(errors),
        }
    }
}

/// The raw fields of a team form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamFields {
    /// Team name.
    pub name: String,
    /// What the team is for.
    pub purpose: String,
    /// The leader's person id, or empty.
    pub leader_id: String,
    /// The site's id, or empty.
    pub site_id: String,
}

/// A valid team record.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamInput {
    /// Team name.
    pub name: String,
    /// What the team is for.
    pub purpose: Option<String>,
    /// The leader's person id.
    pub leader_id: Option<i64>,
    /// The site the team works from.
    pub site_id: Option<i64>,
}

impl TeamFields {
    /// Parses every field, collecting all errors.
    pub fn parse(&self) -> Result<TeamInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_text("name", &self.name, 80));
        let purpose = errors.check(optional_text("purpose", &self.purpose, 300));
        let leader_id = match self.leader_id.trim() {
            "" => Some(None),
            text => errors.check(
                text.parse::<i64>()
                    .map(Some)
                    .map_err(|_| crate::fields::FieldError::new("leader_id", "Choose the team leader from the list.")),
            ),
        };
        let site_id = match self.site_id.trim() {
            "" => Some(None),
            text => errors.check(
                text.parse::<i64>()
                    .map(Some)
                    .map_err(|_| crate::fields::FieldError::new("site_id", "Choose the site from the list.")),
            ),
        };
        match (name, purpose, leader_id, site_id) {
            (Some(name), Some(purpose), Some(leader_id), Some(site_id)) if errors.is_empty() => {
                Ok(TeamInput { name, purpose, leader_id, site_id })
            }
            _ => Err(errors),
        }
    }
}

/// The raw fields of a skill form: a name, a description and what each level looks like.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SkillFields {
    /// Skill name.
    pub name: String,
    /// What the skill covers.
    pub description: String,
    /// What level 1 looks like.
    pub level_1: String,
    /// What level 2 looks like.
    pub level_2: String,
    /// What level 3 looks like.
    pub level_3: String,
    /// What level 4 looks like.
    pub level_4: String,
    /// What level 5 looks like.
    pub level_5: String,
}

/// A valid skill with a descriptor for each of the five levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillInput {
    /// Skill name.
    pub name: String,
    /// What the skill covers.
    pub description: String,
    /// Descriptors for levels 1 to 5, in order.
    pub levels: [String; 5],
}

impl SkillFields {
    /// Parses every field, collecting all errors.
    pub fn parse(&self) -> Result<SkillInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_text("name", &self.name, 60));
        let description = errors.check(required_text("description", &self.description, 500));
        let raw = [&self.level_1, &self.level_2, &self.level_3, &self.level_4, &self.level_5];
        let mut levels: [String; 5] = Default::default();
        for (i, text) in raw.iter().enumerate() {
            if let Some(value) = errors.check(required_text(&format!("level_{}", i + 1), text, 300)) {
                levels[i] = value;
            }
        }
        match (name, description) {
            (Some(name), Some(description)) if errors.is_empty() => Ok(SkillInput { name, description, levels }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good_person() -> PersonFields {
        PersonFields {
            name: "Priya Shah".into(),
            email: "priya@example.co.uk".into(),
            job_role: "Service advisor".into(),
            start_date: "2024-02-05".into(),
            contracted_hours: "37.5".into(),
            working_pattern: String::new(),
            comm_channel: "email".into(),
            comm_style: "brief".into(),
        }
    }

    #[test]
    fn a_good_person_parses() {
        let person = good_person().parse().unwrap();
        assert_eq!(person.contracted_hours, 37.5);
        assert_eq!(person.working_pattern, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let fields = PersonFields { email: "nope".into(), start_date: "5/2/24".into(), ..good_person() };
        let errors = fields.parse().unwrap_err();
        assert!(errors.for_field("email").is_some());
        assert!(errors.for_field("start_date").is_some());
        assert_eq!(errors.0.len(), 2);
    }

    #[test]
    fn skills_need_all_five_descriptors() {
        let fields = SkillFields {
            name: "Billing".into(),
            description: "Bills".into(),
            level_1: "a".into(),
            ..Default::default()
        };
        let errors = fields.parse().unwrap_err();
        assert_eq!(errors.0.len(), 4);
        assert!(errors.for_field("level_5").is_some());
    }
}
