//! One module per `crewdeck` subcommand: its clap arguments and its `run`.

pub mod staffing;
