//! The permission policy: a pure function of (actor, action, subject).
//!
//! Handlers never reason about roles. A route names its [`Action`]; the web layer
//! asks [`role_access`] before running the handler, and the handler asks
//! [`allows`] once it knows which record the request is about. Both functions
//! match every action and role exhaustively, so adding an action without a
//! decision for each role does not compile.
//!
//! Least privilege follows the data-protection brief: an administrator manages
//! accounts and settings but does not read performance content; HR sees people
//! and absences for case work but does not edit skills; a team leader's reach is
//! the teams they lead.

use crate::people::Role;

/// Something a person can ask the system to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the home page for one's role.
    ViewHome,
    /// Manage one's own account: password, API tokens.
    ManageOwnAccount,
    /// List people.
    ListPeople,
    /// See one person's profile (directory details, skills, goals, capacity).
    ViewPerson,
    /// Add a person to the organisation.
    CreatePerson,
    /// Edit a person's directory details and communication preferences.
    EditPerson,
    /// Record a person's skill levels, learning goals and channel capacity.
    EditPersonSkills,
    /// Record and see absence details (including sickness notes).
    ManageAbsence,
    /// List teams.
    ListTeams,
    /// See a team with its members and membership history.
    ViewTeam,
    /// Create or edit teams and move people between them.
    ManageTeams,
    /// See the skills catalogue and its level descriptors.
    ViewSkills,
    /// Create or edit skills in the catalogue.
    ManageSkills,
    /// See the people-by-skills matrix.
    ViewSkillsMatrix,
    /// Create, edit and deactivate user accounts.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// Change organisation settings (name, time zone).
    ManageSettings,
    /// Export everything held about a person (subject access requests).
    ExportPersonalData,
    /// See a person's skill levels, learning goals and capacity.
    ViewPersonSkills,
    // area: kpi
    // area: imports
    /// Import interactions, surveys and platform exports; see the import
    /// history and download rejected rows.
    ImportData,
    // area: quality
    // area: allocation
    /// See work items: one's own (agents), the team's queue (leaders).
    ViewWork,
    /// Create work items, follow them up, and move or override assignments.
    ManageWork,
    /// Run, adjust and confirm batch allocations; ask "why not".
    AllocateWork,
    /// Ask for the next item (pull mode).
    PullWork,
    // area: staffing
    /// See staffing plans: forecasts, requirements, what-ifs and the printable plan.
    ViewStaffing,
    /// Change a queue's staffing settings (targets, model, shrinkage, team).
    ManageStaffing,
}

impl Action {
    /// Every action, for tests that must cover them all.
    pub const ALL: &[Action] = &[
        Action::ViewHome,
        Action::ManageOwnAccount,
        Action::ListPeople,
        Action::ViewPerson,
        Action::CreatePerson,
        Action::EditPerson,
        Action::EditPersonSkills,
        Action::ManageAbsence,
        Action::ListTeams,
        Action::ViewTeam,
        Action::ManageTeams,
        Action::ViewSkills,
        Action::ManageSkills,
        Action::ViewSkillsMatrix,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ManageSettings,
        Action::ExportPersonalData,
        Action::ViewPersonSkills,
        // area: kpi
        // area: imports
        Action::ImportData,
        // area: quality
        // area: allocation
        Action::ViewWork,
        Action::ManageWork,
        Action::AllocateWork,
        Action::PullWork,
        // area: staffing
        Action::ViewStaffing,
        Action::ManageStaffing,
    ];
}

/// How far a role's permission for an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Not at all.
    None,
    /// Only records about the actor themself.
    Own,
    /// Records about the teams the actor leads (and the actor themself).
    Team,
    /// Every record.
    All,
}

/// The person asking, as the policy needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Their account's role.
    pub role: Role,
    /// The person record linked to the account, if any.
    pub person_id: Option<i64>,
    /// The teams they lead today.
    pub led_team_ids: Vec<i64>,
}

/// What a request is about, once the handler has loaded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// Nothing in particular (a list, a catalogue, a settings page).
    Any,
    /// A person, with the teams they belong to today.
    Person {
        /// The person's id.
        id: i64,
        /// Their current teams.
        team_ids: Vec<i64>,
    },
    /// A team.
    Team {
        /// The team's id.
        id: i64,
    },
}

