//! The skills catalogue, each person's assessed levels and learning goals,
//! per-channel capacity, and the people-by-skills matrix.

use std::collections::HashMap;

use crewdeck_core::people::{SkillInput, SkillLevel};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::audit::{self, Actor, diff_summary};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::people::{self, PersonSummary, Scope};

/// A skill in the catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Skill {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// What levels 1 to 5 look like.
    pub levels: Vec<String>,
}

/// A person's assessed level in one skill.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSkill {
    /// The skill.
    pub skill_id: i64,
    /// The skill's name.
    pub skill_name: String,
    /// Level 1 to 5.
    pub level: i64,
    /// Who assessed it (person id).
    pub assessed_by: Option<i64>,
    /// Who assessed it (name).
    pub assessed_by_name: Option<String>,
    /// When, YYYY-MM-DD.
    pub assessed_on: String,
    /// On what evidence.
    pub evidence: Option<String>,
}

/// A skill a person is developing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningGoal {
    /// The skill.
    pub skill_id: i64,
    /// The skill's name.
    pub skill_name: String,
    /// The level they are working towards.
    pub target_level: i64,
    /// When the goal was set.
    pub set_on: String,
}

/// How many items of a channel a person can hold at once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Capacity {
    /// Channel name.
    pub channel: String,
    /// Items at once.
    pub capacity: i64,
}

/// The people-by-skills matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matrix {
    /// The columns.
    pub skills: Vec<Skill>,
    /// One row per person.
    pub rows: Vec<MatrixRow>,
}

/// One person's row in the matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatrixRow {
    /// The person.
    pub person: PersonSummary,
    /// One cell per skill column, in column order.
    pub cells: Vec<MatrixCell>,
}

/// One cell: the level held (if any) and whether it is a learning goal.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct MatrixCell {
    /// Level 1 to 5, or `None` when not held.
    pub level: Option<i64>,
    /// True when the person is developing this skill.
    pub learning: bool,
}

fn skill_from_row(r: &sqlx::any::AnyRow) -> Result<Skill, sqlx::Error> {
    Ok(Skill {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        levels: vec![
            r.try_get("level_1")?,
            r.try_get("level_2")?,
            r.try_get("level_3")?,
            r.try_get("level_4")?,
            r.try_get("level_5")?,
        ],
    })
}

/// The catalogue, sorted by name.
pub async fn list(db: &Db) -> StoreResult<Vec<Skill>> {
    let rows = sqlx::query(
        "SELECT id, name, description, level_1, level_2, level_3, level_4, level_5 FROM skills ORDER BY name",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(skill_from_row).collect::<Result<_, _>>()?)
}

/// One skill.
pub async fn get(db: &Db, id: i64) -> StoreResult<Skill> {
    let row = sqlx::query(
        "SELECT id, name, description, level_1, level_2, level_3, level_4, level_5 FROM skills WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("Skill {id}")))?;
    Ok(skill_from_row(&row)?)
}

/// Adds a skill to the catalogue.
pub async fn create(db: &Db, actor: &Actor, input: &SkillInput, now: Timestamp) -> StoreResult<i64> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM skills WHERE LOWER(name) = LOWER($1)")
        .bind(&input.name)
        .fetch_optional(db.pool())
        .await?;
    if taken.is_some() {
        return Err(StoreError::field("name", "A skill with this name already exists."));
    }
    let mut tx = db.begin().await?;
    let [l1, l2, l3, l4, l5] = &input.levels;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO skills (name, description, level_1, level_2, level_3, level_4, level_5) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&input.name)
    .bind(&input.description)
    .bind(l1)
    .bind(l2)
    .bind(l3)
    .bind(l4)
    .bind(l5)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "skill.create",
        &format!("skill:{id}"),
        &format!("name: \u{201c}{}\u{201d}", input.name),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a skill's name, description or level descriptors.
