//! Evaluations of interactions and of off-system contacts (mystery shopper
//! visits and calls, observed face-to-face service), with a comment per
//! criterion, coaching actions and the agent's acknowledgement.

use crewdeck_core::quality::{Evaluation, Rating, score};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use super::scorecards::{self, PUBLISHED, ScorecardVersion};
use super::{rating_code, rating_from_code, rating_label};
use crate::audit::{self, Actor};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};

/// What was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// A contact imported from the contact platform.
    Interaction,
    /// A mystery shopper's visit.
    MysteryVisit,
    /// A mystery shopper's call.
    MysteryCall,
    /// Face-to-face service the evaluator watched.
    Observed,
}

impl ContactKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 4] = [Self::Interaction, Self::MysteryVisit, Self::MysteryCall, Self::Observed];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interaction => "interaction",
            Self::MysteryVisit => "mystery_visit",
            Self::MysteryCall => "mystery_call",
            Self::Observed => "observed",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Interaction => "Recorded contact",
            Self::MysteryVisit => "Mystery shopper visit",
            Self::MysteryCall => "Mystery shopper call",
            Self::Observed => "Observed face to face",
        }
    }

    /// Reads a stored or entered name.
    pub fn parse(field: &str, text: &str) -> Result<Self, crewdeck_core::fields::FieldError> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim()).ok_or_else(|| {
            crewdeck_core::fields::FieldError::new(
                field,
                "Choose a recorded contact, a mystery shopper visit or call, or an observation.",
            )
        })
    }
}

/// The contact an evaluation is about.
#[derive(Debug, Clone, PartialEq)]
pub enum ContactRef {
    /// An imported interaction, by id; its agent is the person evaluated.
    Interaction(String),
    /// A contact outside the platform.
    OffSystem {
        /// Which kind (not [`ContactKind::Interaction`]).
        kind: ContactKind,
        /// The person evaluated.
        agent_person_id: i64,
        /// When it happened.
        at: Timestamp,
        /// What happened, briefly (where, which scenario).
        note: String,
    },
}

/// A rating as entered, with the evaluator's comment.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingInput {
    /// The criterion.
    pub criterion_id: String,
    /// The answer.
    pub rating: Rating,
    /// Why, in the evaluator's words.
    pub comment: Option<String>,
}

/// A new evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationInput {
    /// The published scorecard version.
    pub scorecard_id: i64,
    /// The contact.
    pub contact: ContactRef,
    /// One rating per criterion.
    pub ratings: Vec<RatingInput>,
    /// An overall comment.
    pub summary: Option<String>,
    /// Coaching actions to raise.
    pub coaching: Vec<String>,
    /// The spot check this completes, if it came from the queue.
    pub spot_check_id: Option<i64>,
    /// The calibration session this is a blind score for, if any.
    pub calibration_session_id: Option<i64>,
}

/// An imported contact with what the evaluator needs beside the form.
#[derive(Debug, Clone, Serialize)]
pub struct InteractionDetails {
    /// The platform's id.
    pub id: String,
    /// Channel.
    pub channel: String,
    /// Queue.
    pub queue: String,
    /// Topic.
    pub topic: String,
    /// The platform's agent id.
    pub agent_id: Option<String>,
    /// The person who handled it, if known.
    pub agent_person_id: Option<i64>,
    /// Arrival, RFC 3339.
    pub arrived_at: String,
    /// Answer, RFC 3339.
    pub answered_at: Option<String>,
    /// End, RFC 3339.
    pub ended_at: Option<String>,
    /// Seconds of wrap-up.
    pub wrap_seconds: i64,
    /// Outcome.
    pub outcome: String,
    /// Survey responses.
    pub surveys: Vec<SurveyDetails>,
    arrived_ns: i64,
}

/// A survey response to a contact.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyDetails {
    /// CSAT 1–5.
    pub csat: Option<i64>,
    /// NPS 0–10.
    pub nps: Option<i64>,
    /// CES 1–7.
    pub ces: Option<i64>,
    /// The customer's comment.
    pub comment: Option<String>,
}

