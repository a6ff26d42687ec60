//! Contingency plans per team (a named trigger with pre-agreed actions, an
//! owner and the queue it guards) and the reviews held after one was used.
//! Every write is one transaction with its audit event.

use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::staffing::contingency::{Action, Trigger, parse_action, parse_trigger};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use sqlx::Row;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// The trigger kinds, as stored and as a planner reads them.
pub const TRIGGER_KINDS: [(&str, &str); 3] = [
    ("forecast_exceeded", "Contacts above forecast by (%)"),
    ("service_level_below", "Service level below (share) for a run of intervals"),
    ("absence_above", "Absence above (%)"),
];

/// The action kinds, as stored and as a planner reads them.
pub const ACTION_KINDS: [(&str, &str); 4] = [
    ("overtime", "Overtime (agent-hours)"),
    ("skill_widening", "Skill widening (agents from other queues)"),
    ("defer_back_office", "Defer back-office work (agent-hours)"),
    ("offer_callbacks", "Offer callbacks (% of contacts)"),
];

/// The most actions one plan holds.
pub const MAX_ACTIONS: usize = 3;

/// A saved plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Its id.
    pub id: i64,
    /// The team it belongs to.
    pub team_id: i64,
    /// The queue it guards.
    pub queue: String,
    /// Its name, e.g. "Monday surge".
    pub name: String,
    /// Who decides to use it.
    pub owner: String,
    /// What sets it off.
    pub trigger: Trigger,
    /// What is done, in order.
    pub actions: Vec<Action>,
    /// Reviews held after it was used, latest first.
    pub reviews: Vec<Review>,
}

/// A review held after a plan was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The day of the event, YYYY-MM-DD.
    pub held_on: String,
    /// What set the plan off.
    pub trigger_fired: String,
    /// What was done.
    pub actions_taken: String,
    /// How it went.
    pub outcome: String,
    /// What to do differently.
    pub lessons: String,
}

/// A new plan as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    /// The plan's name.
    pub name: String,
    /// The queue it guards.
    pub queue: String,
    /// Who decides to use it.
    pub owner: String,
    /// One of [`TRIGGER_KINDS`].
    pub trigger_kind: String,
    /// The trigger's threshold.
    pub threshold: String,
    /// The run of intervals (service-level trigger only).
    pub intervals: String,
    /// First action kind and amount (required).
    pub action1_kind: String,
    /// First action amount.
    pub action1_amount: String,
    /// Second action kind (optional).
    pub action2_kind: String,
    /// Second action amount.
    pub action2_amount: String,
    /// Third action kind (optional).
    pub action3_kind: String,
    /// Third action amount.
    pub action3_amount: String,
}

/// A plan checked and ready to save.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlan {
    name: String,
    queue: String,
    owner: String,
    trigger_kind: String,
    threshold: String,
    intervals: i64,
    actions: Vec<(String, String)>,
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, advice: &str) -> String {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 200 {
        errors.push(FieldError::new(field, advice));
    }
    value.to_owned()
}

