//! Writing a batch of surveys: each counts in the rollup row of its
//! interaction (its agent, queue, channel, topic and day), upserted by
//! (`interaction_id`, `responded_at`).

use std::collections::HashMap;

use crewdeck_core::kpi::{Ces, Channel, Csat, KpiCounts, Nps, Survey};
use futures_util::future::BoxFuture;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::import::{Applied, BatchCtx};
use super::rollups::{Deltas, RollupKey};
use super::rows::Row as FileRow;
use super::{Rejection, nanos, out_of_range, placeholders};
use crate::db::{Backend, Tx};
use crate::error::{StoreError, StoreResult};

/// Parses one file row and checks that its time fits the database.
pub(crate) fn parse_row(row: FileRow<'_>) -> Result<Survey, String> {
    let survey = Survey::parse(|column| row.get(column)).map_err(|e| e.to_string())?;
    if nanos(survey.responded_at).is_none() {
        return Err(out_of_range("responded_at"));
    }
    Ok(survey)
}

/// The counts of a stored survey (columns `csat`, `nps`, `ces`).
pub(crate) fn stored_survey_counts(row: &AnyRow) -> StoreResult<KpiCounts> {
    fn score<T>(row: &AnyRow, column: &str, make: fn(u8) -> Option<T>) -> StoreResult<Option<T>> {
        let value: Option<i64> = row.try_get(column)?;
        value
            .map(|v| {
                u8::try_from(v)
                    .ok()
                    .and_then(make)
                    .ok_or_else(|| StoreError::Corrupt(format!("stored {column} score {v}")))
            })
            .transpose()
    }
    let survey = Survey {
        interaction_id: String::new(),
        responded_at: jiff::Timestamp::UNIX_EPOCH,
        csat: score(row, "csat", Csat::new)?,
        nps: score(row, "nps", Nps::new)?,
        ces: score(row, "ces", Ces::new)?,
        comment: None,
    };
    let mut counts = KpiCounts::default();
    counts.add_survey(&survey);
    Ok(counts)
}

/// Writes one batch of surveys.
pub(crate) fn apply_batch<'a>(
    tx: &'a mut Tx,
    ctx: &'a BatchCtx,
    batch: Vec<(u64, Survey)>,
) -> BoxFuture<'a, StoreResult<Applied>> {
    Box::pin(apply(tx, ctx, batch))
}

/// A stored survey's identity and where it was last written from.
struct Existing {
    counts: KpiCounts,
    import_run: i64,
    import_line: i64,
}

async fn apply(tx: &mut Tx, ctx: &BatchCtx, batch: Vec<(u64, Survey)>) -> StoreResult<Applied> {
    let mut applied = Applied::default();
    let mut first_line: HashMap<(String, i64), u64> = HashMap::with_capacity(batch.len());
    let mut records = Vec::with_capacity(batch.len());
    for (line, survey) in batch {
        let id = (survey.interaction_id.clone(), nanos(survey.responded_at).unwrap_or(0));
        if let Some(&first) = first_line.get(&id) {
            applied.rejected.push(duplicate(line, first));
        } else {
            first_line.insert(id, line);
            records.push((line, survey));
        }
    }
    let mut interaction_ids: Vec<&str> = records.iter().map(|(_, s)| s.interaction_id.as_str()).collect();
    interaction_ids.sort_unstable();
    interaction_ids.dedup();
    let keys = load_keys(tx, ctx.backend, &interaction_ids).await?;
    let existing = load_existing(tx, ctx.backend, &interaction_ids).await?;

    let mut deltas = Deltas::default();
    let mut rows = Vec::with_capacity(records.len());
    for (line, survey) in &records {
        let Some(key) = keys.get(&survey.interaction_id) else {
            applied.rejected.push(Rejection { line: *line, reason: "unknown interaction".to_string() });
            continue;
        };
        let at = nanos(survey.responded_at).unwrap_or(0);
        let old = existing.get(&(survey.interaction_id.clone(), at));
        if let Some(old) = old {
            if old.import_run == ctx.run_id {
                applied.rejected.push(duplicate(*line, u64::try_from(old.import_line).unwrap_or(0)));
                continue;
            }
            deltas.sub(key.clone(), &old.counts);
            applied.updated += 1;
        } else {
            applied.imported += 1;
        }
        let mut counts = KpiCounts::default();
        counts.add_survey(survey);
        deltas.add(key.clone(), &counts);
        rows.push((*line, survey, at));
    }
    upsert(tx, ctx, &rows).await?;
    deltas.write(tx, ctx.backend).await?;
    Ok(applied)
}

fn duplicate(line: u64, first: u64) -> Rejection {
    Rejection {
        line,
        reason: format!("duplicate survey (same interaction_id and responded_at), first at line {first}"),
    }
}

/// The rollup key of each interaction that exists.
async fn load_keys(tx: &mut Tx, backend: Backend, ids: &[&str]) -> StoreResult<HashMap<String, RollupKey>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(5000) {
        let sql = format!(
            "SELECT id, day, agent_id, queue, channel, topic FROM interactions WHERE id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            let id: String = row.try_get("id")?;
            let corrupt = || StoreError::Corrupt(format!("interaction {id}"));
            let day: String = row.try_get("day")?;
            let channel: String = row.try_get("channel")?;
            let agent: Option<String> = row.try_get("agent_id")?;
            let key = RollupKey {
                day: day.parse().map_err(|_| corrupt())?,
                agent_id: agent.unwrap_or_default(),
                queue: row.try_get("queue")?,
                channel: Channel::parse("channel", &channel).map_err(|_| corrupt())?.as_str(),
                topic: row.try_get("topic")?,
            };
            out.insert(id, key);
        }
    }
    Ok(out)
}

/// Every stored survey of these interactions, by (interaction, response time).
async fn load_existing(tx: &mut Tx, backend: Backend, ids: &[&str]) -> StoreResult<HashMap<(String, i64), Existing>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(5000) {
        let sql = format!(
            "SELECT interaction_id, responded_at, csat, nps, ces, import_run, import_line \
             FROM surveys WHERE interaction_id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            let id: String = row.try_get("interaction_id")?;
            let at: i64 = row.try_get("responded_at")?;
            let existing = Existing {
                counts: stored_survey_counts(&row)?,
                import_run: row.try_get("import_run")?,
                import_line: row.try_get("import_line")?,
            };
            out.insert((id, at), existing);
        }
    }
    Ok(out)
}

async fn upsert(tx: &mut Tx, ctx: &BatchCtx, rows: &[(u64, &Survey, i64)]) -> StoreResult<()> {
    const N: usize = 8;
    for chunk in rows.chunks(2000) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(ctx.backend, N * i + 1, N))).collect();
        let sql = format!(
            "INSERT INTO surveys (interaction_id, responded_at, csat, nps, ces, comment, import_run, import_line) \
             VALUES {} ON CONFLICT (interaction_id, responded_at) DO UPDATE SET \
             csat = excluded.csat, nps = excluded.nps, ces = excluded.ces, comment = excluded.comment, \
             import_run = excluded.import_run, import_line = excluded.import_line",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 2000);
        for &(line, survey, at) in chunk {
            query = query
                .bind(survey.interaction_id.as_str())
                .bind(at)
                .bind(survey.csat.map(|s| i64::from(s.get())))
                .bind(survey.nps.map(|s| i64::from(s.get())))
                .bind(survey.ces.map(|s| i64::from(s.get())))
                .bind(survey.comment.as_deref())
                .bind(ctx.run_id)
                .bind(i64::try_from(line).unwrap_or(i64::MAX));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
