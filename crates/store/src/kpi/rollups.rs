//! The rollup tables: additive counts per local day, agent, queue, channel and
//! topic, changed only by signed deltas inside an import's batch transaction,
//! and the same counts summed per week and agent, per day and agent, and per
//! day, queue and channel.

use std::collections::{BTreeMap, HashMap};

use crewdeck_core::kpi::{GroupBy, KpiCounts};
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::placeholders;
use crate::db::{Backend, Db, Tx};
use crate::error::{StoreError, StoreResult};

/// The count columns: the fields of [`KpiCounts`], in [`KpiCounts::to_array`] order.
pub(crate) const COUNT_COLUMNS: [&str; 17] = KpiCounts::FIELDS;

/// The count columns summed per group, named as the columns themselves:
/// `CAST(SUM(contacts) AS BIGINT) AS contacts, …`.
pub(crate) fn summed_counts() -> String {
    COUNT_COLUMNS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect::<Vec<_>>().join(", ")
}

/// Reads the summed count columns of a report query (`Option` because a sum
/// over no rows is NULL).
pub(crate) fn counts_from_row(row: &AnyRow) -> StoreResult<KpiCounts> {
    let mut out = [0u64; 17];
    for (slot, column) in out.iter_mut().zip(COUNT_COLUMNS) {
        let value: Option<i64> = row.try_get(column)?;
        *slot = u64::try_from(value.unwrap_or(0))
            .map_err(|_| StoreError::Corrupt(format!("the KPI rollups hold a negative {column}")))?;
    }
    Ok(KpiCounts::from_array(out))
}

/// One row of a rollup query: its text `columns`, in order, and its counts.
pub(crate) struct ReportRow {
    /// The text columns, in the order asked for.
    pub keys: Vec<String>,
    /// The counts.
    pub counts: KpiCounts,
}

/// Runs a query of text `columns` then the count columns, with `binds`
/// (all text), and reads its rows.
///
/// On SQLite the rows come back as one JSON array built by the database:
/// tens of thousands of rows of nineteen values each, handed over one by
/// one by the driver, cost most of a report's time in allocation and thread
/// hand-offs, where one text value costs one (docs/benchmarks.md, "KPIs").
pub(crate) async fn fetch_rows(db: &Db, sql: &str, columns: &[&str], binds: &[String]) -> StoreResult<Vec<ReportRow>> {
    if db.backend() == Backend::Sqlite {
        let values: Vec<String> = columns.iter().chain(COUNT_COLUMNS.iter()).map(|c| format!("q.{c}")).collect();
        let packed = format!("SELECT json_group_array(json_array({})) AS packed FROM ({sql}) q", values.join(", "));
        let mut query = sqlx::query_scalar::<_, String>(&packed).persistent(false);
        for value in binds {
            query = query.bind(value.as_str());
        }
        let text = query.fetch_one(db.pool()).await?;
        let parsed: Vec<Vec<serde_json::Value>> = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("the KPI rollups could not be read back: {e}")))?;
        return parsed.iter().map(|row| report_row_from_json(row, columns.len())).collect();
    }
    let mut query = sqlx::query(sql).persistent(false);
    for value in binds {
        query = query.bind(value.as_str());
    }
    query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| {
            let keys = columns.iter().map(|c| row.try_get::<String, _>(*c)).collect::<Result<Vec<_>, _>>()?;
            Ok(ReportRow { keys, counts: counts_from_row(row)? })
        })
        .collect()
}

fn report_row_from_json(row: &[serde_json::Value], key_count: usize) -> StoreResult<ReportRow> {
    let corrupt = || StoreError::Corrupt("the KPI rollups hold a value of the wrong type".into());
    if row.len() != key_count + COUNT_COLUMNS.len() {
        return Err(corrupt());
    }
    let keys = row[..key_count]
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(corrupt))
        .collect::<StoreResult<_>>()?;
    let mut counts = [0u64; 17];
    for (slot, value) in counts.iter_mut().zip(&row[key_count..]) {
        // A sum over no rows is null.
        *slot = if value.is_null() { 0 } else { value.as_u64().ok_or_else(corrupt)? };
    }
    Ok(ReportRow { keys, counts: KpiCounts::from_array(counts) })
}

