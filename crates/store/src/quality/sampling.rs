//! Sampling plans per team and the spot-check queue they fill: the draw uses
//! `core::quality::draw_sample` with a recorded seed, and the picks are shared
//! among evaluators with `assign_evaluators` (even queues, nobody checks
//! their own contacts).

use std::collections::BTreeSet;

use crewdeck_core::kpi::Channel;
use crewdeck_core::quality::{
    AgentHistory, Contact, Margin, PickReason, Population, Quota, RiskFlag, SamplingPlan, assign_evaluators,
    draw_sample,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use sqlx::Row;

use super::evaluations::AGENT_PERSON;
use super::scorecards::{self, PUBLISHED};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A team's sampling plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Identifier.
    pub id: i64,
    /// The team.
    pub team_id: i64,
    /// The team's name.
    pub team_name: String,
    /// The scorecard version spot checks use.
    pub scorecard_id: i64,
    /// Contacts per agent per week.
    pub per_agent_weekly: i64,
    /// Extra contacts per agent with low CSAT (1 or 2 out of 5).
    pub top_up_low_csat: i64,
    /// Extra contacts per agent about complaints.
    pub top_up_complaint: i64,
    /// Extra contacts per new starter (first 90 days).
    pub top_up_new_starter: i64,
    /// When set, each agent gets enough contacts for their QA mean to be
    /// known within ± this many points, and `per_agent_weekly` is the least.
    pub precision_margin: Option<f64>,
}

/// A plan as entered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanInput {
    /// The team.
    pub team_id: i64,
    /// A published scorecard version.
    pub scorecard_id: i64,
    /// Contacts per agent per week, 1 to 50.
    pub per_agent_weekly: i64,
    /// Low-CSAT top-up, 0 to 20.
    pub top_up_low_csat: i64,
    /// Complaint top-up, 0 to 20.
    pub top_up_complaint: i64,
    /// New-starter top-up, 0 to 20.
    pub top_up_new_starter: i64,
    /// A precision target in QA points (0.5 to 100), or `None` for a quota.
    pub precision_margin: Option<f64>,
}

