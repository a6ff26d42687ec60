//! Customer comments and the keyword rules that sort them into themes.
//!
//! Rules are kept here (each change one transaction with its audit event);
//! matching is `crewdeck_core::imports::themes`, done by the caller on the
//! comments this module reads.

use crewdeck_core::imports::themes::ThemeRule;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A stored theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Identifier.
    pub id: i64,
    /// The rule.
    pub rule: ThemeRule,
}

/// Every theme, by name.
pub async fn themes(db: &Db) -> StoreResult<Vec<Theme>> {
    let rows = sqlx::query("SELECT id, name, keywords FROM comment_themes ORDER BY name").fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("name")?;
            let keywords: String = r.try_get("keywords")?;
            let rule = ThemeRule::parse(&name, &keywords)
                .map_err(|_| StoreError::Corrupt(format!("theme {name} has no valid keywords")))?;
            Ok(Theme { id: r.try_get("id")?, rule })
        })
        .collect()
}

fn name_taken(name: &str) -> StoreError {
    StoreError::field("name", format!("There is already a theme called \u{201c}{name}\u{201d}; choose another name."))
}

async fn name_used(tx: &mut crate::db::Tx, name: &str, except: Option<i64>) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM comment_themes WHERE LOWER(name) = LOWER($1)")
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some_and(|id| Some(id) != except))
}

/// Adds a theme; its name must be new (ignoring letter case).
pub async fn create_theme(db: &Db, actor: &Actor, rule: &ThemeRule, now: Timestamp) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    if name_used(&mut tx, &rule.name, None).await? {
        return Err(name_taken(&rule.name));
    }
    let id: i64 =
        sqlx::query_scalar("INSERT INTO comment_themes (name, keywords, updated_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(&rule.name)
            .bind(rule.keywords_text())
            .bind(now.as_second())
            .fetch_one(&mut *tx)
            .await?;
    let summary = format!("name: \u{201c}{}\u{201d}; keywords: {}", rule.name, rule.keywords.join(", "));
    audit::record(&mut tx, actor, "comment_theme.create", &format!("comment_theme:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a theme's name and keywords.
pub async fn update_theme(db: &Db, actor: &Actor, id: i64, rule: &ThemeRule, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let old: Option<(String, String)> = sqlx::query("SELECT name, keywords FROM comment_themes WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("name")?, r.try_get("keywords")?)))
        .transpose()?;
    let Some((old_name, old_keywords)) = old else { return Err(StoreError::NotFound("The theme".to_string())) };
    if name_used(&mut tx, &rule.name, Some(id)).await? {
        return Err(name_taken(&rule.name));
    }
    sqlx::query("UPDATE comment_themes SET name = $1, keywords = $2, updated_at = $3 WHERE id = $4")
        .bind(&rule.name)
        .bind(rule.keywords_text())
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let summary = audit::diff_summary(&[
        ("name", old_name, rule.name.clone()),
        ("keywords", old_keywords.replace('\n', ", "), rule.keywords.join(", ")),
    ]);
    audit::record(&mut tx, actor, "comment_theme.update", &format!("comment_theme:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a theme; comments are not changed, only no longer grouped by it.
pub async fn delete_theme(db: &Db, actor: &Actor, id: i64, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM comment_themes WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
    let Some(name) = name else { return Err(StoreError::NotFound("The theme".to_string())) };
    sqlx::query("DELETE FROM comment_themes WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        actor,
        "comment_theme.delete",
        &format!("comment_theme:{id}"),
        &format!("name: \u{201c}{name}\u{201d}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A survey comment with its interaction, agent and scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// The interaction surveyed.
    pub interaction_id: String,
    /// The interaction's local day.
    pub day: String,
    /// The scores given with the comment.
    pub csat: Option<i64>,
    /// Likelihood to recommend.
    pub nps: Option<i64>,
    /// Ease.
    pub ces: Option<i64>,
    /// The text.
    pub text: String,
    /// The agent id on the interaction.
    pub agent_id: Option<String>,
    /// The person that agent id belongs to, if any.
    pub person_id: Option<i64>,
    /// Their name.
    pub person_name: Option<String>,
}

/// Which comments to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentQuery {
    /// First day (the interaction's local day), inclusive.
    pub from: Date,
    /// Last day, inclusive.
    pub to: Date,
    /// Only comments on interactions handled by members of these teams on
    /// that day; `None` for every comment.
    pub teams: Option<Vec<i64>>,
    /// At most this many, newest first.
    pub limit: i64,
}

/// Survey comments in the period, newest first. An agent is a person through
/// the agent-id links, or by an email equal to the agent id.
pub async fn comments(db: &Db, query: &CommentQuery) -> StoreResult<Vec<Comment>> {
    let team_filter = match &query.teams {
        None => String::new(),
        Some(teams) if teams.is_empty() => " AND 1 = 0".to_string(),
        // Team ids are numbers from the server, never user text.
        Some(teams) => format!(
            " AND EXISTS (SELECT 1 FROM team_memberships m WHERE m.person_id = COALESCE(a.person_id, p.id) \
               AND m.team_id IN ({}) AND m.from_date <= i.day AND (m.to_date IS NULL OR m.to_date >= i.day))",
            teams.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
        ),
    };
    let sql = format!(
        "SELECT s.interaction_id, i.day, s.csat, s.nps, s.ces, s.comment, i.agent_id, \
                COALESCE(a.person_id, p.id) AS person_id, COALESCE(ap.name, p.name) AS person_name \
         FROM surveys s JOIN interactions i ON i.id = s.interaction_id \
         LEFT JOIN agent_ids a ON a.agent_id = i.agent_id \
         LEFT JOIN people ap ON ap.id = a.person_id \
         LEFT JOIN people p ON a.agent_id IS NULL AND LOWER(p.email) = LOWER(i.agent_id) \
         WHERE s.comment IS NOT NULL AND s.comment <> '' AND i.day >= $1 AND i.day <= $2{team_filter} \
         ORDER BY s.responded_at DESC, s.interaction_id LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(query.from.to_string())
        .bind(query.to.to_string())
        .bind(query.limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Comment {
                interaction_id: r.try_get("interaction_id")?,
                day: r.try_get("day")?,
                csat: r.try_get("csat")?,
                nps: r.try_get("nps")?,
                ces: r.try_get("ces")?,
                text: r.try_get("comment")?,
                agent_id: r.try_get("agent_id")?,
                person_id: r.try_get("person_id")?,
                person_name: r.try_get("person_name")?,
            })
        })
        .collect()
}