/// Where one interaction (and its surveys) is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RollupKey {
    /// Local date of `arrived_at`.
    pub day: Date,
    /// The agent, `""` for none.
    pub agent_id: String,
    /// The queue.
    pub queue: String,
    /// The channel's stable name.
    pub channel: &'static str,
    /// The topic.
    pub topic: String,
}

/// Signed changes to rollup rows, gathered over a batch and written at once.
#[derive(Debug, Default)]
pub(crate) struct Deltas(HashMap<RollupKey, [i64; 17]>);

impl Deltas {
    /// Adds `counts` at `key`.
    pub(crate) fn add(&mut self, key: RollupKey, counts: &KpiCounts) {
        self.apply(key, counts, 1);
    }

    /// Takes `counts` back at `key`.
    pub(crate) fn sub(&mut self, key: RollupKey, counts: &KpiCounts) {
        self.apply(key, counts, -1);
    }

    fn apply(&mut self, key: RollupKey, counts: &KpiCounts, sign: i64) {
        let slot = self.0.entry(key).or_insert([0; 17]);
        for (s, v) in slot.iter_mut().zip(counts.to_array()) {
            // Counts of one batch are far below i64::MAX; saturating keeps a
            // corrupt input from panicking.
            *s = s.saturating_add(sign.saturating_mul(i64::try_from(v).unwrap_or(i64::MAX)));
        }
    }

