//! Disputes: the evaluated agent challenges one criterion's rating with a
//! reason; a second reviewer, never the original evaluator, upholds it (the
//! rating changes and the score is recomputed) or rejects it. The decision,
//! the rating and the score change in one transaction with their audit event.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crewdeck_core::quality::Rating;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use super::evaluations::{self, ratings_of, score_ratings};
use super::scorecards;
use super::{rating_code, rating_from_code};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// One dispute.
#[derive(Debug, Clone, Serialize)]
pub struct Dispute {
    /// Identifier.
    pub id: i64,
    /// The evaluation.
    pub evaluation_id: i64,
    /// The criterion disputed.
    pub criterion_id: String,
    /// The agent's reason.
    pub reason: String,
    /// When raised, Unix seconds.
    pub raised_at: i64,
    /// `upheld` or `rejected` once decided.
    pub decision: Option<String>,
    /// The rating when the dispute was raised.
    pub old_rating: String,
    /// The rating the reviewer gave, when upheld.
    pub new_rating: Option<String>,
    /// The reviewer's note.
    pub decision_note: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// The criterion's question.
    pub criterion_text: String,
    /// The rating disputed, as people read it (Yes, No, 3, N/A).
    pub old_label: String,
    /// The corrected rating as people read it, when upheld.
    pub new_label: Option<String>,
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// The agent is right: the criterion gets this rating.
    Uphold(Rating),
    /// The rating stands.
    Reject,
}

const COLUMNS: &str = "id, evaluation_id, criterion_id, reason, raised_at, decision, old_rating, new_rating, \
    decision_note, decided_by";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<Dispute> {
    Ok(Dispute {
        id: r.try_get("id")?,
        evaluation_id: r.try_get("evaluation_id")?,
        criterion_id: r.try_get("criterion_id")?,
        reason: r.try_get("reason")?,
        raised_at: r.try_get("raised_at")?,
        decision: r.try_get("decision")?,
        old_rating: r.try_get("old_rating")?,
        new_rating: r.try_get("new_rating")?,
        decision_note: r.try_get("decision_note")?,
        decided_by: r.try_get::<Option<String>, _>("decided_by")?.map(|b| super::display_name(&b)),
        criterion_text: String::new(),
        old_label: String::new(),
        new_label: None,
    })
}

/// Fills in the criterion's question and the ratings as people read them.
async fn describe(db: &Db, dispute: Dispute) -> StoreResult<Dispute> {
    let e = evaluations::header(db, dispute.evaluation_id).await?;
    let card = scorecards::get(db, e.scorecard_id).await?.checked()?;
    Ok(describe_with(&card, dispute))
}

/// [`describe`] with the evaluation's scorecard already read.
fn describe_with(card: &crewdeck_core::quality::Scorecard, mut dispute: Dispute) -> Dispute {
    if let Some(c) = card.criterion(&dispute.criterion_id) {
        let yes_no = c.scale() == crewdeck_core::quality::Scale::YesNo;
        let label =
            |code: &str| rating_from_code(code).map_or_else(|_| code.to_string(), |r| super::rating_label(r, yes_no));
        dispute.criterion_text = c.text().to_string();
        dispute.old_label = label(&dispute.old_rating);
        dispute.new_label = dispute.new_rating.as_deref().map(label);
    }
    dispute
}

/// The disputes of one evaluation, oldest first.
pub async fn of_evaluation(db: &Db, evaluation_id: i64) -> StoreResult<Vec<Dispute>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM qa_disputes WHERE evaluation_id = $1 ORDER BY id"))
        .bind(evaluation_id)
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(describe(db, from_row(row)?).await?);
    }
    Ok(out)
}

/// One dispute.
pub async fn get(db: &Db, id: i64) -> StoreResult<Dispute> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM qa_disputes WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Dispute {id}")))?;
    from_row(&row)
}

/// A dispute with its evaluation's headline, for the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeRow {
    /// The dispute.
    pub dispute: Dispute,
    /// Its evaluation.
    pub evaluation: evaluations::EvaluationSummary,
}

/// Every dispute about the people in `people` (`None`: everyone), open ones first.
pub async fn list(db: &Db, people: Option<&[i64]>) -> StoreResult<Vec<DisputeRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM qa_disputes ORDER BY decided_at IS NOT NULL, raised_at DESC, id DESC"
    ))
    .fetch_all(db.pool())
    .await?;
    let disputes = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    let mut ids: Vec<i64> = disputes.iter().map(|d| d.evaluation_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let headers = evaluations::headers(db, &ids).await?;
    let mut cards = HashMap::new();
    let mut out = Vec::new();
    for dispute in disputes {
        let evaluation = headers
            .get(&dispute.evaluation_id)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("dispute {} of a missing evaluation", dispute.id)))?;
        if people.is_none_or(|ids| ids.contains(&evaluation.agent_person_id)) {
            let card = match cards.entry(evaluation.scorecard_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => slot.insert(scorecards::get(db, evaluation.scorecard_id).await?.checked()?),
            };
            out.push(DisputeRow { dispute: describe_with(card, dispute), evaluation });
        }
    }
    Ok(out)
}

