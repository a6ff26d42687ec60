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

/// Rows of rollup queries: text key columns, in the order asked for, and
/// counts. The keys of every row share one buffer: a report holds tens of
/// thousands of rows, and a `String` per key cost an allocation each.
#[derive(Debug, Default)]
pub(crate) struct ReportRows {
    /// Key columns a row.
    width: usize,
    /// Every key's text, one after another.
    text: String,
    /// Where each key lies in `text`: `width` ranges a row.
    spans: Vec<(u32, u32)>,
    /// The counts, a row each.
    counts: Vec<KpiCounts>,
}

impl ReportRows {
    /// No rows yet, of `width` key columns.
    pub(crate) fn new(width: usize) -> Self {
        Self { width, ..Self::default() }
    }

    /// How many rows there are.
    pub(crate) fn len(&self) -> usize {
        self.counts.len()
    }

    /// Key column `column` of row `row`.
    pub(crate) fn key(&self, row: usize, column: usize) -> &str {
        let (start, end) = self.spans[row * self.width + column];
        &self.text[start as usize..end as usize]
    }

    /// The counts of row `row`.
    pub(crate) fn counts(&self, row: usize) -> &KpiCounts {
        &self.counts[row]
    }

    fn push_key(&mut self, key: &str) -> StoreResult<()> {
        let start = self.text.len();
        self.text.push_str(key);
        let span = u32::try_from(start).ok().zip(u32::try_from(self.text.len()).ok());
        self.spans.push(span.ok_or_else(|| StoreError::Corrupt("a KPI read too large to hold".into()))?);
        Ok(())
    }
}

/// Runs a query of text `columns` then the count columns, with `binds`
/// (all text), and adds its rows to `out` (whose width is `columns.len()`).
///
/// On SQLite the rows come back as one JSON array built by the database:
/// tens of thousands of rows of nineteen values each, handed over one by
/// one by the driver, cost most of a report's time in allocation and thread
/// hand-offs, where one text value costs one (docs/benchmarks.md, "KPIs").
pub(crate) async fn fetch_rows(
    db: &Db,
    sql: &str,
    columns: &[&str],
    binds: &[String],
    out: &mut ReportRows,
) -> StoreResult<()> {
    debug_assert_eq!(out.width, columns.len());
    if db.backend() == Backend::Sqlite {
        let values: Vec<String> = columns.iter().chain(COUNT_COLUMNS.iter()).map(|c| format!("q.{c}")).collect();
        let packed = format!("SELECT json_group_array(json_array({})) AS packed FROM ({sql}) q", values.join(", "));
        let mut query = sqlx::query_scalar::<_, String>(&packed).persistent(false);
        for value in binds {
            query = query.bind(value.as_str());
        }
        let text = query.fetch_one(db.pool()).await?;
        return PackedRows { text: &text, at: 0 }.read_into(out);
    }
    let mut query = sqlx::query(sql).persistent(false);
    for value in binds {
        query = query.bind(value.as_str());
    }
    for row in query.fetch_all(db.pool()).await? {
        for column in columns {
            out.push_key(&row.try_get::<String, _>(*column)?)?;
        }
        out.counts.push(counts_from_row(&row)?);
    }
    Ok(())
}

/// A reader of SQLite's `json_group_array(json_array(keys…, counts…))`: an
/// array of rows, each its text keys then seventeen whole numbers or `null`
/// (a sum over no rows). Read by hand rather than through
/// `serde_json::Value`s, which cost an allocation or more per value: the
/// report's largest cost after the database's own work.
struct PackedRows<'a> {
    text: &'a str,
    at: usize,
}

