//! The tamper-evident audit chain.
//!
//! Each audit event carries the SHA-256 of its canonical form together with the
//! hash of the event before it. Altering, inserting or deleting any stored event
//! breaks the chain at that point, and [`verify_chain`] names the first break.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that the first event in a chain links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit event that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, starting at 1.
    pub seq: i64,
    /// When it happened, RFC 3339 in UTC.
    pub at: String,
    /// Who did it: a user id, or `system`.
    pub actor: String,
    /// What was done, for example `person.update`.
    pub action: String,
    /// What it was done to, for example `person:42`.
    pub subject: String,
    /// A short summary of the change (field names and new values; never secrets).
    pub summary: String,
}

impl AuditRecord {
    /// The hash of this record chained to `prev_hash`.
    ///
    /// Fields are length-prefixed so that no two different records can produce
    /// the same byte stream by shifting text between fields.
    pub fn chained_hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        for part in
            [prev_hash, &self.seq.to_string(), &self.at, &self.actor, &self.action, &self.subject, &self.summary]
        {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// A stored event: the record plus the hashes kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The hashed fields.
    pub record: AuditRecord,
    /// The hash of the previous event as stored with this one.
    pub prev_hash: String,
    /// This event's hash as stored.
    pub hash: String,
}

/// Where and why a chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The stored hash does not match the event's contents: the event was altered.
    #[error("audit event {seq} was altered: its contents no longer match its hash")]
    Altered {
        /// The sequence number of the altered event.
        seq: i64,
    },
    /// The event does not link to the one before it: an event was removed or inserted.
    #[error("audit event {seq} does not follow event {prev_seq}: an event was removed or inserted")]
    Unlinked {
        /// The event whose link is wrong.
        seq: i64,
        /// The event before it in storage order.
        prev_seq: i64,
    },
}

/// Checks events one at a time, in sequence order, so a long chain can be
/// streamed from storage without holding it in memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_seq: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { prev_hash: GENESIS_HASH.to_string(), prev_seq: 0 }
    }
}

impl ChainVerifier {
    /// Checks the next event against the one before it.
    pub fn check(&mut self, event: &StoredEvent) -> Result<(), ChainBreak> {
        if event.prev_hash != self.prev_hash || event.record.seq != self.prev_seq + 1 {
            return Err(ChainBreak::Unlinked { seq: event.record.seq, prev_seq: self.prev_seq });
        }
        if event.record.chained_hash(&event.prev_hash) != event.hash {
            return Err(ChainBreak::Altered { seq: event.record.seq });
        }
        self.prev_hash.clone_from(&event.hash);
        self.prev_seq = event.record.seq;
        Ok(())
    }

    /// The sequence number of the last event checked (0 before any).
    pub fn last_seq(&self) -> i64 {
        self.prev_seq
    }
}

/// Checks a chain in sequence order and reports the first broken link.
///
/// Returns the number of events checked when the whole chain holds.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a StoredEvent>) -> Result<u64, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    let mut count = 0;
    for event in events {
        verifier.check(event)?;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEvent> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let record = AuditRecord {
                    seq,
                    at: format!("2026-01-01T00:00:{seq:02}Z"),
                    actor: "user:1".into(),
                    action: "person.update".into(),
                    subject: format!("person:{seq}"),
                    summary: "name".into(),
                };
                let hash = record.chained_hash(&prev);
                let event = StoredEvent { record, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                event
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn an_altered_event_is_named() {
        let mut events = chain(5);
        events[2].record.summary = "salary".into();
        assert_eq!(verify_chain(&events), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_removed_event_is_named() {
        let mut events = chain(5);
        events.remove(1);
        assert_eq!(verify_chain(&events), Err(ChainBreak::Unlinked { seq: 3, prev_seq: 1 }));
    }

    #[test]
    fn shifting_text_between_fields_changes_the_hash() {
        let a = AuditRecord {
            seq: 1,
            at: "t".into(),
            actor: "ab".into(),
            action: "c".into(),
            subject: "s".into(),
            summary: String::new(),
        };
        let b = AuditRecord { actor: "a".into(), action: "bc".into(), ..a.clone() };
        assert_ne!(a.chained_hash(GENESIS_HASH), b.chained_hash(GENESIS_HASH));
    }
}
