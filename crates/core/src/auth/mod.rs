//! Who may do what: the one place where permissions are decided.

pub mod policy;

pub use policy::{Access, Action, Actor, Subject};
