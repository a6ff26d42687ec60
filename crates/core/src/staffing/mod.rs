//! Staffing: how many agents an interval needs to meet its service targets.
//!
//! - [`exact`]: decimals held exactly, so that the occupancy cap and the shrinkage
//!   ceiling are decided on the numbers as typed.
//! - [`inputs`]: the request, as types that can only hold valid values.
//! - [`erlang_c`]: Erlang B and C through the Erlang B recurrence.
//! - [`erlang_a`]: Erlang A (abandonment with exponential patience).
//! - [`search`]: the fewest agents that meet every target, and what decided it.
//! - [`requirements`]: a forecast week to agents and scheduled heads per interval.
//! - [`contingency`]: triggers, pre-agreed actions and each action's effect.
//! - [`intraday`]: re-forecasting the rest of today from the day so far.
//!
//! The formulas, their assumptions and the worked examples used as tests are in
//! `shared/domain/staffing.md`; the user guide is `docs/staffing.md`.

pub mod contingency;
pub mod erlang_a;
pub mod erlang_c;
pub mod exact;
pub mod forecast;
pub mod inputs;
pub mod intraday;
pub mod metrics;
pub mod requirements;
pub mod search;

#[cfg(test)]
mod tests;

pub use erlang_a::{ChainTooLarge, ErlangA, ErlangAMetrics};
pub use erlang_c::{ErlangB, erlang_b, erlang_c, erlang_c_metrics};
pub use exact::Decimal;
pub use inputs::{
    IntervalLength, IntervalLoad, MAX_TRAFFIC_ERLANGS, Model, OccupancyCap, PositiveSeconds, ServiceLevelTarget,
    Shrinkage, StaffingRequest, Targets,
};
pub use metrics::Metrics;
pub use search::{Constraint, Detail, StaffingPlan, evaluate, failed_constraints, plan, plan_with};