impl PlanForm {
    /// Checks every field, naming each one at fault; `queues` are the team's queues.
    pub fn parse(&self, queues: &[String]) -> Result<NewPlan, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = text(
            &mut errors,
            "name",
            &self.name,
            "Name the plan in up to 200 characters, such as \u{201c}Monday surge\u{201d}.",
        );
        let owner = text(&mut errors, "owner", &self.owner, "Say in up to 200 characters who decides to use the plan.");
        if !queues.iter().any(|q| q == self.queue.trim()) {
            errors.push(FieldError::new("queue", "Choose one of the team's queues."));
        }
        if let Err(more) = parse_trigger(self.trigger_kind.trim(), &self.threshold, &self.intervals) {
            errors.0.extend(more.0);
        }
        let intervals = match self.trigger_kind.trim() {
            "service_level_below" => self.intervals.trim().parse::<i64>().unwrap_or(0),
            _ => 0,
        };
        let typed = [
            ("action1_amount", &self.action1_kind, &self.action1_amount),
            ("action2_amount", &self.action2_kind, &self.action2_amount),
            ("action3_amount", &self.action3_kind, &self.action3_amount),
        ];
        let mut actions = Vec::new();
        for (field, kind, amount) in typed {
            if kind.trim().is_empty() && amount.trim().is_empty() {
                continue;
            }
            match parse_action(field, kind.trim(), amount) {
                Ok(_) => actions.push((kind.trim().to_owned(), amount.trim().trim_end_matches('%').trim().to_owned())),
                Err(e) => errors.push(e),
            }
        }
        if actions.is_empty() && errors.for_field("action1_amount").is_none() {
            errors.push(FieldError::new("action1_amount", "Add at least one action the plan takes."));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewPlan {
            name,
            queue: self.queue.trim().to_owned(),
            owner,
            trigger_kind: self.trigger_kind.trim().to_owned(),
            threshold: self.threshold.trim().trim_end_matches('%').trim().to_owned(),
            intervals,
            actions,
        })
    }
}

/// A review as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    /// The day of the event, YYYY-MM-DD.
    pub held_on: String,
    /// What set the plan off.
    pub trigger_fired: String,
    /// What was done.
    pub actions_taken: String,
    /// How it went.
    pub outcome: String,
    /// What to do differently.
    pub lessons: String,
}

impl ReviewForm {
    /// Checks every field, naming each one at fault.
    pub fn parse(&self) -> Result<Review, FieldErrors> {
        let mut errors = FieldErrors::default();
        let held_on = self.held_on.trim();
        if held_on.parse::<Date>().is_err() {
            errors.push(FieldError::new(
                "held_on",
                format!("Enter the date as YYYY-MM-DD, such as 2026-12-01 (you entered \u{201c}{held_on}\u{201d})."),
            ));
        }
        let long = |errors: &mut FieldErrors, field: &str, value: &str, what: &str| {
            let value = value.trim();
            if value.is_empty() || value.chars().count() > 2000 {
                errors.push(FieldError::new(field, format!("Say in up to 2000 characters {what}.")));
            }
            value.to_owned()
        };
        let review = Review {
            held_on: held_on.to_owned(),
            trigger_fired: long(&mut errors, "trigger_fired", &self.trigger_fired, "what set the plan off"),
            actions_taken: long(&mut errors, "actions_taken", &self.actions_taken, "what was done"),
            outcome: long(&mut errors, "outcome", &self.outcome, "how it went"),
            lessons: long(&mut errors, "lessons", &self.lessons, "what to do differently next time"),
        };
        if errors.is_empty() { Ok(review) } else { Err(errors) }
    }
}

