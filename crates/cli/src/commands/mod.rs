//! One module per subcommand; each holds its clap arguments and a `run` function.

pub mod allocate;
