//! What every handler can reach: the database, the clock and the settings.

use std::sync::{Arc, RwLock};

use crewdeck_store::Db;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::metrics::Metrics;

/// The source of "now", so tests can fix time and nothing reads the system clock deep inside.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Timestamp::now))
    }

    /// A clock stuck at one instant.
    pub fn fixed(at: Timestamp) -> Self {
        Self(Arc::new(move || at))
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The organisation's time zone, in which "today" is read.
    pub time_zone: TimeZone,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self { secure_cookies: false, time_zone: TimeZone::UTC }
    }
}

/// Shared state of the application.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Where "now" comes from.
    pub clock: Clock,
    /// Settings.
    pub settings: Arc<WebSettings>,
    /// Request counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The organisation's time zone as last saved here; starts from the settings.
    time_zone: Arc<RwLock<TimeZone>>,
}

impl AppState {
    /// State over `db` with the given clock and settings.
    pub fn new(db: Db, clock: Clock, settings: WebSettings) -> Self {
        let time_zone = Arc::new(RwLock::new(settings.time_zone.clone()));
        Self { db, clock, settings: Arc::new(settings), metrics: Arc::new(Metrics::default()), time_zone }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The organisation's time zone.
    pub fn time_zone(&self) -> TimeZone {
        self.time_zone.read().map_or(TimeZone::UTC, |tz| tz.clone())
    }

    /// Uses a new time zone from now on (other servers pick it up when they restart).
    pub fn set_time_zone(&self, time_zone: TimeZone) {
        if let Ok(mut tz) = self.time_zone.write() {
            *tz = time_zone;
        }
    }

    /// Today's date in the organisation's time zone.
    pub fn today(&self) -> Date {
        self.now().to_zoned(self.time_zone()).date()
    }
}
