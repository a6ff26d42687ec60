//! Platform records fed to the ordinary import as NDJSON, one line per
//! record, produced as the import reads: nothing is held beyond the record in
//! hand, so memory stays flat whatever the export's size.
//!
//! A record that is skipped or that cannot be mapped becomes a blank line,
//! which the import passes over but counts, so line numbers stay those of the
//! source (Connect) or the record's position (Zendesk); its rejection or skip
//! is kept on the side and merged into the report afterwards.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, PoisonError};

use crewdeck_core::imports::Mapped;
use serde::Serialize;

use crate::kpi::Rejection;

/// What the feed saw besides the rows it handed on.
#[derive(Debug, Default)]
pub(crate) struct Side {
    /// Records that could not be mapped, by line.
    pub rejected: Vec<Rejection>,
    /// Records that were not contacts or responses, counted by reason.
    pub skipped: BTreeMap<String, u64>,
}

/// The side report, shared between the feed (owned by the import) and the
/// caller that reads it afterwards.
pub(crate) type SharedSide = Arc<Mutex<Side>>;

/// One item of a feed: a mapped record, or `None` for a blank source line.
pub(crate) type Item<T> = io::Result<Option<Mapped<T>>>;

/// A `Read` of NDJSON lines made from mapped records.
pub(crate) struct Feed<I> {
    items: I,
    buf: Vec<u8>,
    pos: usize,
    line: u64,
    side: SharedSide,
}

impl<I> Feed<I> {
    pub(crate) fn new(items: I, side: SharedSide) -> Self {
        Self { items, buf: Vec::with_capacity(1024), pos: 0, line: 0, side }
    }
}

impl<T: Serialize, I: Iterator<Item = Item<T>>> Feed<I> {
    /// Fills the buffer with the next line; `false` at the end.
    fn refill(&mut self) -> io::Result<bool> {
        let Some(item) = self.items.next() else { return Ok(false) };
        self.buf.clear();
        self.pos = 0;
        self.line += 1;
        match item? {
            Some(Mapped::Row(row)) => {
                serde_json::to_writer(&mut self.buf, &row).map_err(io::Error::other)?;
            }
            Some(Mapped::Skip(reason)) => {
                let mut side = self.side.lock().unwrap_or_else(PoisonError::into_inner);
                *side.skipped.entry(reason.to_string()).or_default() += 1;
            }
            Some(Mapped::Reject(reason)) => {
                let mut side = self.side.lock().unwrap_or_else(PoisonError::into_inner);
                side.rejected.push(Rejection { line: self.line, reason });
            }
            None => {}
        }
        self.buf.push(b'\n');
        Ok(true)
    }
}

impl<T: Serialize, I: Iterator<Item = Item<T>>> Read for Feed<I> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.buf.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_lines_and_the_rest_blank_lines() {
        let side = SharedSide::default();
        let items: Vec<Item<serde_json::Value>> = vec![
            Ok(Some(Mapped::Row(serde_json::json!({"id": "a"})))),
            Ok(None),
            Ok(Some(Mapped::Skip("tasks"))),
            Ok(Some(Mapped::Reject("contact b: no queue".to_string()))),
            Ok(Some(Mapped::Row(serde_json::json!({"id": "c"})))),
        ];
        let mut text = String::new();
        Feed::new(items.into_iter(), Arc::clone(&side)).read_to_string(&mut text).expect("read");
        assert_eq!(text, "{\"id\":\"a\"}\n\n\n\n{\"id\":\"c\"}\n");
        let side = side.lock().expect("unlocked");
        assert_eq!(side.rejected, [Rejection { line: 4, reason: "contact b: no queue".to_string() }]);
        assert_eq!(side.skipped.get("tasks"), Some(&1));
    }
}
