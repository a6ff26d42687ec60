//! One module per command.

pub mod accounts;
pub mod audit;
pub mod serve;
