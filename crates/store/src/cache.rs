//! Heavy reads cached until the next audited write.
//!
//! Every change a person makes appends an audit event, which moves the chain
//! head. The head's sequence number is therefore a version of all the data
//! people edit: a cached result is reused only while the head has not moved,
//! so it is never stale — on this server or on another one sharing the
//! database — and checking costs one primary-key read.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::StoreResult;

type Entry = (i64, String, Arc<dyn Any + Send + Sync>);

/// How many keys are kept per name at one data version, the oldest dropped
/// first: one team leader's dashboard must not evict another's, which costs
/// a second or more to read again at 10M contacts.
const KEYS_PER_NAME: usize = 8;

/// Cached results by name, each with the data version and key it was read at.
#[derive(Default)]
pub struct ReadCache {
    entries: Mutex<HashMap<&'static str, Vec<Entry>>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadCache")
    }
}

impl ReadCache {
    /// The cached value for `name` at `version` and `key`, or the result of `load`.
    pub async fn get_or_load<T, F, Fut>(
        &self,
        name: &'static str,
        version: i64,
        key: String,
        load: F,
    ) -> StoreResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = StoreResult<T>>,
    {
        if let Some(hit) = self.lookup::<T>(name, version, &key) {
            return Ok(hit);
        }
        let value = Arc::new(load().await?);
        if let Ok(mut entries) = self.entries.lock() {
            let kept = entries.entry(name).or_default();
            // A slower reader must not replace what a newer one stored, and
            // what was read at an older version can never be asked for again.
            if !kept.iter().any(|(v, _, _)| *v > version) {
                kept.retain(|(v, k, _)| *v == version && *k != key);
                if kept.len() >= KEYS_PER_NAME {
                    kept.remove(0);
                }
                kept.push((version, key, value.clone() as Arc<dyn Any + Send + Sync>));
            }
        }
        Ok(value)
    }

    fn lookup<T: Send + Sync + 'static>(&self, name: &'static str, version: i64, key: &str) -> Option<Arc<T>> {
        let entries = self.entries.lock().ok()?;
        let (_, _, value) = entries.get(name)?.iter().find(|(v, k, _)| *v == version && k == key)?;
        value.clone().downcast::<T>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reuses_a_value_only_at_the_same_version_and_key() {
        let cache = ReadCache::default();
        let a = cache.get_or_load("n", 1, "k".into(), || async { Ok(1u32) }).await.unwrap();
        let b = cache.get_or_load("n", 1, "k".into(), || async { Ok(2u32) }).await.unwrap();
        assert_eq!((*a, *b), (1, 1));
        let c = cache.get_or_load("n", 2, "k".into(), || async { Ok(3u32) }).await.unwrap();
        assert_eq!(*c, 3);
        let d = cache.get_or_load("n", 2, "other".into(), || async { Ok(4u32) }).await.unwrap();
        assert_eq!(*d, 4);
        // An older reader finishing late does not overwrite the newer entry.
        cache.get_or_load("n", 1, "other".into(), || async { Ok(5u32) }).await.unwrap();
        let e = cache.get_or_load("n", 2, "other".into(), || async { Ok(6u32) }).await.unwrap();
        assert_eq!(*e, 4);
    }

    #[tokio::test]
    async fn keeps_several_keys_of_a_name_and_drops_the_oldest() {
        let cache = ReadCache::default();
        for i in 0..=KEYS_PER_NAME {
            cache.get_or_load("n", 1, i.to_string(), || async move { Ok(i) }).await.unwrap();
        }
        // Every key but the first is still there.
        for i in 1..=KEYS_PER_NAME {
            let hit = cache.get_or_load("n", 1, i.to_string(), || async { Ok(usize::MAX) }).await.unwrap();
            assert_eq!(*hit, i);
        }
        let first = cache.get_or_load("n", 1, "0".into(), || async { Ok(usize::MAX) }).await.unwrap();
        assert_eq!(*first, usize::MAX);
        // A new version drops every key read at the old one.
        cache.get_or_load("n", 2, "1".into(), || async { Ok(100) }).await.unwrap();
        let old = cache.get_or_load("n", 1, "2".into(), || async { Ok(usize::MAX) }).await.unwrap();
        assert_eq!(*old, usize::MAX);
    }
}
