//! Shared by the dashboards and the interaction pages: the period a page
//! covers, and which contacts the caller may see for a team, a person, a
//! queue or a channel (asked of the policy, never reasoned about here).

use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::kpi::Channel;
use crewdeck_store::dashboard::{self, ContactScope};
use crewdeck_store::people;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// The period query parameters: `from`/`to` dates, or a number of weeks
/// ending today.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: Option<String>,
    /// Weeks ending today, when no dates are given.
    #[serde(default)]
    pub weeks: Option<u32>,
}

/// A period of local dates, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// Weeks a dashboard shows unless asked otherwise: half a year, enough for
/// control limits and to see a season.
pub const DEFAULT_WEEKS: u32 = 26;

impl Period {
    /// The period asked for; the last [`DEFAULT_WEEKS`] weeks by default.
    pub fn parse(q: &PeriodQuery, today: Date) -> Result<Self, PageError> {
        let date = |field: &str, text: &str| -> Result<Date, PageError> {
            text.trim().parse::<Date>().map_err(|_| {
                PageError::BadRequest(format!(
                    "{field}: enter a date like 2026-01-31 (you entered \u{201c}{}\u{201d})",
                    text.chars().take(40).collect::<String>()
                ))
            })
        };
        let weeks = q.weeks.unwrap_or(DEFAULT_WEEKS).clamp(1, 260);
        let to = match q.to.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => date("to", text)?,
            None => today,
        };
        let from = match q.from.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => date("from", text)?,
            None => to.checked_sub((i64::from(weeks) * 7 - 1).days()).unwrap_or(to),
        };
        if to < from {
            return Err(PageError::BadRequest(format!(
                "The period ends ({to}) before it starts ({from}). Swap the dates and try again."
            )));
        }
        if (to - from).get_days() > 366 * 5 {
            return Err(PageError::BadRequest("Choose a period of five years or less.".into()));
        }
        Ok(Self { from, to })
    }

    /// `from=..&to=..` for links.
    pub fn query(&self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }
}

/// What a page is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// A team.
    Team(i64),
    /// A person.
    Person(i64),
    /// Everything the caller may see, optionally one queue or channel.
    Reach {
        /// Only this queue.
        queue: Option<String>,
        /// Only this channel.
        channel: Option<Channel>,
    },
}

/// The contacts the caller may see for `about` in `period`, checked against
/// `action`. A team leader's reach is their teams' contacts; an agent's is
/// their own.
pub async fn scope_for(
    state: &AppState,
    session: &Session,
    action: Action,
    about: &About,
    period: Period,
) -> Result<ContactScope, PageError> {
    let db = &state.db;
    match about {
        About::Team(id) => {
            crewdeck_store::teams::get(db, *id, state.today()).await?;
            session.require_page(action, &Subject::Team { id: *id })?;
            Ok(dashboard::team_scope(db, &[*id], period.from, period.to).await?)
        }
        About::Person(id) => {
            people::get(db, *id).await?;
            let subject = Subject::Person { id: *id, team_ids: people::team_ids_on(db, *id, state.today()).await? };
            session.require_page(action, &subject)?;
            Ok(ContactScope { agents: Some(dashboard::person_agents(db, *id).await?), ..ContactScope::default() })
        }
        About::Reach { queue, channel } => {
            let base = match session.access(action) {
                Access::All => ContactScope::default(),
                Access::Team => dashboard::team_scope(db, &session.actor.led_team_ids, period.from, period.to).await?,
                Access::Own => match session.user.person_id {
                    Some(person) => ContactScope {
                        agents: Some(dashboard::person_agents(db, person).await?),
                        ..ContactScope::default()
                    },
                    None => ContactScope { agents: Some(Vec::new()), ..ContactScope::default() },
                },
                Access::None => return Err(PageError::Forbidden),
            };
            Ok(ContactScope { queue: queue.clone(), channel: *channel, ..base })
        }
    }
}

/// Parses an optional channel from a query or path.
pub fn parse_channel(text: Option<&str>) -> Result<Option<Channel>, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Channel::parse("channel", t).map(Some).map_err(|e| PageError::BadRequest(e.to_string())),
        None => Ok(None),
    }
}
