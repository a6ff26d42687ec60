//! One module per `crewdeck` subcommand: its clap arguments and its `run`,
//! writing results to `out` (stdout in the binary) and leaving messages and
//! progress to stderr, so `main` only wires them up.

pub mod accounts;
pub mod allocate;
pub mod audit;
pub mod import;
pub mod kpi;
pub mod serve;
pub mod staffing;
// area: kpi
// area: imports
pub mod platform_import;
// area: quality
// area: allocation
// area: staffing
pub mod forecast;