fn rfc3339(ns: i64) -> String {
    Timestamp::from_nanosecond(i128::from(ns))
        .map_or_else(|_| ns.to_string(), |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
}

/// SQL for the person behind an interaction's agent id: its link, else the
/// person whose email is the agent id.
pub(crate) const AGENT_PERSON: &str = "COALESCE((SELECT a.person_id FROM agent_ids a WHERE a.agent_id = i.agent_id), \
     (SELECT p.id FROM people p WHERE LOWER(p.email) = LOWER(i.agent_id)))";

/// One interaction with its surveys.
pub async fn interaction(db: &Db, id: &str) -> StoreResult<InteractionDetails> {
    let row = sqlx::query(&format!(
        "SELECT i.id, i.channel, i.queue, i.topic, i.agent_id, i.arrived_at, i.answered_at, i.ended_at, \
         i.wrap_seconds, i.outcome, {AGENT_PERSON} AS agent_person_id FROM interactions i WHERE i.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("Contact {id}")))?;
    let surveys =
        sqlx::query("SELECT csat, nps, ces, comment FROM surveys WHERE interaction_id = $1 ORDER BY responded_at")
            .bind(id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(SurveyDetails {
                    csat: r.try_get("csat")?,
                    nps: r.try_get("nps")?,
                    ces: r.try_get("ces")?,
                    comment: r.try_get("comment")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
    let arrived: i64 = row.try_get("arrived_at")?;
    let answered: Option<i64> = row.try_get("answered_at")?;
    let ended: Option<i64> = row.try_get("ended_at")?;
    Ok(InteractionDetails {
        id: row.try_get("id")?,
        channel: row.try_get("channel")?,
        queue: row.try_get("queue")?,
        topic: row.try_get("topic")?,
        agent_id: row.try_get("agent_id")?,
        agent_person_id: row.try_get("agent_person_id")?,
        arrived_at: rfc3339(arrived),
        answered_at: answered.map(rfc3339),
        ended_at: ended.map(rfc3339),
        wrap_seconds: row.try_get("wrap_seconds")?,
        outcome: row.try_get("outcome")?,
        surveys,
        arrived_ns: arrived,
    })
}

/// Scores `ratings` on `card`, naming the criterion of any bad rating.
pub(crate) fn score_ratings(card: &ScorecardVersion, ratings: &[(String, Rating)]) -> StoreResult<Evaluation> {
    let checked = card.checked()?;
    Ok(score(&checked, ratings)?)
}

/// Records an evaluation and returns its id. The scorecard must be published;
/// an interaction's agent is the person evaluated, and nobody evaluates their
/// own contact.
pub async fn create(
    db: &Db,
    actor: &Actor,
    evaluator_person_id: Option<i64>,
    input: &EvaluationInput,
    now: Timestamp,
) -> StoreResult<i64> {
    let card = scorecards::get(db, input.scorecard_id).await?;
    if card.status != PUBLISHED {
        return Err(StoreError::field(
            "scorecard_id",
            "Choose a published scorecard; drafts and old versions are not used for new evaluations.",
        ));
    }
    let pairs: Vec<(String, Rating)> = input.ratings.iter().map(|r| (r.criterion_id.clone(), r.rating)).collect();
    let scored = score_ratings(&card, &pairs)?;
    let (kind, interaction_id, agent, at, note) = match &input.contact {
        ContactRef::Interaction(id) => {
            let details = interaction(db, id).await.map_err(|e| match e {
                StoreError::NotFound(_) => {
                    StoreError::field("interaction_id", format!("There is no contact {id:?}; check the id."))
                }
                other => other,
            })?;
            let agent = details.agent_person_id.ok_or_else(|| {
                StoreError::field(
                    "interaction_id",
                    format!("Contact {id} has no agent linked to a person; link the agent id first."),
                )
            })?;
            let at =
                Timestamp::from_nanosecond(i128::from(details.arrived_ns)).map_or(now.as_second(), |t| t.as_second());
            (ContactKind::Interaction, Some(id.clone()), agent, at, None)
        }
        ContactRef::OffSystem { kind, agent_person_id, at, note } => {
            if *kind == ContactKind::Interaction {
                return Err(StoreError::field("contact_kind", "Give the contact's id for a recorded contact."));
            }
            let note = crewdeck_core::people::required_text("contact_note", note, 1000)?;
            (*kind, None, *agent_person_id, at.as_second(), Some(note))
        }
    };
    if evaluator_person_id == Some(agent) {
        return Err(StoreError::field(
            "interaction_id",
            "You cannot evaluate your own contact; ask another evaluator.",
        ));
    }
    let mut tx = db.begin().await?;
    let known: Option<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE id = $1").bind(agent).fetch_optional(&mut *tx).await?;
    if known.is_none() {
        return Err(StoreError::field("agent_person_id", "Choose the person who was evaluated."));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_evaluations (scorecard_id, agent_person_id, evaluator_person_id, evaluator, contact_kind, \
         interaction_id, contact_note, contact_at, calibration_session_id, score, raw_score, critical_failed, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(card.id)
    .bind(agent)
    .bind(evaluator_person_id)
    .bind(&actor.label)
    .bind(kind.as_str())
    .bind(&interaction_id)
    .bind(&note)
    .bind(at)
    .bind(input.calibration_session_id)
    .bind(scored.score)
    .bind(scored.raw_score)
    .bind(i64::from(scored.critical_failed))
    .bind(&input.summary)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    for r in &input.ratings {
        sqlx::query("INSERT INTO qa_ratings (evaluation_id, criterion_id, rating, comment) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&r.criterion_id)
            .bind(rating_code(r.rating))
            .bind(&r.comment)
            .execute(&mut *tx)
            .await?;
    }
    for action in input.coaching.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        add_coaching_in(&mut tx, actor, id, action, now).await?;
    }
    if let Some(spot) = input.spot_check_id {
        let done = sqlx::query(
            "UPDATE qa_spot_checks SET evaluation_id = $1 WHERE id = $2 AND evaluation_id IS NULL AND interaction_id = $3",
        )
        .bind(id)
        .bind(spot)
        .bind(&interaction_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            return Err(StoreError::Conflict(
                "This spot check was already completed or is for another contact.".into(),
            ));
        }
    }
    audit::record(
        &mut tx,
        actor,
        "evaluation.create",
        &format!("evaluation:{id}"),
        &format!("person:{agent} on {} version {}: score {:.1}", card.form_key, card.version, scored.score),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn add_coaching_in(
    tx: &mut Tx,
    actor: &Actor,
    evaluation_id: i64,
    action: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let action = crewdeck_core::people::required_text("coaching", action, 500)?;
    sqlx::query(
        "INSERT INTO qa_coaching_actions (evaluation_id, action, created_by, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(evaluation_id)
    .bind(&action)
    .bind(&actor.label)
    .bind(now.as_second())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Raises a coaching action from an evaluation.
pub async fn add_coaching(db: &Db, actor: &Actor, evaluation_id: i64, action: &str, now: Timestamp) -> StoreResult<()> {
    header(db, evaluation_id).await?;
    let mut tx = db.begin().await?;
    add_coaching_in(&mut tx, actor, evaluation_id, action, now).await?;
    audit::record(
        &mut tx,
        actor,
        "evaluation.coaching",
        &format!("evaluation:{evaluation_id}"),
        "coaching action raised",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The agent confirms they have read the evaluation.
pub async fn acknowledge(db: &Db, actor: &Actor, id: i64, person_id: Option<i64>, now: Timestamp) -> StoreResult<()> {
    let e = header(db, id).await?;
    if person_id != Some(e.agent_person_id) {
        return Err(StoreError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let changed =
        sqlx::query("UPDATE qa_evaluations SET acknowledged_at = $1 WHERE id = $2 AND acknowledged_at IS NULL")
            .bind(now.as_second())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict("You have already acknowledged this evaluation.".into()));
    }
    audit::record(&mut tx, actor, "evaluation.acknowledge", &format!("evaluation:{id}"), "acknowledged", now).await?;
    tx.commit().await?;
    Ok(())
}

/// An evaluation's headline, as lists show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationSummary {
    /// Identifier.
    pub id: i64,
    /// The scorecard version.
    pub scorecard_id: i64,
    /// The scorecard's name.
    pub scorecard_name: String,
    /// The scorecard's version number.
    pub scorecard_version: i64,
    /// The person evaluated.
    pub agent_person_id: i64,
    /// Their name.
    pub agent_name: String,
    /// The evaluator's person id.
    pub evaluator_person_id: Option<i64>,
    /// The evaluator as recorded.
    pub evaluator: String,
    /// `interaction`, `mystery_visit`, `mystery_call` or `observed`.
    pub contact_kind: String,
    /// The interaction, when recorded.
    pub interaction_id: Option<String>,
    /// What happened, for off-system contacts.
    pub contact_note: Option<String>,
    /// When the contact happened, Unix seconds.
    pub contact_at: i64,
    /// The calibration session, if this was a blind calibration score.
    pub calibration_session_id: Option<i64>,
    /// QA score 0–100.
    pub score: f64,
    /// Score before the critical rule.
    pub raw_score: f64,
    /// A critical criterion failed.
    pub critical_failed: bool,
    /// Overall comment.
    pub summary: Option<String>,
    /// When recorded, Unix seconds.
    pub created_at: i64,
    /// When the agent acknowledged it, Unix seconds.
    pub acknowledged_at: Option<i64>,
    /// Disputes still waiting for a decision.
    pub open_disputes: i64,
}

impl EvaluationSummary {
    /// The contact's date, YYYY-MM-DD (UTC).
    pub fn contact_day(&self) -> String {
        Timestamp::from_second(self.contact_at).map_or_else(|_| String::new(), |t| t.strftime("%Y-%m-%d").to_string())
    }

    /// How the kind of contact reads.
    pub fn kind_label(&self) -> &'static str {
        ContactKind::parse("contact_kind", &self.contact_kind).map_or("Contact", ContactKind::label)
    }
}

const SUMMARY_SQL: &str = "SELECT e.id, e.scorecard_id, s.name AS scorecard_name, s.version AS scorecard_version, \
    e.agent_person_id, p.name AS agent_name, e.evaluator_person_id, COALESCE(ev.name, e.evaluator) AS evaluator, e.contact_kind, e.interaction_id, \
    e.contact_note, e.contact_at, e.calibration_session_id, e.score, e.raw_score, e.critical_failed, e.summary, \
    e.created_at, e.acknowledged_at, \
    (SELECT COUNT(*) FROM qa_disputes d WHERE d.evaluation_id = e.id AND d.decision IS NULL) AS open_disputes \
    FROM qa_evaluations e JOIN qa_scorecards s ON s.id = e.scorecard_id JOIN people p ON p.id = e.agent_person_id \
    LEFT JOIN people ev ON ev.id = e.evaluator_person_id";

pub(crate) fn summary_from_row(r: &sqlx::any::AnyRow) -> StoreResult<EvaluationSummary> {
    let critical: i64 = r.try_get("critical_failed")?;
    Ok(EvaluationSummary {
        id: r.try_get("id")?,
        scorecard_id: r.try_get("scorecard_id")?,
        scorecard_name: r.try_get("scorecard_name")?,
        scorecard_version: r.try_get("scorecard_version")?,
        agent_person_id: r.try_get("agent_person_id")?,
        agent_name: r.try_get("agent_name")?,
        evaluator_person_id: r.try_get("evaluator_person_id")?,
        evaluator: r.try_get("evaluator")?,
        contact_kind: r.try_get("contact_kind")?,
        interaction_id: r.try_get("interaction_id")?,
        contact_note: r.try_get("contact_note")?,
        contact_at: r.try_get("contact_at")?,
        calibration_session_id: r.try_get("calibration_session_id")?,
        score: r.try_get("score")?,
        raw_score: r.try_get("raw_score")?,
        critical_failed: critical != 0,
        summary: r.try_get("summary")?,
        created_at: r.try_get("created_at")?,
        acknowledged_at: r.try_get("acknowledged_at")?,
        open_disputes: r.try_get("open_disputes")?,
    })
}

/// One evaluation's headline.
pub async fn header(db: &Db, id: i64) -> StoreResult<EvaluationSummary> {
    let row = sqlx::query(&format!("{SUMMARY_SQL} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Evaluation {id}")))?;
    summary_from_row(&row)
}

/// Evaluations (not calibration scores) of the people in `people` (`None`:
/// everyone), newest contact first.
pub async fn list(db: &Db, people: Option<&[i64]>) -> StoreResult<Vec<EvaluationSummary>> {
    let only = match people {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        // Numbers only, so they are written into the statement.
        Some(ids) => format!(" AND e.agent_person_id IN ({})", id_list(ids)),
    };
    let rows = sqlx::query(&format!(
        "{SUMMARY_SQL} WHERE e.calibration_session_id IS NULL{only} ORDER BY e.contact_at DESC, e.id DESC"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(summary_from_row).collect()
}

/// The headlines of the evaluations `ids`, by id, in one read.
pub(crate) async fn headers(db: &Db, ids: &[i64]) -> StoreResult<std::collections::HashMap<i64, EvaluationSummary>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows =
            sqlx::query(&format!("{SUMMARY_SQL} WHERE e.id IN ({})", id_list(chunk))).fetch_all(db.pool()).await?;
        for row in &rows {
            let summary = summary_from_row(row)?;
            out.insert(summary.id, summary);
        }
    }
    Ok(out)
}

/// `1, 2, 3` for an `IN (…)` list of ids.
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// One criterion of an evaluation as the evaluation page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RatedCriterion {
    /// The section.
    pub section: String,
    /// The criterion's id.
    pub criterion_id: String,
    /// The question.
    pub text: String,
    /// The scale's stored name.
    pub scale: String,
    /// Whether it is critical.
    pub critical: bool,
    /// The rating.
    pub rating: Rating,
    /// The rating as people read it.
    pub rating_label: String,
    /// The rating on 0–100; `None` for N/A.
    pub points: Option<f64>,
    /// Rated at the minimum.
    pub failed: bool,
    /// The evaluator's comment.
    pub comment: Option<String>,
}

/// A coaching action.
#[derive(Debug, Clone, Serialize)]
pub struct CoachingAction {
    /// Identifier.
    pub id: i64,
    /// What to do.
    pub action: String,
    /// Who raised it.
    pub created_by: String,
}

/// An evaluation with every criterion, its disputes and coaching actions.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationDetails {
    /// The headline.
    pub summary: EvaluationSummary,
    /// Per criterion, in form order.
    pub criteria: Vec<RatedCriterion>,
    /// The scored evaluation (sections, dimensions).
    pub scored: Evaluation,
    /// Coaching actions.
    pub coaching: Vec<CoachingAction>,
    /// Disputes, oldest first.
    pub disputes: Vec<super::disputes::Dispute>,
}

/// The stored ratings of an evaluation, in the order stored.
pub(crate) async fn ratings_of(db: &Db, id: i64) -> StoreResult<Vec<(String, Rating, Option<String>)>> {
    let rows = sqlx::query("SELECT criterion_id, rating, comment FROM qa_ratings WHERE evaluation_id = $1")
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get("rating")?;
            Ok((r.try_get("criterion_id")?, rating_from_code(&code)?, r.try_get("comment")?))
        })
        .collect()
}

/// The stored ratings of many evaluations in one read, by evaluation id, for
/// reports over a team or period (one query, not one per evaluation).
pub(crate) async fn ratings_of_many(
    db: &Db,
    ids: &[i64],
) -> StoreResult<std::collections::HashMap<i64, Vec<(String, Rating)>>> {
    let mut by_evaluation: std::collections::HashMap<i64, Vec<(String, Rating)>> = Default::default();
    // Numbers only, so they are written into the statement; chunks keep each
    // statement a modest size.
    for chunk in ids.chunks(1000) {
        let rows = sqlx::query(&format!(
            "SELECT evaluation_id, criterion_id, rating FROM qa_ratings WHERE evaluation_id IN ({})",
            id_list(chunk)
        ))
        .fetch_all(db.pool())
        .await?;
        for r in &rows {
            let code: String = r.try_get("rating")?;
            by_evaluation
                .entry(r.try_get("evaluation_id")?)
                .or_default()
                .push((r.try_get("criterion_id")?, rating_from_code(&code)?));
        }
    }
    Ok(by_evaluation)
}

/// One evaluation in full.
pub async fn get(db: &Db, id: i64) -> StoreResult<EvaluationDetails> {
    let summary = header(db, id).await?;
    let card = scorecards::get(db, summary.scorecard_id).await?;
    let stored = ratings_of(db, id).await?;
    let pairs: Vec<(String, Rating)> = stored.iter().map(|(c, r, _)| (c.clone(), *r)).collect();
    let scored = score_ratings(&card, &pairs)?;
    let checked = card.checked()?;
    let criteria = checked
        .criteria()
        .filter_map(|(section, c)| {
            let (_, rating, comment) = stored.iter().find(|(id, _, _)| id == c.id())?;
            let result = scored.criteria.iter().find(|r| r.id == c.id());
            Some(RatedCriterion {
                section: section.name().to_string(),
                criterion_id: c.id().to_string(),
                text: c.text().to_string(),
                scale: format!("{:?}", c.scale()),
                critical: c.critical(),
                rating: *rating,
                rating_label: rating_label(*rating, c.scale() == crewdeck_core::quality::Scale::YesNo),
                points: result.and_then(|r| r.score),
                failed: result.is_some_and(|r| r.failed),
                comment: comment.clone(),
            })
        })
        .collect();
    let coaching =
        sqlx::query("SELECT id, action, created_by FROM qa_coaching_actions WHERE evaluation_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(CoachingAction {
                    id: r.try_get("id")?,
                    action: r.try_get("action")?,
                    created_by: super::display_name(&r.try_get::<String, _>("created_by")?),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
    let disputes = super::disputes::of_evaluation(db, id).await?;
    Ok(EvaluationDetails { summary, criteria, scored, coaching, disputes })
}
