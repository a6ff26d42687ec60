//! Staffing: a queue's contact history as forecasting series, the special days
//! left out of it, each queue's staffing settings, and the forecast and
//! requirements built from them with `crewdeck_core::staffing`.
//!
//! - [`history`]: contacts and handle time per interval, aggregated in SQL.
//! - [`special_days`]: bank holidays, campaigns and outages (audited).
//! - [`settings`]: targets, model and shrinkage per queue (audited).
//! - [`forecast`]: backtest, choice and next week's forecast for a queue.
//! - [`intraday`]: today so far against forecast and plan, the rest re-forecast.
//! - [`contingency`]: contingency plans per team and their reviews (audited).
//! - [`plan`]: a queue's requirements for the forecast week, with what-ifs.

pub mod contingency;
pub mod forecast;
pub mod history;
pub mod intraday;
pub mod plan;
pub mod settings;
pub mod special_days;
