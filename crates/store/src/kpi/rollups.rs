//! The rollup tables: additive counts per local day, agent, queue, channel and
//! topic, changed only by signed deltas inside an import's batch transaction,
//! and the same counts summed per week and agent and per day and agent.

use std::collections::{BTreeMap, HashMap};

use crewdeck_core::kpi::{GroupBy, KpiCounts};
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::placeholders;
use crate::db::{Backend, Tx};
use crate::error::{StoreError, StoreResult};

/// The count columns: the fields of [`KpiCounts`], in [`KpiCounts::to_array`] order.
pub(crate) const COUNT_COLUMNS: [&str; 17] = KpiCounts::FIELDS;

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
        write_weekly(tx, backend, &changed, &periods).await?;
        write_agent_daily(tx, backend, &changed, &periods).await?;
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

/// Adds the same deltas to `kpi_rollups_weekly`, summed per week and agent.
async fn write_weekly(
    tx: &mut Tx,
    backend: Backend,
    changed: &[(RollupKey, [i64; 17])],
    periods: &HashMap<Date, [String; 3]>,
) -> StoreResult<()> {
    let mut weekly: BTreeMap<(&str, &str), [i64; 17]> = BTreeMap::new();
    for (key, delta) in changed {
        let [_, week, _] =
            periods.get(&key.day).ok_or_else(|| StoreError::Corrupt(format!("no period keys for {}", key.day)))?;
        let slot = weekly.entry((week.as_str(), key.agent_id.as_str())).or_insert([0; 17]);
        for (s, d) in slot.iter_mut().zip(delta) {
            *s = s.saturating_add(*d);
        }
    }
    let weekly: Vec<((&str, &str), [i64; 17])> =
        weekly.into_iter().filter(|(_, d)| d.iter().any(|&v| v != 0)).collect();
    // 19 parameters a row.
    for chunk in weekly.chunks(1000) {
        let mut sql = String::from("INSERT INTO kpi_rollups_weekly (week, agent_id");
        for column in COUNT_COLUMNS {
            sql.push_str(", ");
            sql.push_str(column);
        }
        sql.push_str(") VALUES ");
        let rows: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 19 * i + 1, 19))).collect();
        sql.push_str(&rows.join(", "));
        sql.push_str(" ON CONFLICT (week, agent_id) DO UPDATE SET ");
        let sets: Vec<String> =
            COUNT_COLUMNS.iter().map(|c| format!("{c} = kpi_rollups_weekly.{c} + excluded.{c}")).collect();
        sql.push_str(&sets.join(", "));
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 1000);
        for ((week, agent), delta) in chunk {
            query = query.bind(*week).bind(*agent);
            for &value in delta {
                query = query.bind(value);
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Adds the same deltas to `kpi_rollups_agent_daily`, summed per day and agent.
async fn write_agent_daily(
    tx: &mut Tx,
    backend: Backend,
    changed: &[(RollupKey, [i64; 17])],
    periods: &HashMap<Date, [String; 3]>,
) -> StoreResult<()> {
    // `changed` is sorted by day then agent, so equal keys are neighbours
    // and the sums come out in primary key order.
    let mut daily: Vec<((Date, &str), [i64; 17])> = Vec::new();
    for (key, delta) in changed {
        let at = (key.day, key.agent_id.as_str());
        if daily.last().is_none_or(|(k, _)| *k != at) {
            daily.push((at, [0; 17]));
        }
        if let Some((_, slot)) = daily.last_mut() {
            for (s, d) in slot.iter_mut().zip(delta) {
                *s = s.saturating_add(*d);
            }
        }
    }
    daily.retain(|(_, d)| d.iter().any(|&v| v != 0));
    // 21 parameters a row.
    for chunk in daily.chunks(1000) {
        let mut sql = String::from("INSERT INTO kpi_rollups_agent_daily (day, agent_id, week, month");
        for column in COUNT_COLUMNS {
            sql.push_str(", ");
            sql.push_str(column);
        }
        sql.push_str(") VALUES ");
        let rows: Vec<String> =
            (0..chunk.len()).map(|i| format!("({})", placeholders(backend, 21 * i + 1, 21))).collect();
        sql.push_str(&rows.join(", "));
        sql.push_str(" ON CONFLICT (day, agent_id) DO UPDATE SET ");
        let sets: Vec<String> =
            COUNT_COLUMNS.iter().map(|c| format!("{c} = kpi_rollups_agent_daily.{c} + excluded.{c}")).collect();
        sql.push_str(&sets.join(", "));
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 1000);
        for ((day, agent), delta) in chunk {
            let [day_key, week, month] =
                periods.get(day).ok_or_else(|| StoreError::Corrupt(format!("no period keys for {day}")))?;
            query = query.bind(day_key.as_str()).bind(*agent).bind(week.as_str()).bind(month.as_str());
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
