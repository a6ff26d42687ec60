//! The subcommands, one module each. Each exposes a clap `Args` type and
//! `run(args, db, out)`, writing its result to `out` (stdout in the binary)
//! and leaving messages and progress to stderr, so `main` only wires them up.

pub mod import;
pub mod kpi;
