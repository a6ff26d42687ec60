//! Imports running in the background, so the upload returns at once and the
//! page can show progress while the rows go in.
//!
//! The registry lives in the server process: progress shows on the server
//! that took the upload (the result itself is in the import history, which
//! every server reads). Finished jobs are forgotten after an hour.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crewdeck_store::imports::{ImportKind, PlatformReport};
use jiff::Timestamp;

/// How an import job stands.
#[derive(Debug, Clone)]
pub(crate) enum JobState {
    /// Still importing.
    Running,
    /// Finished: one report per import it made (Zendesk makes two).
    Done(Vec<PlatformReport>),
    /// Stopped by an error, with what to tell the user.
    Failed(String),
}

/// One upload being imported.
#[derive(Debug)]
pub(crate) struct Job {
    /// The random id in the job's address.
    pub id: String,
    /// The user who uploaded it: only they see its progress.
    pub user_id: i64,
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's name as uploaded.
    pub file_name: String,
    /// The file's size in bytes.
    pub bytes: u64,
    /// Rows read so far.
    pub rows: AtomicU64,
    /// When it started.
    pub started: Timestamp,
    state: Mutex<JobState>,
}

impl Job {
    /// The job's state now.
    pub(crate) fn state(&self) -> JobState {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Records how the job ended.
    pub(crate) fn finish(&self, state: JobState) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
    }

    /// Records progress.
    pub(crate) fn set_rows(&self, rows: u64) {
        self.rows.store(rows, Ordering::Relaxed);
    }

    /// Rows read so far.
    pub(crate) fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }
}

fn registry() -> &'static Mutex<HashMap<String, Arc<Job>>> {
    static JOBS: OnceLock<Mutex<HashMap<String, Arc<Job>>>> = OnceLock::new();
    JOBS.get_or_init(Default::default)
}

/// How long a finished job's result stays on its progress page.
const KEEP_SECONDS: i64 = 3600;

/// Registers a new running job.
pub(crate) fn start(user_id: i64, kind: ImportKind, file_name: String, bytes: u64, now: Timestamp) -> Arc<Job> {
    let id = hex::encode(rand::random::<[u8; 16]>());
    let job = Arc::new(Job {
        id: id.clone(),
        user_id,
        kind,
        file_name,
        bytes,
        rows: AtomicU64::new(0),
        started: now,
        state: Mutex::new(JobState::Running),
    });
    let mut jobs = registry().lock().unwrap_or_else(PoisonError::into_inner);
    jobs.retain(|_, j| {
        matches!(j.state(), JobState::Running) || now.as_second() - j.started.as_second() < KEEP_SECONDS
    });
    jobs.insert(id, Arc::clone(&job));
    job
}

/// The job `id` if `user_id` started it.
pub(crate) fn find(id: &str, user_id: i64) -> Option<Arc<Job>> {
    let jobs = registry().lock().unwrap_or_else(PoisonError::into_inner);
    jobs.get(id).filter(|j| j.user_id == user_id).cloned()
}
