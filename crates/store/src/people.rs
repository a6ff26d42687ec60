//! People: directory details, team membership with history, and absences.

use crewdeck_core::people::{AbsenceKind, PersonInput};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use crate::audit::{self, Actor, diff_summary};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};

/// A person in the organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    /// Identifier.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Job title.
    pub job_role: String,
    /// First day, YYYY-MM-DD.
    pub start_date: String,
    /// Contracted hours per week.
    pub contracted_hours: f64,
    /// Working pattern in words.
    pub working_pattern: Option<String>,
    /// Preferred communication channel.
    pub comm_channel: String,
    /// Preferred communication style.
    pub comm_style: String,
}

/// A line in a list of people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSummary {
    /// Identifier.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Job title.
    pub job_role: String,
    /// Current team, if any.
    pub team_id: Option<i64>,
    /// Current team's name, if any.
    pub team_name: Option<String>,
}

/// Whose records a caller may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everyone.
    All,
    /// Members of these teams, and the caller themself.
    Teams {
        /// Teams in reach.
        team_ids: Vec<i64>,
        /// The caller's own person id.
        own: Option<i64>,
    },
    /// Only this person.
    Only(Option<i64>),
}

/// A period in a team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Membership {
    /// The team.
    pub team_id: i64,
    /// The team's name.
    pub team_name: String,
    /// First day in the team.
    pub from_date: String,
    /// Last day in the team, or `None` while current.
    pub to_date: Option<String>,
}

/// A recorded absence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Absence {
    /// Identifier.
    pub id: i64,
    /// `annual_leave`, `sickness`, `training` or `other`.
    pub kind: String,
    /// First day absent.
    pub from_date: String,
    /// Last day absent.
    pub to_date: String,
    /// A note; only shown to those who manage absence.
    pub note: Option<String>,
}

const PERSON_COLUMNS: &str = "id, name, email, job_role, start_date, contracted_hours, working_pattern, comm_channel, comm_style";

fn person_from_row(row: &AnyRow) -> Result<Person, sqlx::Error> {
    Ok(Person {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        job_role: row.try_get("job_role")?,
        start_date: row.try_get("start_date")?,
        contracted_hours: row.try_get("contracted_hours")?,
        working_pattern: row.try_get("working_pattern")?,
        comm_channel: row.try_get("comm_channel")?,
        comm_style: row.try_get("comm_style")?,
    })
}

/// One person by id.
pub async fn get(db: &Db, id: i64) -> StoreResult<Person> {
    let row = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("Person {id}")))?;
    Ok(person_from_row(&row)?)
}

/// The teams a person belongs to on `day`.
pub async fn team_ids_on(db: &Db, person_id: i64, day: Date) -> StoreResult<Vec<i64>> {
    let day = day.to_string();
    Ok(sqlx::query_scalar(
        "SELECT team_id FROM team_memberships WHERE person_id = $1 AND from_date <= $2 AND (to_date IS NULL OR to_date >= $2) ORDER BY team_id",
    )
    .bind(person_id)
    .bind(&day)
    .fetch_all(db.pool())
    .await?)
}

/// People in scope, with their team on `day`, sorted by name.
pub async fn list(
    db: &Db,
    scope: &Scope,
    team_filter: Option<i64>,
    day: Date,
) -> StoreResult<Vec<PersonSummary>> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.email, p.job_role, m.team_id, t.name AS team_name \
         FROM people p \
         LEFT JOIN team_memberships m ON m.person_id = p.id AND m.from_date <= $1 AND (m.to_date IS NULL OR m.to_date >= $1) \
         LEFT JOIN teams t ON t.id = m.team_id \
         ORDER BY p.name, p.id",
    )
    .bind(day.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut people = Vec::with_capacity(rows.len());
    for row in &rows {
        let summary = PersonSummary {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            job_role: row.try_get("job_role")?,
            team_id: row.try_get("team_id")?,
            team_name: row.try_get("team_name")?,
        };
        let in_scope = match scope {
            Scope::All => true,
            Scope::Teams { team_ids, own } => {
                *own == Some(summary.id) || summary.team_id.is_some_and(|t| team_ids.contains(&t))
            }
            Scope::Only(own) => *own == Some(summary.id),
        };
        let in_filter = team_filter.is_none_or(|t| summary.team_id == Some(t));
        if in_scope && in_filter {
            people.push(summary);
        }
    }
    Ok(people)
}