/// The team's plans with their actions and reviews, by name.
pub async fn list(db: &Db, team_id: i64) -> StoreResult<Vec<Plan>> {
    let rows = sqlx::query(
        "SELECT id, queue, name, owner, trigger_kind, threshold, intervals FROM contingency_plans \
         WHERE team_id = $1 ORDER BY name",
    )
    .bind(team_id)
    .fetch_all(db.pool())
    .await?;
    let mut plans = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let kind: String = row.try_get("trigger_kind")?;
        let threshold: String = row.try_get("threshold")?;
        let intervals: i64 = row.try_get("intervals")?;
        let trigger = parse_trigger(&kind, &threshold, &intervals.to_string())
            .map_err(|_| StoreError::Corrupt(format!("contingency plan {id} has an unreadable trigger")))?;
        let actions = sqlx::query("SELECT kind, amount FROM contingency_actions WHERE plan_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|a| {
                let (kind, amount): (String, String) = (a.try_get("kind")?, a.try_get("amount")?);
                parse_action("amount", &kind, &amount)
                    .map_err(|_| StoreError::Corrupt(format!("contingency plan {id} has an unreadable action")))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let reviews = sqlx::query(
            "SELECT held_on, trigger_fired, actions_taken, outcome, lessons FROM contingency_reviews \
             WHERE plan_id = $1 ORDER BY held_on DESC, id DESC",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Review {
                held_on: r.try_get("held_on")?,
                trigger_fired: r.try_get("trigger_fired")?,
                actions_taken: r.try_get("actions_taken")?,
                outcome: r.try_get("outcome")?,
                lessons: r.try_get("lessons")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        plans.push(Plan {
            id,
            team_id,
            queue: row.try_get("queue")?,
            name: row.try_get("name")?,
            owner: row.try_get("owner")?,
            trigger,
            actions,
            reviews,
        });
    }
    Ok(plans)
}

/// Saves a new plan for `team_id`; the name must be free within the team.
pub async fn create(db: &Db, actor: &Actor, team_id: i64, plan: &NewPlan, now: Timestamp) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let taken = sqlx::query("SELECT id FROM contingency_plans WHERE team_id = $1 AND name = $2")
        .bind(team_id)
        .bind(&plan.name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::field(
            "name",
            format!("The team already has a plan called \u{201c}{}\u{201d}; choose another name.", plan.name),
        ));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO contingency_plans (team_id, queue, name, owner, trigger_kind, threshold, intervals, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(team_id)
    .bind(&plan.queue)
    .bind(&plan.name)
    .bind(&plan.owner)
    .bind(&plan.trigger_kind)
    .bind(&plan.threshold)
    .bind(plan.intervals)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    for (position, (kind, amount)) in plan.actions.iter().enumerate() {
        sqlx::query("INSERT INTO contingency_actions (plan_id, position, kind, amount) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(position as i64)
            .bind(kind)
            .bind(amount)
            .execute(&mut *tx)
            .await?;
    }
    let actions = plan.actions.iter().map(|(k, a)| format!("{k} {a}")).collect::<Vec<_>>().join(", ");
    audit::record(
        &mut tx,
        actor,
        "staffing.contingency.create",
        &format!("contingency_plan:{id}"),
        &format!(
            "team {team_id}, queue {}: \u{201c}{}\u{201d}, trigger {} {}, actions {actions}",
            plan.queue, plan.name, plan.trigger_kind, plan.threshold
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a review of plan `plan_id`, which must belong to `team_id`.
pub async fn record_review(
    db: &Db,
    actor: &Actor,
    team_id: i64,
    plan_id: i64,
    review: &Review,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let found = sqlx::query("SELECT id FROM contingency_plans WHERE id = $1 AND team_id = $2")
        .bind(plan_id)
        .bind(team_id)
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("The contingency plan {plan_id}")));
    }
    sqlx::query(
        "INSERT INTO contingency_reviews (plan_id, held_on, trigger_fired, actions_taken, outcome, lessons, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(plan_id)
    .bind(&review.held_on)
    .bind(&review.trigger_fired)
    .bind(&review.actions_taken)
    .bind(&review.outcome)
    .bind(&review.lessons)
    .bind(now.as_second())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "staffing.contingency.review",
        &format!("contingency_plan:{plan_id}"),
        &format!("review of {}", review.held_on),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The share of `team_id`'s members absent on `day`, or `None` for a team
/// with nobody in it (an absence trigger then cannot fire).
pub async fn absence_on(db: &Db, team_id: i64, day: Date) -> StoreResult<Option<f64>> {
    let members = crate::people::list(db, &crate::people::Scope::All, Some(team_id), day).await?;
    if members.is_empty() {
        return Ok(None);
    }
    let absent: std::collections::HashSet<i64> =
        sqlx::query("SELECT person_id FROM absences WHERE from_date <= $1 AND to_date >= $1")
            .bind(day.to_string())
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("person_id"))
            .collect::<Result<_, sqlx::Error>>()?;
    let away = members.iter().filter(|m| absent.contains(&m.id)).count();
    Ok(Some(away as f64 / members.len() as f64))
}
