//! Customer-service KPIs: the imported records, additive rollups, the
//! definitions of contracts.md §3, confidence intervals and control charts.
//!
//! Everything here is pure: no I/O, no clock, no database. The flow is
//!
//! 1. parse rows into [`Interaction`] and [`Survey`] (errors name the column);
//! 2. mark first contact resolution with [`resolved_first_time`] over all
//!    interactions of each customer and topic, including those up to one FCR
//!    window after the period;
//! 3. count each interaction and survey into a [`KpiCounts`] per rollup key
//!    (agent, day, queue, channel, topic), using the [`KpiSettings`] in force;
//! 4. regroup by [`GroupBy`] keys with [`KpiCounts::merge`] and call
//!    [`KpiCounts::derive`] for the contract's [`KpiRow`].
//!
//! On top of rows: [`wilson`] and [`NpsEstimate`] for uncertainty,
//! [`MinResponses`] for the small-sample flag, [`SlVariant`] for the published
//! service-level formulas, [`PChart`] and [`XmrLimits`] with the
//! [`western_electric`] and [`nelson`] rules, and [`Target`] for red/amber/green.
//! The user-facing definitions are in `docs/kpis.md`.

mod cells;
mod dashboard;
mod fcr;
mod group;
mod ownership;
mod records;
mod rollup;
mod rules;
mod score;
mod service_level;
mod settings;
mod spc;
mod standard;
mod stats;
mod target;

pub use cells::parse_timestamp;
pub use dashboard::{ControlChart, DashboardSpec, DayCounts, SignalNote, Tile, WeekPoint, build_tiles};
pub use fcr::resolved_first_time;
pub use group::{GroupBy, day_key, local_date, month_key, week_key};
pub use ownership::owned_queues;
pub use records::{Channel, Interaction, InteractionParts, Outcome, Survey};
pub use rollup::{KpiCounts, KpiRow};
pub use rules::{RuleId, RuleSet, Signal, detect, nelson, western_electric};
pub use score::{Ces, Csat, Nps, Score};
pub use service_level::{SlCounts, SlVariant};
pub use settings::{KpiSettings, ServiceLevelThresholds};
pub use spc::{PChart, PChartPoint, XMR_D2, XMR_D4, XMR_E2, XmrLimits, moving_ranges, p_chart_limits};
pub use standard::{
    AppliedTarget, ChartKind, Comparison, Kpi, KpiValue, Standard, StandardFields, StandardInput, TeamTarget,
    check_tightens, long_date,
};
pub use stats::{MinResponses, NpsComparison, NpsEstimate, Proportion, Z_95, wilson};
pub use target::{Direction, Rag, Target, TargetStatus, ValueFormat};
