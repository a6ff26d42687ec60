//! Calibration sessions: several evaluators score the same contacts blind;
//! once revealed, the group agrees a calibrated score per contact and the
//! report (Krippendorff's alpha, severity and leniency, criteria to rewrite)
//! comes from `core::quality::calibrate`.

use crewdeck_core::quality::{CalibrationRating, CalibrationReport, Rating, TENTATIVE_ALPHA, calibrate};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use super::evaluations::{self, EvaluationInput, EvaluationSummary, RatingInput, ratings_of, score_ratings};
use super::scorecards::{self, PUBLISHED};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A session.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// Identifier.
    pub id: i64,
    /// The scorecard version scored.
    pub scorecard_id: i64,
    /// Title.
    pub title: String,
    /// Who set it up.
    pub created_by: String,
    /// When, Unix seconds.
    pub created_at: i64,
    /// When the scores were revealed, Unix seconds; until then each evaluator sees only their own.
    pub revealed_at: Option<i64>,
    /// The contacts, with their agreed score once settled.
    pub contacts: Vec<(String, Option<f64>)>,
}

impl Session {
    /// Whether scores are visible to everyone in the session.
    pub fn revealed(&self) -> bool {
        self.revealed_at.is_some()
    }
}

/// Sets up a session on a published scorecard over existing contacts.
pub async fn create(
    db: &Db,
    actor: &Actor,
    scorecard_id: i64,
    title: &str,
    interaction_ids: &[String],
    now: Timestamp,
) -> StoreResult<i64> {
    let title = crewdeck_core::people::required_text("title", title, 200)?;
    if scorecards::get(db, scorecard_id).await?.status != PUBLISHED {
        return Err(StoreError::field("scorecard_id", "Choose a published scorecard."));
    }
    let mut ids: Vec<&str> = interaction_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(StoreError::field("interaction_ids", "List at least one contact id to calibrate on."));
    }
    let mut tx = db.begin().await?;
    for id in &ids {
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM interactions WHERE id = $1").bind(*id).fetch_optional(&mut *tx).await?;
        if found.is_none() {
            return Err(StoreError::field("interaction_ids", format!("There is no contact {id:?}; check the id.")));
        }
    }
    let session_id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_calibration_sessions (scorecard_id, title, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(scorecard_id)
    .bind(&title)
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    for id in &ids {
        sqlx::query("INSERT INTO qa_calibration_contacts (session_id, interaction_id) VALUES ($1, $2)")
            .bind(session_id)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "calibration.create",
        &format!("calibration:{session_id}"),
        &format!("{} contacts", ids.len()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(session_id)
}

/// Every session, newest first.
pub async fn list(db: &Db) -> StoreResult<Vec<Session>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM qa_calibration_sessions ORDER BY id DESC").fetch_all(db.pool()).await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(get(db, id).await?);
    }
    Ok(out)
}