impl PackedRows<'_> {
    fn corrupt(&self) -> StoreError {
        StoreError::Corrupt(format!("the KPI rollups could not be read back (at byte {})", self.at))
    }

    fn skip_space(&mut self) {
        while self.text.as_bytes().get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    /// Takes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.text.as_bytes().get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8) -> StoreResult<()> {
        if self.eat(byte) { Ok(()) } else { Err(self.corrupt()) }
    }

    fn read_into(mut self, out: &mut ReportRows) -> StoreResult<()> {
        self.expect(b'[')?;
        if self.eat(b']') {
            return self.end();
        }
        loop {
            self.expect(b'[')?;
            for column in 0..out.width {
                if column > 0 {
                    self.expect(b',')?;
                }
                self.string_into(out)?;
            }
            let mut counts = [0u64; 17];
            for (i, slot) in counts.iter_mut().enumerate() {
                if i > 0 || out.width > 0 {
                    self.expect(b',')?;
                }
                *slot = self.count()?;
            }
            self.expect(b']')?;
            out.counts.push(KpiCounts::from_array(counts));
            if !self.eat(b',') {
                break;
            }
        }
        self.expect(b']')?;
        self.end()
    }

    fn end(&mut self) -> StoreResult<()> {
        self.skip_space();
        if self.at == self.text.len() { Ok(()) } else { Err(self.corrupt()) }
    }

    /// A JSON string, added to `out` as the next key.
    fn string_into(&mut self, out: &mut ReportRows) -> StoreResult<()> {
        self.expect(b'"')?;
        let start = self.at;
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        loop {
            match bytes.get(self.at) {
                None => return Err(self.corrupt()),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.at += 2;
                }
                Some(_) => self.at += 1,
            }
        }
        let raw = self.text.get(start..self.at).ok_or_else(|| self.corrupt())?;
        self.at += 1;
        if escaped {
            // Rare (a key holding a quote, backslash or control character):
            // serde_json knows every escape.
            let quoted = &self.text[start - 1..self.at];
            let unescaped: String = serde_json::from_str(quoted).map_err(|_| self.corrupt())?;
            out.push_key(&unescaped)
        } else {
            out.push_key(raw)
        }
    }

    /// A count: a whole number, or `null` for a sum over no rows.
    fn count(&mut self) -> StoreResult<u64> {
        self.skip_space();
        let bytes = self.text.as_bytes();
        if bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            return Ok(0);
        }
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(digit) = bytes.get(self.at).filter(|b| b.is_ascii_digit()) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit - b'0')))
                .ok_or_else(|| self.corrupt())?;
            self.at += 1;
        }
        if self.at == start {
            // A negative count or any other type.
            return Err(StoreError::Corrupt("the KPI rollups hold a value of the wrong type".into()));
        }
        Ok(value)
    }
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

    fn read(text: &str, width: usize) -> StoreResult<ReportRows> {
        let mut rows = ReportRows::new(width);
        PackedRows { text, at: 0 }.read_into(&mut rows)?;
        Ok(rows)
    }

    #[test]
    fn packed_rows_read_keys_counts_and_nulls() {
        let counts: Vec<String> = (1..=17).map(|n| n.to_string()).collect();
        let text =
            format!("[[\"agent7\",\"2026-W03\",{}],[\"\",\"2026-W04\",{}]]", counts.join(","), ["null"; 17].join(","));
        let rows = read(&text, 2).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows.key(0, 0), rows.key(0, 1)), ("agent7", "2026-W03"));
        assert_eq!(rows.counts(0).to_array(), std::array::from_fn(|i| i as u64 + 1));
        assert_eq!((rows.key(1, 0), rows.key(1, 1)), ("", "2026-W04"));
        assert_eq!(*rows.counts(1), KpiCounts::default());
    }

    #[test]
    fn packed_rows_unescape_keys_and_read_an_empty_array() {
        let zeros = ["0"; 17].join(",");
        let text = format!("[[\"say \\\"hi\\\" \\\\ \\u00e9t\u{e9}\",{zeros}]]");
        let rows = read(&text, 1).unwrap();
        assert_eq!(rows.key(0, 0), "say \"hi\" \\ \u{e9}t\u{e9}");
        assert_eq!(read("[]", 3).unwrap().len(), 0);
        // No keys: the counts follow the row's bracket directly.
        assert_eq!(read(&format!("[[{zeros}]]"), 0).unwrap().len(), 1);
    }

    #[test]
    fn packed_rows_refuse_negative_fractional_and_truncated_values() {
        let tail = ["0"; 16].join(",");
        for bad in [
            format!("[[\"a\",-1,{tail}]]"),
            format!("[[\"a\",1.5,{tail}]]"),
            format!("[[\"a\",\"1\",{tail}]]"),
            format!("[[\"a\",1,{tail}]"),
            format!("[[\"a\",1,{tail},7]]"),
            "[[\"a".to_string(),
        ] {
            assert!(matches!(read(&bad, 1), Err(StoreError::Corrupt(_))), "{bad}");
        }
    }
}
