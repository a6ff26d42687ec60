//! One module per command.

pub mod accounts;
pub mod allocate;
pub mod audit;
pub mod serve;
