//! Domain types and pure algorithms for crewdeck.
//!
//! Nothing here performs I/O, touches a database or reads the clock: callers pass
//! `now` in. Modules are named after the domain areas, the same names in every crate.

pub mod allocation;
pub mod audit;
pub mod auth;
pub mod fields;
pub mod imports;
pub mod kpi;
pub mod people;
pub mod quality;
pub mod staffing;
