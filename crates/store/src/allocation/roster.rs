//! A team on a day as the engine sees it: each member's skills (from the
//! skills store), learning goals, capacity per channel, live open load (the
//! counters), and whether they can take work (not absent, working that day).

use std::collections::BTreeMap;

use crewdeck_core::allocation::shift;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// One person as an agent of the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterAgent {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// The id the engine and its explanations use: the name, with the person
    /// id added when two members share a name.
    pub label: String,
    /// Level per skill name.
    pub skills: BTreeMap<String, i64>,
    /// Skills they are developing.
    pub learning: Vec<String>,
    /// Items at once per channel.
    pub capacity: BTreeMap<String, i64>,
    /// Items assigned or in progress per channel (the live counters).
    pub open: BTreeMap<String, i64>,
    /// Why they cannot take work that day, if they cannot.
    pub unavailable: Option<String>,
}

impl RosterAgent {
    /// The agent in the shape of contracts.md §2, with the person id beside it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.label,
            "person_id": self.person_id,
            "skills": self.skills,
            "learning": self.learning,
            "capacity": self.capacity.iter().map(|(c, n)| (c.clone(), (*n).max(0))).collect::<BTreeMap<_, _>>(),
            "open": self.open.iter().map(|(c, n)| (c.clone(), (*n).max(0))).collect::<BTreeMap<_, _>>(),
            "available": self.unavailable.is_none(),
            "unavailable": self.unavailable,
        })
    }

    /// Room left on a channel.
    pub fn room(&self, channel: &str) -> i64 {
        self.capacity.get(channel).copied().unwrap_or(0) - self.open.get(channel).copied().unwrap_or(0)
    }
}

/// The members of `team_id` on `day`, by name.
pub async fn team(db: &Db, team_id: i64, day: Date) -> StoreResult<Vec<RosterAgent>> {
    let members = "SELECT m.person_id FROM team_memberships m WHERE m.team_id = $1 AND m.from_date <= $2 \
                   AND (m.to_date IS NULL OR m.to_date >= $2)";
    let people: Vec<(i64, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT p.id, p.name, p.working_pattern FROM people p WHERE p.id IN ({members}) ORDER BY p.name, p.id"
    ))
    .bind(team_id)
    .bind(day.to_string())
    .fetch_all(db.pool())
    .await?;
    build(db, people, &format!("IN ({members})"), Some(team_id), day).await
}

/// One person on `day`.
pub async fn person(db: &Db, person_id: i64, day: Date) -> StoreResult<RosterAgent> {
    let people: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, working_pattern FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_all(db.pool())
            .await?;
    if people.is_empty() {
        return Err(StoreError::NotFound(format!("Person {person_id}")));
    }
    build(db, people, "= $1", None, day).await?.pop().ok_or_else(|| StoreError::NotFound(format!("Person {person_id}")))
}

/// Loads skills, goals, capacity, load and absence for `people`, whose ids are
/// selected by `who` (a condition on a person id column, bound to `$1` and, for
/// a team, `$2`).
async fn build(
    db: &Db,
    people: Vec<(i64, String, Option<String>)>,
    who: &str,
    team_id: Option<i64>,
    day: Date,
) -> StoreResult<Vec<RosterAgent>> {
    let first = team_id.unwrap_or_else(|| people.first().map_or(0, |p| p.0));
    let day_text = day.to_string();
    macro_rules! rows {
        ($sql:expr) => {{
            let sql: String = $sql;
            let q = sqlx::query_as(&sql).bind(first);
            let q = if team_id.is_some() { q.bind(day_text.clone()) } else { q };
            q.fetch_all(db.pool()).await?
        }};
    }
    let skills: Vec<(i64, String, i64)> = rows!(format!(
        "SELECT ps.person_id, s.name, ps.level FROM person_skills ps JOIN skills s ON s.id = ps.skill_id WHERE ps.person_id {who}"
    ));
    let goals: Vec<(i64, String)> = rows!(format!(
        "SELECT g.person_id, s.name FROM learning_goals g JOIN skills s ON s.id = g.skill_id WHERE g.person_id {who} ORDER BY s.name"
    ));
    let capacity: Vec<(i64, String, i64)> =
        rows!(format!("SELECT person_id, channel, capacity FROM capacities WHERE person_id {who}"));
    let load: Vec<(i64, String, i64)> =
        rows!(format!("SELECT person_id, channel, open_items FROM work_load WHERE person_id {who}"));
    let absent: Vec<i64> = sqlx::query_scalar("SELECT person_id FROM absences WHERE from_date <= $1 AND to_date >= $1")
        .bind(&day_text)
        .fetch_all(db.pool())
        .await?;
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, name, _) in &people {
        *names.entry(name.as_str()).or_default() += 1;
    }
    let weekday = day.strftime("%A").to_string();
    let mut agents: Vec<RosterAgent> = people
        .iter()
        .map(|(id, name, pattern)| {
            let unavailable = if absent.contains(id) {
                Some(format!("absent on {day}"))
            } else if !shift::works_on(pattern.as_deref(), day) {
                Some(format!(
                    "not working on {weekday}s (working pattern \u{201c}{}\u{201d})",
                    pattern.as_deref().unwrap_or_default()
                ))
            } else {
                None
            };
            RosterAgent {
                person_id: *id,
                name: name.clone(),
                label: if names.get(name.as_str()).copied().unwrap_or(0) > 1 {
                    format!("{name} #{id}")
                } else {
                    name.clone()
                },
                skills: BTreeMap::new(),
                learning: Vec::new(),
                capacity: BTreeMap::new(),
                open: BTreeMap::new(),
                unavailable,
            }
        })
        .collect();
    let index: BTreeMap<i64, usize> = agents.iter().enumerate().map(|(i, a)| (a.person_id, i)).collect();
    for (person, skill, level) in skills {
        if let Some(&i) = index.get(&person) {
            agents[i].skills.insert(skill, level);
        }
    }
    for (person, skill) in goals {
        if let Some(&i) = index.get(&person) {
            agents[i].learning.push(skill);
        }
    }
    for (person, channel, n) in capacity {
        if let Some(&i) = index.get(&person) {
            agents[i].capacity.insert(channel, n);
        }
    }
    for (person, channel, n) in load {
        if let Some(&i) = index.get(&person) {
            agents[i].open.insert(channel, n);
        }
    }
    Ok(agents)
}