pub async fn update(db: &Db, actor: &Actor, id: i64, input: &SkillInput, now: Timestamp) -> StoreResult<()> {
    let old = get(db, id).await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM skills WHERE LOWER(name) = LOWER($1) AND id <> $2")
        .bind(&input.name)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    if taken.is_some() {
        return Err(StoreError::field("name", "A skill with this name already exists."));
    }
    let mut tx = db.begin().await?;
    let [l1, l2, l3, l4, l5] = &input.levels;
    sqlx::query("UPDATE skills SET name = $1, description = $2, level_1 = $3, level_2 = $4, level_3 = $5, level_4 = $6, level_5 = $7 WHERE id = $8")
        .bind(&input.name)
        .bind(&input.description)
        .bind(l1)
        .bind(l2)
        .bind(l3)
        .bind(l4)
        .bind(l5)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut changes =
        vec![("name", old.name, input.name.clone()), ("description", old.description, input.description.clone())];
    let labels = ["level 1", "level 2", "level 3", "level 4", "level 5"];
    for (i, label) in labels.iter().enumerate() {
        changes.push((label, old.levels[i].clone(), input.levels[i].clone()));
    }
    audit::record(&mut tx, actor, "skill.update", &format!("skill:{id}"), &diff_summary(&changes), now).await?;
    tx.commit().await?;
    Ok(())
}

/// A person's skills, by skill name.
pub async fn of_person(db: &Db, person_id: i64) -> StoreResult<Vec<PersonSkill>> {
    let rows = sqlx::query(
        "SELECT ps.skill_id, s.name, ps.level, ps.assessed_by, a.name AS assessor, ps.assessed_on, ps.evidence \
         FROM person_skills ps JOIN skills s ON s.id = ps.skill_id LEFT JOIN people a ON a.id = ps.assessed_by \
         WHERE ps.person_id = $1 ORDER BY s.name",
    )
    .bind(person_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PersonSkill {
                skill_id: r.try_get(0)?,
                skill_name: r.try_get(1)?,
                level: r.try_get(2)?,
                assessed_by: r.try_get(3)?,
                assessed_by_name: r.try_get(4)?,
                assessed_on: r.try_get(5)?,
                evidence: r.try_get(6)?,
            })
        })
        .collect()
}

/// Records a person's level in a skill: who assessed it, when and on what evidence.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct fact the audit trail records; a struct would only rename them"
)]
pub async fn set_level(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    skill_id: i64,
    level: SkillLevel,
    assessed_by: Option<i64>,
    evidence: Option<&str>,
    day: Date,
    now: Timestamp,
) -> StoreResult<()> {
    let skill = get(db, skill_id).await?;
    people::get(db, person_id).await?;
    let old: Option<i64> = sqlx::query_scalar("SELECT level FROM person_skills WHERE person_id = $1 AND skill_id = $2")
        .bind(person_id)
        .bind(skill_id)
        .fetch_optional(db.pool())
        .await?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO person_skills (person_id, skill_id, level, assessed_by, assessed_on, evidence) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (person_id, skill_id) DO UPDATE SET level = excluded.level, assessed_by = excluded.assessed_by, \
         assessed_on = excluded.assessed_on, evidence = excluded.evidence",
    )
    .bind(person_id)
    .bind(skill_id)
    .bind(i64::from(level))
    .bind(assessed_by)
    .bind(day.to_string())
    .bind(evidence)
    .execute(&mut *tx)
    .await?;
    let summary = format!(
        "{}: level {} \u{2192} {}{}",
        skill.name,
        old.map_or("none".to_string(), |l| l.to_string()),
        level.get(),
        evidence.map_or(String::new(), |e| format!("; evidence: \u{201c}{e}\u{201d}"))
    );
    audit::record(&mut tx, actor, "person.skill.set", &format!("person:{person_id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a skill from a person's record.
pub async fn remove_level(db: &Db, actor: &Actor, person_id: i64, skill_id: i64, now: Timestamp) -> StoreResult<()> {
    let skill = get(db, skill_id).await?;
    let mut tx = db.begin().await?;
    let done = sqlx::query("DELETE FROM person_skills WHERE person_id = $1 AND skill_id = $2")
        .bind(person_id)
        .bind(skill_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("{} on person {person_id}", skill.name)));
    }
    audit::record(
        &mut tx,
        actor,
        "person.skill.remove",
        &format!("person:{person_id}"),
        &format!("{} removed", skill.name),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's learning goals.
pub async fn goals_of(db: &Db, person_id: i64) -> StoreResult<Vec<LearningGoal>> {
    let rows = sqlx::query(
        "SELECT g.skill_id, s.name, g.target_level, g.set_on FROM learning_goals g JOIN skills s ON s.id = g.skill_id WHERE g.person_id = $1 ORDER BY s.name",
    )
    .bind(person_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LearningGoal {
                skill_id: r.try_get(0)?,
                skill_name: r.try_get(1)?,
                target_level: r.try_get(2)?,
                set_on: r.try_get(3)?,
            })
        })
        .collect()
}

