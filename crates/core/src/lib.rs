//! Domain types and pure algorithms for crewdeck.
//!
//! Nothing here performs I/O, touches a database or reads the clock: callers pass
//! `now` in. Modules are named after the domain areas, the same names in every crate.

pub mod audit;
pub mod fields;
pub mod people;
pub mod staffing;
