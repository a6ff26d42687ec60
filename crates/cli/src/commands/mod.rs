//! One module per `crewdeck` subcommand: its clap arguments and its `run`.

pub mod accounts;
pub mod allocate;
pub mod audit;
pub mod serve;
pub mod staffing;
