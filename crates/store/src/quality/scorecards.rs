//! Versioned scorecards: a draft can be edited; publishing freezes it; editing
//! a published version makes a new draft version. Team members comment on
//! criteria and propose changes; the leader's decision is recorded.

use crewdeck_core::quality::{Scorecard, ScorecardDraft, SectionDraft};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A draft may still change.
pub const DRAFT: &str = "draft";
/// In use; never changes again.
pub const PUBLISHED: &str = "published";
/// Replaced by a later published version; kept so old evaluations still read.
pub const RETIRED: &str = "retired";

/// One version of a scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardVersion {
    /// Identifier of this version.
    pub id: i64,
    /// The form's identity, shared by its versions.
    pub form_key: String,
    /// The form's name.
    pub name: String,
    /// Version number, from 1.
    pub version: i64,
    /// `draft`, `published` or `retired`.
    pub status: String,
    /// Who made this version.
    pub created_by: String,
    /// When, Unix seconds.
    pub created_at: i64,
    /// When it was published, Unix seconds.
    pub published_at: Option<i64>,
    /// The sections and criteria.
    pub sections: Vec<SectionDraft>,
}

impl ScorecardVersion {
    /// The checked form the scoring rule works on.
    pub fn checked(&self) -> StoreResult<Scorecard> {
        Scorecard::parse(self.draft()).map_err(|e| StoreError::Corrupt(format!("scorecard {}: {e}", self.id)))
    }

    /// The form as a core draft.
    pub fn draft(&self) -> ScorecardDraft {
        ScorecardDraft {
            id: self.form_key.clone(),
            version: u32::try_from(self.version).unwrap_or(1),
            sections: self.sections.clone(),
        }
    }

    /// True while it can be edited.
    pub fn is_draft(&self) -> bool {
        self.status == DRAFT
    }
}

const COLUMNS: &str = "id, form_key, name, version, status, definition, created_by, created_at, published_at";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<ScorecardVersion> {
    let id: i64 = r.try_get("id")?;
    let definition: String = r.try_get("definition")?;
    let sections =
        serde_json::from_str(&definition).map_err(|e| StoreError::Corrupt(format!("scorecard {id}: {e}")))?;
    Ok(ScorecardVersion {
        id,
        form_key: r.try_get("form_key")?,
        name: r.try_get("name")?,
        version: r.try_get("version")?,
        status: r.try_get("status")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        published_at: r.try_get("published_at")?,
        sections,
    })
}

/// Every version of every form, by form then newest version first.
pub async fn list(db: &Db) -> StoreResult<Vec<ScorecardVersion>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM qa_scorecards ORDER BY name, form_key, version DESC"))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The published versions, which evaluations may use.
pub async fn published(db: &Db) -> StoreResult<Vec<ScorecardVersion>> {
    Ok(list(db).await?.into_iter().filter(|s| s.status == PUBLISHED).collect())
}

/// One version.
pub async fn get(db: &Db, id: i64) -> StoreResult<ScorecardVersion> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM qa_scorecards WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Scorecard {id}")))?;
    from_row(&row)
}

