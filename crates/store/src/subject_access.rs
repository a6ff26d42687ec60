//! Subject access: everything crewdeck holds about one person, in one
//! machine-readable document (UK GDPR Art. 15).

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::accounts::{self, TokenInfo, User};
use crate::audit::{self, Actor, AuditEvent};
use crate::db::Db;
use crate::error::StoreResult;
use crate::people::{self, Absence, Membership, Person};
use crate::skills::{self, Capacity, LearningGoal, PersonSkill};

/// The personal data held about one person.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectAccessExport {
    /// When the export was made (RFC 3339, UTC).
    pub generated_at: String,
    /// Why the data is held and who sees it, in plain words.
    pub purposes: Vec<String>,
    /// Directory details.
    pub person: Person,
    /// Team membership history.
    pub memberships: Vec<Membership>,
    /// Assessed skills with assessor and evidence.
    pub skills: Vec<PersonSkill>,
    /// Learning goals.
    pub learning_goals: Vec<LearningGoal>,
    /// Capacity by channel.
    pub capacities: Vec<Capacity>,
    /// Absences, with notes.
    pub absences: Vec<Absence>,
    /// The login account, if any (never its password hash).
    pub account: Option<User>,
    /// API tokens (names and dates, never the secrets).
    pub api_tokens: Vec<TokenInfo>,
    /// Every audit event about this person or their account.
    pub audit_events: Vec<AuditEvent>,
}

const PURPOSES: &[&str] = &[
    "Directory details, team membership and working pattern: to organise work and contact you (contract).",
    "Skill levels, learning goals and capacity: to allocate work fairly and plan your development (legitimate interests).",
    "Absences: to plan cover; notes are seen only by HR, managers and you (legal obligation and employment).",
    "Account and audit trail: to secure the system and show who changed what (legitimate interests).",
];

/// Gathers the export and records that it was made.
pub async fn export(db: &Db, actor: &Actor, person_id: i64, now: Timestamp) -> StoreResult<SubjectAccessExport> {
    let person = people::get(db, person_id).await?;
    let user_id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(db.pool())
        .await?;
    let account = match user_id {
        Some(id) => Some(accounts::get(db, id).await?),
        None => None,
    };
    let api_tokens = match user_id {
        Some(id) => accounts::tokens_of(db, id).await?,
        None => Vec::new(),
    };
    let mut audit_events = all_events(db, &format!("person:{person_id}")).await?;
    if let Some(id) = user_id {
        audit_events.extend(all_events(db, &format!("user:{id}")).await?);
    }
    audit_events.sort_by_key(|e| e.seq);
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        actor,
        "person.export",
        &format!("person:{person_id}"),
        "subject access export downloaded",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SubjectAccessExport {
        generated_at: Timestamp::from_second(now.as_second()).unwrap_or(now).to_string(),
        purposes: PURPOSES.iter().map(|p| (*p).to_string()).collect(),
        memberships: people::memberships(db, person_id).await?,
        skills: skills::of_person(db, person_id).await?,
        learning_goals: skills::goals_of(db, person_id).await?,
        capacities: skills::capacities_of(db, person_id).await?,
        absences: people::absences(db, person_id).await?,
        account,
        api_tokens,
        audit_events,
        person,
    })
}

async fn all_events(db: &Db, subject: &str) -> StoreResult<Vec<AuditEvent>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, summary FROM audit_events WHERE subject = $1 ORDER BY seq",
    )
    .bind(subject)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEvent {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                summary: r.try_get("summary")?,
            })
        })
        .collect()
}