/// How far `role` may perform `action`.
pub fn role_access(role: Role, action: Action) -> Access {
    use Access::{All, None, Own, Team};
    use Action as A;
    match (action, role) {
        (A::ViewHome | A::ManageOwnAccount | A::ViewSkills, _) => All,

        (A::ListPeople, Role::Agent) => None,
        (A::ListPeople, Role::TeamLeader) => Team,
        (A::ListPeople, Role::OpsManager | Role::Hr | Role::Admin) => All,

        (A::ViewPerson, Role::Agent) => Own,
        (A::ViewPerson, Role::TeamLeader) => Team,
        (A::ViewPerson, Role::OpsManager | Role::Hr | Role::Admin) => All,

        (A::CreatePerson, Role::Agent | Role::TeamLeader) => None,
        (A::CreatePerson, Role::OpsManager | Role::Hr | Role::Admin) => All,

        (A::EditPerson, Role::Agent) => None,
        (A::EditPerson, Role::TeamLeader) => Team,
        (A::EditPerson, Role::OpsManager | Role::Hr | Role::Admin) => All,

        (A::EditPersonSkills, Role::Agent | Role::Hr | Role::Admin) => None,
        (A::EditPersonSkills, Role::TeamLeader) => Team,
        (A::EditPersonSkills, Role::OpsManager) => All,

        (A::ManageAbsence, Role::Agent | Role::Admin) => None,
        (A::ManageAbsence, Role::TeamLeader) => Team,
        (A::ManageAbsence, Role::OpsManager | Role::Hr) => All,

        (A::ListTeams | A::ViewTeam, Role::Agent) => Own,
        (A::ListTeams | A::ViewTeam, Role::TeamLeader) => Team,
        (A::ListTeams | A::ViewTeam, Role::OpsManager | Role::Hr | Role::Admin) => All,

        (A::ManageTeams, Role::Agent | Role::TeamLeader | Role::Hr) => None,
        (A::ManageTeams, Role::OpsManager | Role::Admin) => All,

        (A::ManageSkills, Role::Agent | Role::TeamLeader | Role::Hr) => None,
        (A::ManageSkills, Role::OpsManager | Role::Admin) => All,

        (A::ViewSkillsMatrix, Role::Agent | Role::Hr | Role::Admin) => None,
        (A::ViewSkillsMatrix, Role::TeamLeader) => Team,
        (A::ViewSkillsMatrix, Role::OpsManager) => All,

        (A::ManageUsers | A::ViewAudit | A::ManageSettings, Role::Admin) => All,

        (A::ExportPersonalData, Role::Hr | Role::Admin) => All,

        (A::ViewPersonSkills, Role::Agent) => Own,
        (A::ViewPersonSkills, Role::TeamLeader) => Team,
        (A::ViewPersonSkills, Role::OpsManager | Role::Hr) => All,
        (A::ViewPersonSkills, Role::Admin) => None,
        (A::ExportPersonalData, Role::Agent | Role::TeamLeader | Role::OpsManager) => None,
        (
            A::ManageUsers | A::ViewAudit | A::ManageSettings,
            Role::Agent | Role::TeamLeader | Role::OpsManager | Role::Hr,
        ) => None,
        // area: kpi
        // area: imports
        // Imports write organisation-wide contact data: the people who run
        // the numbers. Administrators manage accounts, not performance data,
        // and rejected rows can hold customer details.
        (A::ImportData, Role::TeamLeader | Role::OpsManager) => All,
        (A::ImportData, Role::Agent | Role::Hr | Role::Admin) => None,
        // area: quality
        // area: allocation
        (A::ViewWork, Role::Agent) => Own,
        (A::ViewWork, Role::TeamLeader) => Team,
        (A::ViewWork, Role::OpsManager) => All,
        (A::ViewWork, Role::Hr | Role::Admin) => None,
        (A::ManageWork | A::AllocateWork, Role::TeamLeader) => Team,
        (A::ManageWork | A::AllocateWork, Role::OpsManager) => All,
        (A::ManageWork | A::AllocateWork, Role::Agent | Role::Hr | Role::Admin) => None,
        (A::PullWork, Role::Agent) => Own,
        (A::PullWork, Role::TeamLeader | Role::OpsManager | Role::Hr | Role::Admin) => None,
        // area: staffing
        (A::ViewStaffing | A::ManageStaffing, Role::Agent | Role::Hr | Role::Admin) => None,
        (A::ViewStaffing | A::ManageStaffing, Role::TeamLeader) => Team,
        (A::ViewStaffing | A::ManageStaffing, Role::OpsManager) => All,
    }
}

/// Whether `actor` may perform `action` on `subject`.
pub fn allows(actor: &Actor, action: Action, subject: &Subject) -> bool {
    match role_access(actor.role, action) {
        Access::None => false,
        Access::All => true,
        Access::Own => match subject {
            Subject::Any => true,
            Subject::Person { id, .. } => actor.person_id == Some(*id),
            Subject::Team { .. } => false,
        },
        Access::Team => match subject {
            Subject::Any => true,
            Subject::Person { id, team_ids } => {
                actor.person_id == Some(*id) || team_ids.iter().any(|t| actor.led_team_ids.contains(t))
            }
            Subject::Team { id } => actor.led_team_ids.contains(id),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, person_id: i64, teams: &[i64]) -> Actor {
        Actor { role, person_id: Some(person_id), led_team_ids: teams.to_vec() }
    }

    #[test]
    fn agents_see_only_themselves() {
        let agent = actor(Role::Agent, 7, &[]);
        assert!(allows(&agent, Action::ViewPerson, &Subject::Person { id: 7, team_ids: vec![1] }));
        assert!(!allows(&agent, Action::ViewPerson, &Subject::Person { id: 8, team_ids: vec![1] }));
        assert!(!allows(&agent, Action::ListPeople, &Subject::Any));
    }

    #[test]
    fn team_leaders_reach_their_teams_only() {
        let leader = actor(Role::TeamLeader, 1, &[10]);
        let mine = Subject::Person { id: 5, team_ids: vec![10] };
        let other = Subject::Person { id: 6, team_ids: vec![11] };
        assert!(allows(&leader, Action::EditPersonSkills, &mine));
        assert!(!allows(&leader, Action::EditPersonSkills, &other));
        assert!(allows(&leader, Action::ViewTeam, &Subject::Team { id: 10 }));
        assert!(!allows(&leader, Action::ViewTeam, &Subject::Team { id: 11 }));
    }

    #[test]
    fn administrators_do_not_read_performance_content() {
        let admin = actor(Role::Admin, 1, &[]);
        assert!(allows(&admin, Action::ManageUsers, &Subject::Any));
        assert!(!allows(&admin, Action::ViewSkillsMatrix, &Subject::Any));
        assert!(!allows(&admin, Action::EditPersonSkills, &Subject::Person { id: 2, team_ids: vec![] }));
    }

    #[test]
    fn only_administrators_read_the_audit_trail() {
        for role in Role::ALL {
            assert_eq!(role_access(role, Action::ViewAudit) == Access::All, role == Role::Admin);
        }
    }
}