/// Adds a person, optionally to a team from their start date.
pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &PersonInput,
    team_id: Option<i64>,
    now: Timestamp,
) -> StoreResult<Person> {
    let mut tx = db.begin().await?;
    ensure_email_free(&mut tx, input.email.as_str(), None).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (name, email, job_role, start_date, contracted_hours, working_pattern, comm_channel, comm_style, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.email.as_str())
    .bind(&input.job_role)
    .bind(input.start_date.to_string())
    .bind(input.contracted_hours)
    .bind(input.working_pattern.as_deref())
    .bind(input.comm_channel.as_str())
    .bind(input.comm_style.as_str())
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "person.create",
        &format!("person:{id}"),
        &format!(
            "name: \u{201c}{}\u{201d}; job role: \u{201c}{}\u{201d}",
            input.name, input.job_role
        ),
        now,
    )
    .await?;
    if let Some(team_id) = team_id {
        join_team(&mut tx, actor, id, team_id, input.start_date, now).await?;
    }
    tx.commit().await?;
    get(db, id).await
}

/// Changes a person's directory details.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &PersonInput,
    now: Timestamp,
) -> StoreResult<Person> {
    let old = get(db, id).await?;
    let mut tx = db.begin().await?;
    ensure_email_free(&mut tx, input.email.as_str(), Some(id)).await?;
    sqlx::query(
        "UPDATE people SET name = $1, email = $2, job_role = $3, start_date = $4, contracted_hours = $5, working_pattern = $6, \
         comm_channel = $7, comm_style = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&input.name)
    .bind(input.email.as_str())
    .bind(&input.job_role)
    .bind(input.start_date.to_string())
    .bind(input.contracted_hours)
    .bind(input.working_pattern.as_deref())
    .bind(input.comm_channel.as_str())
    .bind(input.comm_style.as_str())
    .bind(now.as_second())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let summary = diff_summary(&[
        ("name", old.name, input.name.clone()),
        ("email", old.email, input.email.as_str().to_string()),
        ("job role", old.job_role, input.job_role.clone()),
        ("start date", old.start_date, input.start_date.to_string()),
        (
            "contracted hours",
            old.contracted_hours.to_string(),
            input.contracted_hours.to_string(),
        ),
        (
            "working pattern",
            old.working_pattern.unwrap_or_default(),
            input.working_pattern.clone().unwrap_or_default(),
        ),
        (
            "communication channel",
            old.comm_channel,
            input.comm_channel.as_str().to_string(),
        ),
        (
            "communication style",
            old.comm_style,
            input.comm_style.as_str().to_string(),
        ),
    ]);
    audit::record(
        &mut tx,
        actor,
        "person.update",
        &format!("person:{id}"),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

async fn ensure_email_free(tx: &mut Tx, email: &str, except: Option<i64>) -> StoreResult<()> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?;
    match taken {
        Some(other) if Some(other) != except => Err(StoreError::field(
            "email",
            "Someone else already has this email address. Check it, or edit that person instead.",
        )),
        _ => Ok(()),
    }
}

/// Moves a person into `team_id` from `from`, closing their current membership
/// the day before, so the history of who was in which team is kept.
pub async fn join_team(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    team_id: i64,
    from: Date,
    now: Timestamp,
) -> StoreResult<()> {
    let team: Option<String> = sqlx::query_scalar("SELECT name FROM teams WHERE id = $1")
        .bind(team_id)
        .fetch_optional(&mut **tx)
        .await?;
    let team = team.ok_or_else(|| StoreError::field("team_id", "Choose a team from the list."))?;
    let day_before = from
        .yesterday()
        .map_err(|_| StoreError::field("from_date", "Choose a later date."))?
        .to_string();
    let open: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, from_date FROM team_memberships WHERE person_id = $1 AND to_date IS NULL",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    for (membership_id, from_date) in open {
        if from_date > day_before {
            // A membership that would end before it began is replaced, not closed.
            sqlx::query("DELETE FROM team_memberships WHERE id = $1")
                .bind(membership_id)
                .execute(&mut **tx)
                .await?;
        } else {
            sqlx::query("UPDATE team_memberships SET to_date = $1 WHERE id = $2")
                .bind(&day_before)
                .bind(membership_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    sqlx::query("INSERT INTO team_memberships (person_id, team_id, from_date) VALUES ($1, $2, $3)")
        .bind(person_id)
        .bind(team_id)
        .bind(from.to_string())
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        actor,
        "person.join_team",
        &format!("person:{person_id}"),
        &format!("team: \u{201c}{team}\u{201d} from {from}"),
        now,
    )
    .await?;
    Ok(())
}

/// Moves a person into a team (its own transaction).
pub async fn move_to_team(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    team_id: i64,
    from: Date,
    now: Timestamp,
) -> StoreResult<()> {
    get(db, person_id).await?;
    let mut tx = db.begin().await?;
    join_team(&mut tx, actor, person_id, team_id, from, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A person's memberships, newest first.
pub async fn memberships(db: &Db, person_id: i64) -> StoreResult<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT m.team_id, t.name, m.from_date, m.to_date FROM team_memberships m JOIN teams t ON t.id = m.team_id \
         WHERE m.person_id = $1 ORDER BY m.from_date DESC, m.id DESC",
    )
    .bind(person_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Membership {
                team_id: r.try_get(0)?,
                team_name: r.try_get(1)?,
                from_date: r.try_get(2)?,
                to_date: r.try_get(3)?,
            })
        })
        .collect()
}

/// Records an absence.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one field of the absence; a struct would only rename them"
)]
pub async fn add_absence(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    kind: AbsenceKind,
    from: Date,
    to: Date,
    note: Option<&str>,
    now: Timestamp,
) -> StoreResult<i64> {
    if to < from {
        return Err(StoreError::field(
            "to_date",
            "The last day cannot be before the first day.",
        ));
    }
    get(db, person_id).await?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO absences (person_id, kind, from_date, to_date, note) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(person_id)
        .bind(kind.as_str())
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(note)
        .fetch_one(&mut *tx)
        .await?;
    // The note may hold health details, so the audit records only that one was given.
    let summary = format!(
        "{} from {from} to {to}{}",
        kind.label(),
        if note.is_some() { " (with a note)" } else { "" }
    );
    audit::record(
        &mut tx,
        actor,
        "absence.create",
        &format!("person:{person_id}"),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A person's absences, newest first.
pub async fn absences(db: &Db, person_id: i64) -> StoreResult<Vec<Absence>> {
    let rows = sqlx::query("SELECT id, kind, from_date, to_date, note FROM absences WHERE person_id = $1 ORDER BY from_date DESC")
        .bind(person_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Absence {
                id: r.try_get(0)?,
                kind: r.try_get(1)?,
                from_date: r.try_get(2)?,
                to_date: r.try_get(3)?,
                note: r.try_get(4)?,
            })
        })
        .collect()
}

/// People absent on `day`.
pub async fn absent_on(db: &Db, day: Date) -> StoreResult<Vec<i64>> {
    let day = day.to_string();
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT person_id FROM absences WHERE from_date <= $1 AND to_date >= $1",
    )
    .bind(&day)
    .fetch_all(db.pool())
    .await?)
}