/// Sets (or changes) a learning goal.
pub async fn set_goal(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    skill_id: i64,
    target: SkillLevel,
    day: Date,
    now: Timestamp,
) -> StoreResult<()> {
    let skill = get(db, skill_id).await?;
    people::get(db, person_id).await?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO learning_goals (person_id, skill_id, target_level, set_on) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (person_id, skill_id) DO UPDATE SET target_level = excluded.target_level, set_on = excluded.set_on",
    )
    .bind(person_id)
    .bind(skill_id)
    .bind(i64::from(target))
    .bind(day.to_string())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "person.goal.set",
        &format!("person:{person_id}"),
        &format!("developing {} towards level {}", skill.name, target.get()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a learning goal.
pub async fn remove_goal(db: &Db, actor: &Actor, person_id: i64, skill_id: i64, now: Timestamp) -> StoreResult<()> {
    let skill = get(db, skill_id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM learning_goals WHERE person_id = $1 AND skill_id = $2")
        .bind(person_id)
        .bind(skill_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "person.goal.remove",
        &format!("person:{person_id}"),
        &format!("no longer developing {}", skill.name),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's capacity per channel.
pub async fn capacities_of(db: &Db, person_id: i64) -> StoreResult<Vec<Capacity>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT channel, capacity FROM capacities WHERE person_id = $1 ORDER BY channel")
            .bind(person_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(channel, capacity)| Capacity { channel, capacity }).collect())
}

/// Sets a person's capacity on one channel.
pub async fn set_capacity(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    channel: &str,
    capacity: i64,
    now: Timestamp,
) -> StoreResult<()> {
    people::get(db, person_id).await?;
    let old: Option<i64> = sqlx::query_scalar("SELECT capacity FROM capacities WHERE person_id = $1 AND channel = $2")
        .bind(person_id)
        .bind(channel)
        .fetch_optional(db.pool())
        .await?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO capacities (person_id, channel, capacity) VALUES ($1, $2, $3) ON CONFLICT (person_id, channel) DO UPDATE SET capacity = excluded.capacity",
    )
    .bind(person_id)
    .bind(channel)
    .bind(capacity)
    .execute(&mut *tx)
    .await?;
    let summary =
        format!("{channel} capacity: {} \u{2192} {capacity}", old.map_or("none".to_string(), |c| c.to_string()));
    audit::record(&mut tx, actor, "person.capacity.set", &format!("person:{person_id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The matrix for the people in scope (optionally one team), on `day`.
pub async fn matrix(db: &Db, scope: &Scope, team_filter: Option<i64>, day: Date) -> StoreResult<Matrix> {
    let version = db.data_version().await?;
    let full = db.cache().get_or_load("skills.matrix", version, day.to_string(), || full_matrix(db, day)).await?;
    let in_reach = people::list(db, scope, team_filter, day).await?;
    let wanted: std::collections::HashSet<i64> = in_reach.iter().map(|p| p.id).collect();
    let rows = full.rows.iter().filter(|r| wanted.contains(&r.person.id)).cloned().collect();
    Ok(Matrix { skills: full.skills.clone(), rows })
}

/// Everyone's row, built once per data version.
async fn full_matrix(db: &Db, day: Date) -> StoreResult<Matrix> {
    let skills = list(db).await?;
    let people = people::directory(db, day).await?;
    let column: HashMap<i64, usize> = skills.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut rows: Vec<MatrixRow> = people
        .iter()
        .map(|person| MatrixRow {
            person: person.clone(),
            cells: vec![MatrixCell { level: None, learning: false }; skills.len()],
        })
        .collect();
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.person.id, i)).collect();
    let levels: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT person_id, skill_id, level FROM person_skills").fetch_all(db.pool()).await?;
    for (person_id, skill_id, level) in levels {
        if let (Some(&r), Some(&c)) = (index.get(&person_id), column.get(&skill_id)) {
            rows[r].cells[c].level = Some(level);
        }
    }
    let goals: Vec<(i64, i64)> =
        sqlx::query_as("SELECT person_id, skill_id FROM learning_goals").fetch_all(db.pool()).await?;
    for (person_id, skill_id) in goals {
        if let (Some(&r), Some(&c)) = (index.get(&person_id), column.get(&skill_id)) {
            rows[r].cells[c].learning = true;
        }
    }
    Ok(Matrix { skills, rows })
}