fn check(form_key: &str, name: &str, version: i64, sections: &[SectionDraft]) -> StoreResult<String> {
    if name.trim().is_empty() {
        return Err(StoreError::field("name", "Name the scorecard."));
    }
    let draft = ScorecardDraft {
        id: form_key.to_string(),
        version: u32::try_from(version).unwrap_or(1),
        sections: sections.to_vec(),
    };
    Scorecard::parse(draft)?;
    serde_json::to_string(sections).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Creates version 1 of a new form, as a draft.
pub async fn create(
    db: &Db,
    actor: &Actor,
    form_key: &str,
    name: &str,
    sections: &[SectionDraft],
    now: Timestamp,
) -> StoreResult<i64> {
    let form_key = form_key.trim();
    if form_key.is_empty() || !form_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(StoreError::field("form_key", "Use letters, digits, - and _ for the form's key, e.g. call-form."));
    }
    let definition = check(form_key, name, 1, sections)?;
    let mut tx = db.begin().await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM qa_scorecards WHERE form_key = $1")
        .bind(form_key)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::field("form_key", "Another scorecard already uses this key; choose another."));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_scorecards (form_key, name, version, status, definition, created_by, created_at) \
         VALUES ($1, $2, 1, $3, $4, $5, $6) RETURNING id",
    )
    .bind(form_key)
    .bind(name.trim())
    .bind(DRAFT)
    .bind(&definition)
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "scorecard.create",
        &format!("scorecard:{id}"),
        &format!("{form_key} version 1"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces the name and criteria of a draft. A published version cannot change.
pub async fn save_draft(
    db: &Db,
    actor: &Actor,
    id: i64,
    name: &str,
    sections: &[SectionDraft],
    now: Timestamp,
) -> StoreResult<()> {
    let old = get(db, id).await?;
    if !old.is_draft() {
        return Err(StoreError::Conflict(format!(
            "Version {} of {} is {} and cannot change; make a new version to edit it.",
            old.version, old.name, old.status
        )));
    }
    let definition = check(&old.form_key, name, old.version, sections)?;
    let mut tx = db.begin().await?;
    let changed = sqlx::query("UPDATE qa_scorecards SET name = $1, definition = $2 WHERE id = $3 AND status = $4")
        .bind(name.trim())
        .bind(&definition)
        .bind(id)
        .bind(DRAFT)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict("The draft was published meanwhile; make a new version to edit it.".into()));
    }
    let criteria: usize = sections.iter().map(|s| s.criteria.len()).sum();
    audit::record(
        &mut tx,
        actor,
        "scorecard.edit",
        &format!("scorecard:{id}"),
        &format!("{} version {}: {} sections, {criteria} criteria", old.form_key, old.version, sections.len()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Starts a new draft version from `id` (any version of the form). If the
/// form already has a draft, that draft is returned instead of a second one.
pub async fn new_version(db: &Db, actor: &Actor, id: i64, now: Timestamp) -> StoreResult<i64> {
    let base = get(db, id).await?;
    let mut tx = db.begin().await?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM qa_scorecards WHERE form_key = $1 AND status = $2")
        .bind(&base.form_key)
        .bind(DRAFT)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(existing) = existing {
        return Ok(existing);
    }
    let latest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM qa_scorecards WHERE form_key = $1")
        .bind(&base.form_key)
        .fetch_one(&mut *tx)
        .await?;
    let version = latest + 1;
    let definition = serde_json::to_string(&base.sections).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let new_id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_scorecards (form_key, name, version, status, definition, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&base.form_key)
    .bind(&base.name)
    .bind(version)
    .bind(DRAFT)
    .bind(&definition)
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "scorecard.new_version",
        &format!("scorecard:{new_id}"),
        &format!("{} version {version} drafted from version {}", base.form_key, base.version),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(new_id)
}

/// Publishes a draft; the form's previously published version retires.
pub async fn publish(db: &Db, actor: &Actor, id: i64, now: Timestamp) -> StoreResult<()> {
    let card = get(db, id).await?;
    if !card.is_draft() {
        return Err(StoreError::Conflict(format!(
            "Version {} of {} is already {}.",
            card.version, card.name, card.status
        )));
    }
    card.checked()?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE qa_scorecards SET status = $1 WHERE form_key = $2 AND status = $3")
        .bind(RETIRED)
        .bind(&card.form_key)
        .bind(PUBLISHED)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE qa_scorecards SET status = $1, published_at = $2 WHERE id = $3")
        .bind(PUBLISHED)
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "scorecard.publish",
        &format!("scorecard:{id}"),
        &format!("{} version {} published", card.form_key, card.version),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A comment on a criterion, or a proposed change to it.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// Identifier.
    pub id: i64,
    /// The scorecard version it was made on.
    pub scorecard_id: i64,
    /// The criterion.
    pub criterion_id: String,
    /// `comment` or `proposal`.
    pub kind: String,
    /// What was said.
    pub body: String,
    /// Who said it.
    pub author: String,
    /// When, Unix seconds.
    pub created_at: i64,
    /// `accepted` or `declined`, once decided.
    pub decision: Option<String>,
    /// The leader's reasons.
    pub decision_note: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
}

/// Records a team member's comment (`comment`) or proposed change (`proposal`) on a criterion.
#[allow(clippy::too_many_arguments)]
pub async fn propose(
    db: &Db,
    actor: &Actor,
    author_person_id: Option<i64>,
    scorecard_id: i64,
    criterion_id: &str,
    kind: &str,
    body: &str,
    now: Timestamp,
) -> StoreResult<i64> {
    let card = get(db, scorecard_id).await?;
    if !card.sections.iter().flat_map(|s| &s.criteria).any(|c| c.id == criterion_id) {
        return Err(StoreError::field("criterion_id", "Choose a criterion of this scorecard."));
    }
    if kind != "comment" && kind != "proposal" {
        return Err(StoreError::field("kind", "Choose comment or proposal."));
    }
    let body = crewdeck_core::people::required_text("body", body, 2000)?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO qa_criterion_proposals (scorecard_id, criterion_id, kind, body, author_person_id, author, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(scorecard_id)
    .bind(criterion_id)
    .bind(kind)
    .bind(&body)
    .bind(author_person_id)
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        &format!("scorecard.{kind}"),
        &format!("scorecard:{scorecard_id}"),
        &format!("criterion {criterion_id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the leader's decision on a proposal: accepted or declined, with a note.
pub async fn decide_proposal(
    db: &Db,
    actor: &Actor,
    id: i64,
    accepted: bool,
    note: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let note = crewdeck_core::people::required_text("decision_note", note, 1000)?;
    let decision = if accepted { "accepted" } else { "declined" };
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE qa_criterion_proposals SET decision = $1, decision_note = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND decision IS NULL",
    )
    .bind(decision)
    .bind(&note)
    .bind(&actor.label)
    .bind(now.as_second())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict("This proposal has already been decided.".into()));
    }
    audit::record(&mut tx, actor, "scorecard.proposal_decide", &format!("proposal:{id}"), decision, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The comments and proposals on every version of the form `form_key`, newest first.
pub async fn proposals(db: &Db, form_key: &str) -> StoreResult<Vec<Proposal>> {
    let rows = sqlx::query(
        "SELECT p.id, p.scorecard_id, p.criterion_id, p.kind, p.body, p.author, p.created_at, p.decision, \
         p.decision_note, p.decided_by FROM qa_criterion_proposals p JOIN qa_scorecards s ON s.id = p.scorecard_id \
         WHERE s.form_key = $1 ORDER BY p.created_at DESC, p.id DESC",
    )
    .bind(form_key)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Proposal {
                id: r.try_get("id")?,
                scorecard_id: r.try_get("scorecard_id")?,
                criterion_id: r.try_get("criterion_id")?,
                kind: r.try_get("kind")?,
                body: r.try_get("body")?,
                author: r.try_get("author")?,
                created_at: r.try_get("created_at")?,
                decision: r.try_get("decision")?,
                decision_note: r.try_get("decision_note")?,
                decided_by: r.try_get("decided_by")?,
            })
        })
        .collect()
}
