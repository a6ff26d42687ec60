//! Where an import's time goes, phase by phase, for profiling.
//!
//! Set `CREWDECK_IMPORT_TIMINGS=1` and an import prints one line per phase to
//! stderr when it finishes (times and counts only, never row contents). Off,
//! each measurement costs one branch.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The phases of an import that are timed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Phase {
    /// Reading and parsing rows.
    Parse,
    /// Loading the stored versions of the batch's ids.
    LoadIds,
    /// Loading stored neighbours for first contact resolution.
    LoadCases,
    /// Computing flags and rollup deltas in memory.
    Compute,
    /// Writing the batch's records.
    Upsert,
    /// Writing changed flags of stored contacts and moved survey counts.
    Neighbours,
    /// Writing rollup deltas.
    Rollups,
    /// Audit event, import history and commit.
    Commit,
}

const NAMES: [&str; 8] = ["parse", "load_ids", "load_cases", "compute", "upsert", "neighbours", "rollups", "commit"];

/// Accumulated time per phase; shared by reference, so atomics.
#[derive(Debug)]
pub(crate) struct PhaseClock {
    enabled: bool,
    nanos: [AtomicU64; 8],
}

impl PhaseClock {
    /// On when `CREWDECK_IMPORT_TIMINGS` is set to anything but `0`.
    pub(crate) fn from_env() -> Self {
        let enabled = std::env::var_os("CREWDECK_IMPORT_TIMINGS").is_some_and(|v| v != "0");
        Self { enabled, nanos: Default::default() }
    }

    /// A start mark, `None` when timing is off.
    pub(crate) fn start(&self) -> Option<Instant> {
        self.enabled.then(Instant::now)
    }

    /// Adds the time since `mark` to `phase` and returns a new mark.
    pub(crate) fn lap(&self, phase: Phase, mark: Option<Instant>) -> Option<Instant> {
        let start = mark?;
        let now = Instant::now();
        let spent = u64::try_from(now.duration_since(start).as_nanos()).unwrap_or(u64::MAX);
        self.nanos[phase as usize].fetch_add(spent, Ordering::Relaxed);
        Some(now)
    }

    /// Prints the totals to stderr when timing is on.
    pub(crate) fn report(&self, rows: u64, batches: u64) {
        if !self.enabled {
            return;
        }
        let mut line = format!("import timings: {rows} rows, {batches} batches;");
        for (name, nanos) in NAMES.iter().zip(&self.nanos) {
            let ms = nanos.load(Ordering::Relaxed) / 1_000_000;
            line.push_str(&format!(" {name} {ms} ms;"));
        }
        eprintln!("{line}");
    }
}
