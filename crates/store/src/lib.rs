//! Persistence for crewdeck: one schema and one set of migrations for SQLite and
//! PostgreSQL, repositories, and the service functions through which every write
//! passes (each records an audit event in the same transaction).

pub mod accounts;
pub mod audit;
pub mod cache;
pub mod db;
pub mod demo;
pub mod error;
pub mod kpi;
pub mod org;
pub mod people;
pub mod sites;
pub mod skills;
pub mod subject_access;
pub mod teams;
// area: kpi
// area: imports
pub mod imports;
// area: quality
// area: allocation
pub mod allocation;
// area: staffing
pub mod staffing;

pub use db::{Backend, Db};
pub use error::{StoreError, StoreResult};
