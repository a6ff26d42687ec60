//! The home page: what needs attention today, for the caller's role.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_store::people::{PersonSummary, Scope};
use crewdeck_store::teams::Team;
use crewdeck_store::{accounts, org, people, teams};

use super::home_attention::{self, Attention};
use super::{Layout, render};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

struct TeamCard {
    team: Team,
    absent: Vec<PersonSummary>,
    attention: Attention,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    organisation: String,
    today: String,
    first_name: String,
    own_person_id: Option<i64>,
    team_cards: Vec<TeamCard>,
    absent_everywhere: Vec<PersonSummary>,
    show_absences: bool,
    user_count: Option<usize>,
    can_audit: bool,
}

/// The scope of people a caller may list.
pub fn people_scope(session: &Session) -> Scope {
    match session.access(Action::ListPeople) {
        Access::All => Scope::All,
        Access::Team => Scope::Teams { team_ids: session.actor.led_team_ids.clone(), own: session.actor.person_id },
        Access::Own | Access::None => Scope::Only(session.actor.person_id),
    }
}

/// `GET /`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    let today = state.today();
    let organisation = org::get(&state.db).await?.map_or_else(|| "Your organisation".to_string(), |o| o.name);
    let absent_ids = people::absent_on(&state.db, today).await?;
    let everyone_in_reach = if session.access(Action::ListPeople) == Access::None {
        Vec::new()
    } else {
        people::list(&state.db, &people_scope(&session), None, today).await?
    };
    let mut team_cards = Vec::new();
    for team in teams::list(&state.db, today).await? {
        if session.access(Action::ViewSkillsMatrix) != Access::None
            && session.may(Action::ViewTeam, &Subject::Team { id: team.id })
        {
            let members: Vec<&PersonSummary> =
                everyone_in_reach.iter().filter(|p| p.team_id == Some(team.id)).collect();
            let absent = members.iter().filter(|p| absent_ids.contains(&p.id)).map(|p| (*p).clone()).collect();
            let member_ids: Vec<i64> = members.iter().map(|p| p.id).collect();
            let attention = home_attention::for_team(&state, &session, team.id, &member_ids).await?;
            team_cards.push(TeamCard { team, absent, attention });
        }
    }
    let show_absences = session.access(Action::ManageAbsence) == Access::All;
    let absent_everywhere = if show_absences {
        everyone_in_reach.iter().filter(|p| absent_ids.contains(&p.id)).cloned().collect()
    } else {
        Vec::new()
    };
    let user_count = if session.access(Action::ManageUsers) == Access::All {
        Some(accounts::list(&state.db).await?.len())
    } else {
        None
    };
    render(&HomePage {
        layout: Layout::new(&session, "Home", "/"),
        organisation,
        today: today.strftime("%A %-d %B %Y").to_string(),
        first_name: session.user.name.split_whitespace().next().unwrap_or("there").to_string(),
        own_person_id: session.user.person_id,
        team_cards,
        absent_everywhere,
        show_absences,
        user_count,
        can_audit: session.access(Action::ViewAudit) == Access::All,
    })
}