    /// Writes every non-zero delta with one upsert per chunk of keys.
    pub(crate) async fn write(self, tx: &mut Tx, backend: Backend) -> StoreResult<()> {
        let mut changed: Vec<(RollupKey, [i64; 17])> =
            self.0.into_iter().filter(|(_, d)| d.iter().any(|&v| v != 0)).collect();
        // In primary key order, so the upserts walk the table's B-tree in
        // order rather than jumping about it.
        changed.sort_unstable_by(|(a, _), (b, _)| {
            (a.day, &a.agent_id, &a.queue, a.channel, &a.topic).cmp(&(
                b.day,
                &b.agent_id,
                &b.queue,
                b.channel,
                &b.topic,
            ))
        });
        // A batch spans few days: their keys are formatted once.
        let mut periods: HashMap<Date, [String; 3]> = HashMap::new();
        for (key, _) in &changed {
            periods.entry(key.day).or_insert_with(|| {
                [
                    key.day.to_string(),
                    GroupBy::Week.period_key(key.day).unwrap_or_default(),
                    GroupBy::Month.period_key(key.day).unwrap_or_default(),
                ]
            });
        }
        write_summed(tx, backend, &changed, &periods).await?;
        // 24 parameters a row; SQLite allows 32 766 in one statement.
        for chunk in changed.chunks(1000) {
            let mut sql = String::from("INSERT INTO kpi_rollups (day, agent_id, queue, channel, topic, week, month");
            for column in COUNT_COLUMNS {
                sql.push_str(", ");
                sql.push_str(column);
            }
            sql.push_str(") VALUES ");
            let rows: Vec<String> =
                (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 24 * i + 1, 24))).collect();
            sql.push_str(&rows.join(", "));
            sql.push_str(" ON CONFLICT (day, agent_id, queue, channel, topic) DO UPDATE SET ");
            let sets: Vec<String> =
                COUNT_COLUMNS.iter().map(|c| format!("{c} = kpi_rollups.{c} + excluded.{c}")).collect();
            sql.push_str(&sets.join(", "));
            let mut query = sqlx::query(&sql).persistent(chunk.len() == 1000);
            for (key, delta) in chunk {
                let [day, week, month] = periods
                    .get(&key.day)
                    .ok_or_else(|| StoreError::Corrupt(format!("no period keys for {}", key.day)))?;
                query = query
                    .bind(day.as_str())
                    .bind(key.agent_id.as_str())
                    .bind(key.queue.as_str())
                    .bind(key.channel)
                    .bind(key.topic.as_str())
                    .bind(week.as_str())
                    .bind(month.as_str());
                for &value in delta {
                    query = query.bind(value);
                }
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// One key column's value in a summed rollup table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum KeyValue<'a> {
    Text(&'a str),
    Number(i64),
}

/// Rows of one summed table: key values in the table's key order, then the deltas.
type Summed<'a> = BTreeMap<Vec<KeyValue<'a>>, [i64; 17]>;

fn add_into<'a>(table: &mut Summed<'a>, key: Vec<KeyValue<'a>>, delta: &[i64; 17]) {
    let slot = table.entry(key).or_insert([0; 17]);
    for (s, d) in slot.iter_mut().zip(delta) {
        *s = s.saturating_add(*d);
    }
}

/// Adds the same deltas to the summed tables: per week and agent, per day and
/// agent, and per day, queue, channel and whether anybody answered.
async fn write_summed(
    tx: &mut Tx,
    backend: Backend,
    changed: &[(RollupKey, [i64; 17])],
    periods: &HashMap<Date, [String; 3]>,
) -> StoreResult<()> {
    use KeyValue::{Number, Text};
    let (mut weekly, mut agent_daily, mut queue_daily) = (Summed::new(), Summed::new(), Summed::new());
    for (key, delta) in changed {
        let [day, week, month] =
            periods.get(&key.day).ok_or_else(|| StoreError::Corrupt(format!("no period keys for {}", key.day)))?;
        let agent = key.agent_id.as_str();
        add_into(&mut weekly, vec![Text(week), Text(agent)], delta);
        add_into(&mut agent_daily, vec![Text(day), Text(agent), Text(week), Text(month)], delta);
        let unanswered = i64::from(agent.is_empty());
        add_into(&mut queue_daily, vec![Text(day), Text(&key.queue), Text(key.channel), Number(unanswered)], delta);
    }
    upsert_sums(tx, backend, "kpi_rollups_weekly", &["week", "agent_id"], 2, weekly).await?;
    upsert_sums(tx, backend, "kpi_rollups_agent_daily", &["day", "agent_id", "week", "month"], 2, agent_daily).await?;
    upsert_sums(tx, backend, "kpi_rollups_queue_daily", &["day", "queue", "channel", "unanswered"], 4, queue_daily)
        .await
}

/// Adds summed deltas to `table`, whose primary key is the first `key_len`
/// of `columns`; rows whose deltas are all zero are left alone.
async fn upsert_sums(
    tx: &mut Tx,
    backend: Backend,
    table: &str,
    columns: &[&str],
    key_len: usize,
    rows: Summed<'_>,
) -> StoreResult<()> {
    let rows: Vec<(Vec<KeyValue<'_>>, [i64; 17])> =
        rows.into_iter().filter(|(_, d)| d.iter().any(|&v| v != 0)).collect();
    let width = columns.len() + COUNT_COLUMNS.len();
    let mut head = format!("INSERT INTO {table} ({}", columns.join(", "));
    for column in COUNT_COLUMNS {
        head.push_str(", ");
        head.push_str(column);
    }
    head.push_str(") VALUES ");
    let sets: Vec<String> = COUNT_COLUMNS.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect();
    let tail = format!(" ON CONFLICT ({}) DO UPDATE SET {}", columns[..key_len].join(", "), sets.join(", "));
    // Under SQLite's 32 766 parameters a statement.
    for chunk in rows.chunks(1000) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(backend, width * i + 1, width))).collect();
        let sql = format!("{head}{}{tail}", values.join(", "));
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 1000);
        for (key, delta) in chunk {
            for value in key {
                query = match *value {
                    KeyValue::Text(text) => query.bind(text),
                    KeyValue::Number(number) => query.bind(number),
                };
            }
            for &value in delta {
                query = query.bind(value);
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_round_trip_every_field() {
        let mut values = [0u64; 17];
        for (i, v) in values.iter_mut().enumerate() {
            *v = i as u64 + 1;
        }
        let counts = KpiCounts::from_array(values);
        assert_eq!(counts.to_array(), values);
        assert_eq!(counts.ces_sum, 17);
        assert_eq!(counts.contacts, 1);
    }
}