/// Records a team's sampling plan.
pub async fn create_plan(db: &Db, actor: &Actor, input: PlanInput, now: Timestamp) -> StoreResult<i64> {
    let mut errors = crewdeck_core::fields::FieldErrors::default();
    if !(1..=50).contains(&input.per_agent_weekly) {
        errors.push(crewdeck_core::fields::FieldError::new(
            "per_agent_weekly",
            "Enter 1 to 50 contacts per agent per week.",
        ));
    }
    for (field, value) in [
        ("top_up_low_csat", input.top_up_low_csat),
        ("top_up_complaint", input.top_up_complaint),
        ("top_up_new_starter", input.top_up_new_starter),
    ] {
        if !(0..=20).contains(&value) {
            errors.push(crewdeck_core::fields::FieldError::new(field, "Enter a top-up from 0 to 20."));
        }
    }
    if let Some(points) = input.precision_margin
        && let Err(e) = Margin::parse("precision_margin", points)
    {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if scorecards::get(db, input.scorecard_id).await?.status != PUBLISHED {
        return Err(StoreError::field("scorecard_id", "Choose a published scorecard."));
    }
    let mut tx = db.begin().await?;
    let team: Option<i64> =
        sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind(input.team_id).fetch_optional(&mut *tx).await?;
    if team.is_none() {
        return Err(StoreError::field("team_id", "Choose a team."));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_sampling_plans (team_id, scorecard_id, per_agent_weekly, top_up_low_csat, top_up_complaint, \
         top_up_new_starter, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(input.team_id)
    .bind(input.scorecard_id)
    .bind(input.per_agent_weekly)
    .bind(input.top_up_low_csat)
    .bind(input.top_up_complaint)
    .bind(input.top_up_new_starter)
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    // Set apart, and only when there is one: through sqlx's Any driver a NULL
    // binds as another type on PostgreSQL, and the statement it prepares then
    // refuses a number on the same connection (error 22P03).
    if let Some(points) = input.precision_margin {
        sqlx::query("UPDATE qa_sampling_plans SET precision_margin = $1 WHERE id = $2")
            .bind(points)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "sampling_plan.create",
        &format!("team:{}", input.team_id),
        &match input.precision_margin {
            Some(points) => format!("each agent within ±{points} points, at least {} per week", input.per_agent_weekly),
            None => format!("{} per agent per week", input.per_agent_weekly),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every plan, newest first.
pub async fn plans(db: &Db) -> StoreResult<Vec<Plan>> {
    let rows = sqlx::query(
        "SELECT p.id, p.team_id, t.name AS team_name, p.scorecard_id, p.per_agent_weekly, p.top_up_low_csat, \
         p.top_up_complaint, p.top_up_new_starter, p.precision_margin FROM qa_sampling_plans p JOIN teams t ON t.id = p.team_id \
         ORDER BY p.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Plan {
                id: r.try_get("id")?,
                team_id: r.try_get("team_id")?,
                team_name: r.try_get("team_name")?,
                scorecard_id: r.try_get("scorecard_id")?,
                per_agent_weekly: r.try_get("per_agent_weekly")?,
                top_up_low_csat: r.try_get("top_up_low_csat")?,
                top_up_complaint: r.try_get("top_up_complaint")?,
                top_up_new_starter: r.try_get("top_up_new_starter")?,
                precision_margin: r.try_get("precision_margin")?,
            })
        })
        .collect()
}

/// What a draw produced.
#[derive(Debug, Clone, Serialize)]
pub struct DrawResult {
    /// The draw's id.
    pub draw_id: i64,
    /// The seed used.
    pub seed: u64,
    /// Contacts queued.
    pub queued: usize,
    /// Agents with fewer contacts than their quota, by person id.
    pub short: Vec<String>,
}

fn day_start(day: Date) -> StoreResult<Timestamp> {
    day.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).map_err(|e| StoreError::field("from", e.to_string()))
}

/// Draws the plan's spot checks for the days `from` to `to` (both included,
/// UTC) with `seed`, and queues them among `evaluators` (person ids).
#[allow(clippy::too_many_arguments)]
pub async fn draw(
    db: &Db,
    actor: &Actor,
    plan_id: i64,
    from: Date,
    to: Date,
    seed: u64,
    evaluators: &[i64],
    now: Timestamp,
) -> StoreResult<DrawResult> {
    if to < from {
        return Err(StoreError::field("to", "End the period on or after its first day."));
    }
    let plan = plans(db)
        .await?
        .into_iter()
        .find(|p| p.id == plan_id)
        .ok_or_else(|| StoreError::NotFound(format!("Sampling plan {plan_id}")))?;
    let start = day_start(from)?;
    let end = day_start(to.checked_add(1.day()).map_err(|e| StoreError::field("to", e.to_string()))?)?;
    let days = (to - from).get_days() + 1;
    let weeks = (i64::from(days) + 6) / 7;
    let rows = sqlx::query(&format!(
        "SELECT i.id, i.channel, i.topic, i.arrived_at, {AGENT_PERSON} AS person_id, \
         (SELECT MIN(s.csat) FROM surveys s WHERE s.interaction_id = i.id) AS worst_csat \
         FROM interactions i WHERE i.arrived_at >= $1 AND i.arrived_at < $2 AND i.agent_id IS NOT NULL"
    ))
    .bind(i64::try_from(start.as_nanosecond()).unwrap_or(i64::MAX))
    .bind(i64::try_from(end.as_nanosecond()).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    let members = sqlx::query(
        "SELECT m.person_id, p.start_date FROM team_memberships m JOIN people p ON p.id = m.person_id \
         WHERE m.team_id = $1 AND m.from_date <= $2 AND (m.to_date IS NULL OR m.to_date >= $3)",
    )
    .bind(plan.team_id)
    .bind(to.to_string())
    .bind(from.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut team = std::collections::BTreeMap::new();
    for m in &members {
        let person: i64 = m.try_get("person_id")?;
        let started: String = m.try_get("start_date")?;
        let new_starter = started.parse::<Date>().is_ok_and(|d| (to - d).get_days() < 90);
        team.insert(person, new_starter);
    }
    let mut contacts = Vec::new();
    for r in &rows {
        let Some(person) = r.try_get::<Option<i64>, _>("person_id")? else { continue };
        let Some(&new_starter) = team.get(&person) else { continue };
        let Ok(channel) = Channel::parse("channel", &r.try_get::<String, _>("channel")?) else { continue };
        let arrived: i64 = r.try_get("arrived_at")?;
        let topic: String = r.try_get("topic")?;
        let worst: Option<i64> = r.try_get("worst_csat")?;
        let mut risks = BTreeSet::new();
        if new_starter {
            risks.insert(RiskFlag::NewStarter);
        }
        if worst.is_some_and(|c| c <= 2) {
            risks.insert(RiskFlag::LowCsat);
        }
        if topic.to_ascii_lowercase().contains("complaint") {
            risks.insert(RiskFlag::Complaint);
        }
        contacts.push(Contact {
            id: r.try_get("id")?,
            agent: person.to_string(),
            channel,
            at: Timestamp::from_nanosecond(i128::from(arrived)).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            risks,
        });
    }
    let population = Population::new(contacts)?;
    let least = u32::try_from(plan.per_agent_weekly * weeks).unwrap_or(u32::MAX);
    let quota = match plan.precision_margin {
        None => Quota::PerAgent(least),
        Some(points) => Quota::Precision {
            margin: Margin::parse("precision_margin", points)?,
            minimum: least,
            assumed_sd: ASSUMED_SD,
        },
    };
    let mut core_plan = SamplingPlan::new(start, end, quota)?;
    if plan.precision_margin.is_some() {
        for (person, history) in precision_history(db, &team, start, end).await? {
            core_plan = core_plan.with_history(person.to_string(), history);
        }
    }
    let core_plan = core_plan
        .with_top_up(RiskFlag::LowCsat, u32::try_from(plan.top_up_low_csat).unwrap_or(0))
        .with_top_up(RiskFlag::Complaint, u32::try_from(plan.top_up_complaint).unwrap_or(0))
        .with_top_up(RiskFlag::NewStarter, u32::try_from(plan.top_up_new_starter).unwrap_or(0));
    let sample = draw_sample(&core_plan, &population, seed);
    let names: Vec<String> = evaluators.iter().map(i64::to_string).collect();
    let assigned = assign_evaluators(&sample.picks, &names, seed)?;
    let mut tx = db.begin().await?;
    let draw_id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_draws (plan_id, period_start, period_end, seed, drawn_by, drawn_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(plan_id)
    .bind(start.as_second())
    .bind(end.as_second())
    .bind(seed.to_string())
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    for (a, pick) in assigned.iter().zip(&sample.picks) {
        let reason = match pick.reason {
            PickReason::Quota(channel) => format!("quota: {channel}"),
            PickReason::TopUp(flag) => format!("top-up: {}", risk_label(flag)),
        };
        let agent: i64 = a.agent.parse().map_err(|_| StoreError::Corrupt(a.agent.clone()))?;
        let evaluator: i64 = a.evaluator.parse().map_err(|_| StoreError::Corrupt(a.evaluator.clone()))?;
        sqlx::query(
            "INSERT INTO qa_spot_checks (draw_id, interaction_id, agent_person_id, evaluator_person_id, reason) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(draw_id)
        .bind(&a.contact_id)
        .bind(agent)
        .bind(evaluator)
        .bind(&reason)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "sampling.draw",
        &format!("team:{}", plan.team_id),
        &format!("plan {plan_id}, {from} to {to}, seed {seed}: {} contacts queued", assigned.len()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(DrawResult {
        draw_id,
        seed,
        queued: assigned.len(),
        short: sample.shortfalls.into_iter().map(|s| s.agent).collect(),
    })
}

/// The spread assumed for an agent with fewer than two evaluations in the
/// last 90 days: QA scores on a 0–100 scale commonly vary by about 15 points.
const ASSUMED_SD: f64 = 15.0;

/// Each team member's observed spread (their evaluations over the 90 days
/// before the period ends) and the evaluations they already have in it.
async fn precision_history(
    db: &Db,
    team: &std::collections::BTreeMap<i64, bool>,
    start: Timestamp,
    end: Timestamp,
) -> StoreResult<Vec<(i64, AgentHistory)>> {
    let people: Vec<i64> = team.keys().copied().collect();
    let lookback = end.as_second() - 90 * 24 * 3600;
    let spread = super::numbers::numbers(db, Some(&people), lookback, end.as_second()).await?;
    let within = super::numbers::numbers(db, Some(&people), start.as_second(), end.as_second()).await?;
    Ok(people
        .into_iter()
        .map(|person| {
            let observed_sd = spread.agents.iter().find(|a| a.person_id == person).and_then(|a| a.summary?.sd);
            let evaluated = within
                .agents
                .iter()
                .find(|a| a.person_id == person)
                .and_then(|a| a.summary.map(|s| u32::try_from(s.n).unwrap_or(u32::MAX)))
                .unwrap_or(0);
            (person, AgentHistory { observed_sd, evaluated })
        })
        .collect())
}

fn risk_label(flag: RiskFlag) -> &'static str {
    match flag {
        RiskFlag::NewStarter => "new starter",
        RiskFlag::LowCsat => "low CSAT",
        RiskFlag::Complaint => "complaint",
        RiskFlag::ImprovementPlan => "improvement plan",
    }
}

/// One contact waiting in an evaluator's queue.
#[derive(Debug, Clone, Serialize)]
pub struct SpotCheck {
    /// Identifier.
    pub id: i64,
    /// The contact.
    pub interaction_id: String,
    /// Its channel.
    pub channel: String,
    /// Its queue.
    pub queue: String,
    /// The person who handled it.
    pub agent_person_id: i64,
    /// Their name.
    pub agent_name: String,
    /// Who checks it.
    pub evaluator_person_id: i64,
    /// Why it was drawn.
    pub reason: String,
    /// The scorecard the plan uses.
    pub scorecard_id: i64,
    /// The draw's seed.
    pub seed: String,
}

/// Spot checks still to do; for one evaluator, or for everyone (`None`).
pub async fn queue(db: &Db, evaluator_person_id: Option<i64>) -> StoreResult<Vec<SpotCheck>> {
    let rows = sqlx::query(
        "SELECT c.id, c.interaction_id, i.channel, i.queue, c.agent_person_id, p.name AS agent_name, \
         c.evaluator_person_id, c.reason, pl.scorecard_id, d.seed FROM qa_spot_checks c \
         JOIN interactions i ON i.id = c.interaction_id JOIN people p ON p.id = c.agent_person_id \
         JOIN qa_draws d ON d.id = c.draw_id JOIN qa_sampling_plans pl ON pl.id = d.plan_id \
         WHERE c.evaluation_id IS NULL ORDER BY i.arrived_at, c.id",
    )
    .fetch_all(db.pool())
    .await?;
    let all = rows
        .iter()
        .map(|r| {
            Ok(SpotCheck {
                id: r.try_get("id")?,
                interaction_id: r.try_get("interaction_id")?,
                channel: r.try_get("channel")?,
                queue: r.try_get("queue")?,
                agent_person_id: r.try_get("agent_person_id")?,
                agent_name: r.try_get("agent_name")?,
                evaluator_person_id: r.try_get("evaluator_person_id")?,
                reason: r.try_get("reason")?,
                scorecard_id: r.try_get("scorecard_id")?,
                seed: r.try_get("seed")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(all.into_iter().filter(|c| evaluator_person_id.is_none_or(|e| c.evaluator_person_id == e)).collect())
}

/// One spot check, done or not.
pub async fn spot_check(db: &Db, id: i64) -> StoreResult<SpotCheck> {
    queue(db, None)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("Spot check {id} (it may be done already)")))
}