/// One session.
pub async fn get(db: &Db, id: i64) -> StoreResult<Session> {
    let row = sqlx::query(
        "SELECT id, scorecard_id, title, created_by, created_at, revealed_at FROM qa_calibration_sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("Calibration session {id}")))?;
    let contacts = sqlx::query(
        "SELECT interaction_id, agreed_score FROM qa_calibration_contacts WHERE session_id = $1 ORDER BY interaction_id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("interaction_id")?, r.try_get("agreed_score")?)))
    .collect::<StoreResult<Vec<_>>>()?;
    Ok(Session {
        id: row.try_get("id")?,
        scorecard_id: row.try_get("scorecard_id")?,
        title: row.try_get("title")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        revealed_at: row.try_get("revealed_at")?,
        contacts,
    })
}

/// The evaluations made in a session. Before the reveal only `viewer`'s own
/// are returned, so nobody is swayed by another's score.
pub async fn scores(db: &Db, session: &Session, viewer: Option<i64>) -> StoreResult<Vec<EvaluationSummary>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM qa_evaluations WHERE calibration_session_id = $1 ORDER BY interaction_id, evaluator",
    )
    .bind(session.id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for id in ids {
        let e = evaluations::header(db, id).await?;
        if session.revealed() || (viewer.is_some() && e.evaluator_person_id == viewer) {
            out.push(e);
        }
    }
    Ok(out)
}

/// An evaluator's blind score of one session contact.
pub async fn submit(
    db: &Db,
    actor: &Actor,
    session_id: i64,
    evaluator_person_id: Option<i64>,
    interaction_id: &str,
    ratings: Vec<RatingInput>,
    now: Timestamp,
) -> StoreResult<i64> {
    let session = get(db, session_id).await?;
    if session.revealed() {
        return Err(StoreError::Conflict("The scores of this session are revealed; scoring is closed.".into()));
    }
    if !session.contacts.iter().any(|(c, _)| c == interaction_id) {
        return Err(StoreError::field("interaction_id", "Choose a contact of this session."));
    }
    let done: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM qa_evaluations WHERE calibration_session_id = $1 AND interaction_id = $2 AND evaluator_person_id = $3",
    )
    .bind(session_id)
    .bind(interaction_id)
    .bind(evaluator_person_id)
    .fetch_one(db.pool())
    .await?;
    if done > 0 {
        return Err(StoreError::Conflict(format!("You have already scored {interaction_id} in this session.")));
    }
    let input = EvaluationInput {
        scorecard_id: session.scorecard_id,
        contact: evaluations::ContactRef::Interaction(interaction_id.to_string()),
        ratings,
        summary: None,
        coaching: Vec::new(),
        spot_check_id: None,
        calibration_session_id: Some(session_id),
    };
    evaluations::create(db, actor, evaluator_person_id, &input, now).await
}

/// Reveals every score of the session.
pub async fn reveal(db: &Db, actor: &Actor, session_id: i64, now: Timestamp) -> StoreResult<()> {
    get(db, session_id).await?;
    let mut tx = db.begin().await?;
    let changed =
        sqlx::query("UPDATE qa_calibration_sessions SET revealed_at = $1 WHERE id = $2 AND revealed_at IS NULL")
            .bind(now.as_second())
            .bind(session_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict("The scores are already revealed.".into()));
    }
    audit::record(&mut tx, actor, "calibration.reveal", &format!("calibration:{session_id}"), "scores revealed", now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the calibrated score the group agreed for one contact.
pub async fn agree(
    db: &Db,
    actor: &Actor,
    session_id: i64,
    interaction_id: &str,
    score: f64,
    now: Timestamp,
) -> StoreResult<()> {
    let session = get(db, session_id).await?;
    if !session.revealed() {
        return Err(StoreError::Conflict("Reveal the scores before agreeing a calibrated score.".into()));
    }
    if !(0.0..=100.0).contains(&score) {
        return Err(StoreError::field("agreed_score", format!("Enter a score from 0 to 100 (you entered {score}).")));
    }
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE qa_calibration_contacts SET agreed_score = $1 WHERE session_id = $2 AND interaction_id = $3",
    )
    .bind(score)
    .bind(session_id)
    .bind(interaction_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(StoreError::field("interaction_id", "Choose a contact of this session."));
    }
    audit::record(
        &mut tx,
        actor,
        "calibration.agree",
        &format!("calibration:{session_id}"),
        &format!("{interaction_id}: calibrated score {score:.1}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The session's agreement report; evaluators are named as recorded.
pub async fn report(db: &Db, session: &Session) -> StoreResult<CalibrationReport> {
    let card = scorecards::get(db, session.scorecard_id).await?;
    let checked = card.checked()?;
    let mut ratings = Vec::new();
    for e in scores(db, session, None).await? {
        let pairs: Vec<(String, Rating)> = ratings_of(db, e.id).await?.into_iter().map(|(c, r, _)| (c, r)).collect();
        ratings.push(CalibrationRating {
            contact_id: e.interaction_id.clone().unwrap_or_default(),
            evaluator: e.evaluator.clone(),
            evaluation: score_ratings(&card, &pairs)?,
        });
    }
    let agreed: Vec<(String, f64)> = session.contacts.iter().filter_map(|(c, s)| s.map(|s| (c.clone(), s))).collect();
    Ok(calibrate(&checked, &ratings, &agreed, TENTATIVE_ALPHA)?)
}