/// The agent disputes one criterion of their evaluation.
pub async fn raise(
    db: &Db,
    actor: &Actor,
    evaluation_id: i64,
    person_id: Option<i64>,
    criterion_id: &str,
    reason: &str,
    now: Timestamp,
) -> StoreResult<i64> {
    let e = evaluations::header(db, evaluation_id).await?;
    if person_id != Some(e.agent_person_id) || e.calibration_session_id.is_some() {
        return Err(StoreError::Forbidden);
    }
    let reason = crewdeck_core::people::required_text("reason", reason, 2000)
        .map_err(|_| StoreError::field("reason", "Say why you think this rating is wrong."))?;
    let stored = ratings_of(db, evaluation_id).await?;
    let Some((_, rating, _)) = stored.iter().find(|(c, _, _)| c == criterion_id) else {
        return Err(StoreError::field("criterion_id", "Choose a criterion of this evaluation."));
    };
    let mut tx = db.begin().await?;
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM qa_disputes WHERE evaluation_id = $1 AND criterion_id = $2 AND decision IS NULL",
    )
    .bind(evaluation_id)
    .bind(criterion_id)
    .fetch_one(&mut *tx)
    .await?;
    if open > 0 {
        return Err(StoreError::Conflict(format!("{criterion_id} is already disputed; wait for the decision.")));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_disputes (evaluation_id, criterion_id, reason, raised_by_person_id, raised_at, old_rating) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(evaluation_id)
    .bind(criterion_id)
    .bind(&reason)
    .bind(e.agent_person_id)
    .bind(now.as_second())
    .bind(rating_code(*rating))
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "dispute.raise",
        &format!("evaluation:{evaluation_id}"),
        &format!("criterion {criterion_id} disputed (dispute {id})"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A second reviewer decides a dispute. Upholding changes the rating and
/// recomputes the evaluation's score; the audit event records both changes.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    dispute_id: i64,
    reviewer_person_id: Option<i64>,
    decision: Decision,
    note: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let dispute = get(db, dispute_id).await?;
    let e = evaluations::header(db, dispute.evaluation_id).await?;
    if reviewer_person_id.is_some() && reviewer_person_id == e.evaluator_person_id {
        return Err(StoreError::Conflict(
            "You made this evaluation, so a second reviewer must decide the dispute.".into(),
        ));
    }
    if reviewer_person_id == Some(e.agent_person_id) {
        return Err(StoreError::Forbidden);
    }
    let note = crewdeck_core::people::optional_text("decision_note", note, 2000)?;
    let card = scorecards::get(db, e.scorecard_id).await?;
    let mut stored: Vec<(String, Rating)> = ratings_of(db, e.id).await?.into_iter().map(|(c, r, _)| (c, r)).collect();
    let (label, new_code, new_score) = match decision {
        Decision::Uphold(rating) => {
            for (c, r) in &mut stored {
                if *c == dispute.criterion_id {
                    *r = rating;
                }
            }
            let scored = score_ratings(&card, &stored).map_err(|err| match err {
                StoreError::Invalid(_) => StoreError::field(
                    "new_rating",
                    format!("Choose a rating that fits {}'s scale.", dispute.criterion_id),
                ),
                other => other,
            })?;
            ("upheld", Some(rating_code(rating)), Some(scored))
        }
        Decision::Reject => ("rejected", None, None),
    };
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE qa_disputes SET decision = $1, new_rating = $2, decision_note = $3, decided_by_person_id = $4, \
         decided_by = $5, decided_at = $6 WHERE id = $7 AND decision IS NULL",
    )
    .bind(label)
    .bind(&new_code)
    .bind(&note)
    .bind(reviewer_person_id)
    .bind(&actor.label)
    .bind(now.as_second())
    .bind(dispute_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict("This dispute has already been decided.".into()));
    }
    let mut summary = format!("criterion {} dispute {label}", dispute.criterion_id);
    if let (Some(code), Some(scored)) = (&new_code, &new_score) {
        sqlx::query("UPDATE qa_ratings SET rating = $1 WHERE evaluation_id = $2 AND criterion_id = $3")
            .bind(code)
            .bind(e.id)
            .bind(&dispute.criterion_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE qa_evaluations SET score = $1, raw_score = $2, critical_failed = $3 WHERE id = $4")
            .bind(scored.score)
            .bind(scored.raw_score)
            .bind(i64::from(scored.critical_failed))
            .bind(e.id)
            .execute(&mut *tx)
            .await?;
        summary = format!(
            "{summary}; rating: {} \u{2192} {code}; score: {:.1} \u{2192} {:.1}",
            dispute.old_rating, e.score, scored.score
        );
    }
    audit::record(&mut tx, actor, &format!("dispute.{label}"), &format!("evaluation:{}", e.id), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Reads a rating entered by a reviewer against the disputed criterion.
pub async fn parse_rating(db: &Db, dispute: &Dispute, text: &str) -> StoreResult<Rating> {
    let e = evaluations::header(db, dispute.evaluation_id).await?;
    let card = scorecards::get(db, e.scorecard_id).await?.checked()?;
    let criterion = card
        .criterion(&dispute.criterion_id)
        .ok_or_else(|| StoreError::Corrupt(format!("criterion {}", dispute.criterion_id)))?;
    Ok(Rating::parse("new_rating", criterion, text)?)
}
