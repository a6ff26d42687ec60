//! What every handler can reach: the database, the clock and the settings.

use std::sync::Arc;

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
        Self {
            secure_cookies: false,
            time_zone: TimeZone::UTC,
        }
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
}

impl AppState {
    /// State over `db` with the given clock and settings.
    pub fn new(db: Db, clock: Clock, settings: WebSettings) -> Self {
        Self {
            db,
            clock,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today's date in the organisation's time zone.
    pub fn today(&self) -> Date {
        self.now().to_zoned(self.settings.time_zone.clone()).date()
    }
}
