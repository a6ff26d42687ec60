//! Requirements: from a forecast of contacts and handle time per interval to the
//! agents each interval needs and the people to schedule for them.
//!
//! - Queued work (voice, chat) goes through the staffing search
//!   ([`super::plan`]): Erlang C, or Erlang A when the queue's mean patience is
//!   known. A chat agent holding `concurrency` chats at once is modelled as one
//!   server whose handle time is AHT ÷ concurrency (the usual planning
//!   approximation: it assumes the chats interleave without slowing each other).
//! - Backlog work (email, back office) has no queue to answer live: each item
//!   must be done within a response window. The work arriving over the window
//!   ending at an interval is spread over the window, so the interval needs
//!   ⌈work ÷ window⌉ agents (the *SLA-window* model). The week is treated as
//!   repeating, so Monday morning's window reaches back into Sunday night.
//! - Scheduled heads divide by what is left after shrinkage, exactly on the
//!   decimals as typed, and show the planned and unplanned uplift apart.

use std::num::NonZeroU32;

use jiff::civil::DateTime;

use super::exact::Decimal;
use super::forecast::IntervalMinutes;
use super::inputs::{
    IntervalLength, IntervalLoad, Model, OccupancyCap, PositiveSeconds, ServiceLevelTarget, Shrinkage, StaffingRequest,
    Targets,
};
use super::search::{evaluate, plan};
use crate::fields::{FieldError, FieldErrors};

/// Planned shrinkage (breaks, training, meetings) and unplanned shrinkage
/// (sickness, lateness), each a share of paid time, held exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShrinkageSplit {
    planned: Decimal,
    unplanned: Decimal,
}

/// Agents needed and the people to schedule for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Heads {
    /// Agents needed on the queue (logged in and ready).
    pub agents: u32,
    /// Extra people to cover unplanned shrinkage.
    pub for_unplanned: u64,
    /// Extra people, beyond those, to cover planned shrinkage.
    pub for_planned: u64,
    /// People to schedule: agents + both uplifts.
    pub scheduled: u64,
}

impl ShrinkageSplit {
    /// No shrinkage.
    pub const NONE: ShrinkageSplit = ShrinkageSplit { planned: Decimal::ZERO, unplanned: Decimal::ZERO };

    /// Accepts two shares such as `0.2` and `0.08`, each at least 0, together below 1.
    pub fn parse(planned: &str, unplanned: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let planned = errors.check(Shrinkage::parse("shrinkage_planned", planned).map(Shrinkage::share));
        let unplanned = errors.check(Shrinkage::parse("shrinkage_unplanned", unplanned).map(Shrinkage::share));
        let (Some(planned), Some(unplanned)) = (planned, unplanned) else {
            return Err(errors);
        };
        let split = Self { planned, unplanned };
        let (total, denominator) = split.total();
        if total >= denominator {
            return Err(FieldErrors(vec![FieldError::new(
                "shrinkage_planned",
                format!(
                    "Planned and unplanned shrinkage together must be below 1 (you entered {planned} and {unplanned}); \
                     nobody would be left to answer."
                ),
            )]));
        }
        Ok(split)
    }

    /// Planned shrinkage, as typed.
    pub fn planned(self) -> Decimal {
        self.planned
    }

    /// Unplanned shrinkage, as typed.
    pub fn unplanned(self) -> Decimal {
        self.unplanned
    }

    /// Planned + unplanned as a ratio over a common power of ten.
    fn total(self) -> (u128, u128) {
        let d = u128::from(self.planned.denominator().max(self.unplanned.denominator()));
        let part = |s: Decimal| u128::from(s.mantissa()) * (d / u128::from(s.denominator()));
        (part(self.planned) + part(self.unplanned), d)
    }

    /// The people to schedule so that `agents` are available: ⌈agents ÷ (1 − planned −
    /// unplanned)⌉, exactly; the uplift for unplanned shrinkage alone is
    /// ⌈agents ÷ (1 − unplanned)⌉ − agents and planned shrinkage takes the rest.
    pub fn heads(self, agents: u32) -> Heads {
        let ceiling = |(m, d): (u128, u128)| {
            // m < d by construction, so d − m ≥ 1.
            let needed = u128::from(agents) * d;
            u64::try_from(needed.div_ceil(d - m)).unwrap_or(u64::MAX)
        };
        let scheduled = ceiling(self.total());
        let after_unplanned =
            ceiling((u128::from(self.unplanned.mantissa()), u128::from(self.unplanned.denominator())));
        Heads {
            agents,
            for_unplanned: after_unplanned.saturating_sub(u64::from(agents)),
            for_planned: scheduled.saturating_sub(after_unplanned),
            scheduled,
        }
    }
}

/// How a queue's work arrives and is answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Workload {
    /// Contacts wait in a queue to be answered live (voice, chat).
    Queue {
        /// Contacts one agent holds at once (1 for voice).
        concurrency: NonZeroU32,
        /// Mean patience of a waiting contact, when known: switches to Erlang A.
        patience: Option<PositiveSeconds>,
        /// Most-allowed occupancy.
        max_occupancy: OccupancyCap,
    },
    /// Items wait in a backlog and must be done within a window (email, back office).
    Backlog {
        /// The response window in minutes.
        window_minutes: NonZeroU32,
    },
}

impl Workload {
    /// The model's name, as a planner reads it.
    pub fn model_name(&self) -> &'static str {
        match self {
            Workload::Queue { patience: Some(_), .. } => "Erlang A",
            Workload::Queue { patience: None, concurrency, .. } if concurrency.get() > 1 => "Erlang C with concurrency",
            Workload::Queue { .. } => "Erlang C",
            Workload::Backlog { .. } => "SLA window",
        }
    }
}

/// A queue's staffing settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSettings {
    /// How the work arrives.
    pub workload: Workload,
    /// Least share answered within `answer_within_seconds` (queued work).
    pub service_level: ServiceLevelTarget,
    /// The service-level threshold in seconds.
    pub answer_within_seconds: u32,
    /// Planned and unplanned shrinkage.
    pub shrinkage: ShrinkageSplit,
}

/// The forecast for one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalDemand {
    /// The interval's start, local time.
    pub start: DateTime,
    /// Contacts expected.
    pub volume: f64,
    /// Average handle time expected, seconds.
    pub aht_seconds: f64,
}

/// What one interval needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// The demand it was computed from.
    pub demand: IntervalDemand,
    /// Agents needed and people to schedule.
    pub heads: Heads,
    /// Expected service level with those agents (queued work with contacts).
    pub service_level: Option<f64>,
    /// Expected abandon rate (Erlang A only).
    pub abandon_rate: Option<f64>,
}

/// The agents and heads every interval of `demand` needs under `settings`.
///
/// Fails only on an input the model cannot take (a forecast beyond a million
/// Erlangs), naming the interval.
pub fn requirements(
    demand: &[IntervalDemand],
    interval: IntervalMinutes,
    settings: &QueueSettings,
) -> Result<Vec<Requirement>, FieldError> {
    match settings.workload {
        Workload::Queue { concurrency, patience, max_occupancy } => {
            let length = IntervalLength::parse_minutes("interval_minutes", &interval.minutes().to_string())?;
            let targets = Targets {
                service_level: settings.service_level,
                answer_within_seconds: f64::from(settings.answer_within_seconds),
                max_occupancy,
                max_asa: None,
            };
            let model = match patience {
                Some(patience) => Model::ErlangA { patience },
                None => Model::ErlangC,
            };
            demand.iter().map(|d| queued(d, length, targets, model, concurrency, settings.shrinkage)).collect()
        }
        Workload::Backlog { window_minutes } => Ok(backlog(demand, interval, window_minutes, settings.shrinkage)),
    }
}

fn queued(
    demand: &IntervalDemand,
    length: IntervalLength,
    targets: Targets,
    model: Model,
    concurrency: NonZeroU32,
    shrinkage: ShrinkageSplit,
) -> Result<Requirement, FieldError> {
    let (field, request) = queued_request(demand, length, targets, model, concurrency)?;
    let found = plan(&request).map_err(|e| FieldError::new(field, e.to_string()))?;
    let has_contacts = !request.load.volume().is_zero();
    Ok(Requirement {
        demand: *demand,
        heads: shrinkage.heads(found.agents),
        service_level: has_contacts.then_some(found.metrics.service_level),
        abandon_rate: found.metrics.abandon_rate.filter(|_| has_contacts),
    })
}

/// The staffing request for one interval of queued work, named for errors.
fn queued_request(
    demand: &IntervalDemand,
    length: IntervalLength,
    targets: Targets,
    model: Model,
    concurrency: NonZeroU32,
) -> Result<(String, StaffingRequest), FieldError> {
    let field = format!("the interval starting {}", demand.start);
    // Forecasts are fractional; two decimals of a contact and a tenth of a
    // second are far finer than any forecast is accurate.
    let volume = Decimal::parse(&field, &format!("{:.2}", demand.volume.max(0.0)))?;
    let aht = demand.aht_seconds.max(0.0) / f64::from(concurrency.get());
    let aht = Decimal::parse(&field, &format!("{aht:.1}"))?;
    let load = IntervalLoad::new(&field, volume, aht, length)?;
    Ok((field, StaffingRequest { load, targets, shrinkage: Shrinkage::NONE, model }))
}

/// The service level one interval of queued work would reach with `agents`
/// agents (whether or not that meets the target); `None` for backlog work or an
/// interval without contacts, where service level is not measured.
pub fn service_level_with(
    demand: &IntervalDemand,
    interval: IntervalMinutes,
    settings: &QueueSettings,
    agents: u32,
) -> Result<Option<f64>, FieldError> {
    let Workload::Queue { concurrency, patience, max_occupancy } = settings.workload else {
        return Ok(None);
    };
    let length = IntervalLength::parse_minutes("interval_minutes", &interval.minutes().to_string())?;
    let targets = Targets {
        service_level: settings.service_level,
        answer_within_seconds: f64::from(settings.answer_within_seconds),
        max_occupancy,
        max_asa: None,
    };
    let model = match patience {
        Some(patience) => Model::ErlangA { patience },
        None => Model::ErlangC,
    };
    let (field, request) = queued_request(demand, length, targets, model, concurrency)?;
    if request.load.volume().is_zero() {
        return Ok(None);
    }
    let metrics = evaluate(&request, agents).map_err(|e| FieldError::new(field, e.to_string()))?;
    Ok(Some(metrics.service_level))
}

fn backlog(
    demand: &[IntervalDemand],
    interval: IntervalMinutes,
    window_minutes: NonZeroU32,
    shrinkage: ShrinkageSplit,
) -> Vec<Requirement> {
    let n = demand.len();
    let window_seconds = f64::from(window_minutes.get()) * 60.0;
    let span = window_minutes.get().div_ceil(interval.minutes()) as usize;
    let work = demand.iter().map(|d| d.volume.max(0.0) * d.aht_seconds.max(0.0)).collect::<Vec<_>>();
    (0..n)
        .map(|i| {
            let in_window = (0..span.min(n)).map(|back| work[(i + n - back) % n]).sum::<f64>();
            // 1e-9 keeps a whole number of agents that floating point nudged
            // up (30.000000000000004) from becoming one more.
            let agents = if in_window > 0.0 { (in_window / window_seconds - 1e-9).ceil().max(1.0) } else { 0.0 };
            Requirement {
                demand: demand[i],
                heads: shrinkage.heads(agents.min(f64::from(u32::MAX)) as u32),
                service_level: None,
                abandon_rate: None,
            }
        })
        .collect()
}

/// A change to try before committing to it: volume and handle time up or down
/// by a percentage, other targets, other shrinkage.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WhatIf {
    /// Volume change in percent (+10 means 10% more contacts).
    pub volume_percent: f64,
    /// Handle time change in percent.
    pub aht_percent: f64,
    /// Another service-level target.
    pub service_level: Option<ServiceLevelTarget>,
    /// Another service-level threshold, seconds.
    pub answer_within_seconds: Option<u32>,
    /// Other shrinkage.
    pub shrinkage: Option<ShrinkageSplit>,
}

/// A what-if form as typed; empty means "no change".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct WhatIfFields {
    /// Volume change, percent.
    pub volume_percent: String,
    /// Handle time change, percent.
    pub aht_percent: String,
    /// Service-level target share.
    pub service_level: String,
    /// Service-level threshold, seconds.
    pub answer_within_seconds: String,
    /// Planned shrinkage share.
    pub shrinkage_planned: String,
    /// Unplanned shrinkage share.
    pub shrinkage_unplanned: String,
}

impl WhatIf {
    /// Accepts a percentage change from −100 to +1000.
    pub fn parse_percent(field: &str, text: &str) -> Result<f64, FieldError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(0.0);
        }
        let value = trimmed.trim_end_matches('%').trim().parse::<f64>().map_err(|_| {
            FieldError::new(
                field,
                format!("Enter a percentage such as 10 or -5 (you entered \u{201c}{trimmed}\u{201d})."),
            )
        })?;
        if !(-100.0..=1000.0).contains(&value) {
            return Err(FieldError::new(
                field,
                format!("Enter a change between -100 and 1000 percent (you entered {value})."),
            ));
        }
        Ok(value)
    }

    /// Reads a what-if form for a queue set up as `base`: percentages may be
    /// empty (no change); an empty target or shrinkage keeps the queue's own.
    /// Every field at fault is named.
    pub fn parse(fields: &WhatIfFields, base: &QueueSettings) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let volume_percent = errors.check(Self::parse_percent("volume_percent", &fields.volume_percent));
        let aht_percent = errors.check(Self::parse_percent("aht_percent", &fields.aht_percent));
        let service_level = match fields.service_level.trim() {
            "" => Some(None),
            text => errors.check(ServiceLevelTarget::parse("service_level", text).map(Some)),
        };
        let answer_within_seconds = match fields.answer_within_seconds.trim() {
            "" => Some(None),
            text => errors.check(text.parse::<u32>().map(Some).map_err(|_| {
                FieldError::new(
                    "answer_within_seconds",
                    format!("Enter a whole number of seconds, such as 20 (you entered \u{201c}{text}\u{201d})."),
                )
            })),
        };
        let shrinkage = match (fields.shrinkage_planned.trim(), fields.shrinkage_unplanned.trim()) {
            ("", "") => Some(None),
            (planned, unplanned) => match ShrinkageSplit::parse(
                &if planned.is_empty() { base.shrinkage.planned().to_string() } else { planned.to_owned() },
                &if unplanned.is_empty() { base.shrinkage.unplanned().to_string() } else { unplanned.to_owned() },
            ) {
                Ok(split) => Some(Some(split)),
                Err(more) => {
                    errors.0.extend(more.0);
                    None
                }
            },
        };
        match (volume_percent, aht_percent, service_level, answer_within_seconds, shrinkage) {
            (
                Some(volume_percent),
                Some(aht_percent),
                Some(service_level),
                Some(answer_within_seconds),
                Some(shrinkage),
            ) if errors.is_empty() => {
                Ok(Self { volume_percent, aht_percent, service_level, answer_within_seconds, shrinkage })
            }
            _ => Err(errors),
        }
    }

    /// The demand and settings with this change applied.
    pub fn apply(&self, demand: &[IntervalDemand], settings: &QueueSettings) -> (Vec<IntervalDemand>, QueueSettings) {
        let volume = 1.0 + self.volume_percent / 100.0;
        let aht = 1.0 + self.aht_percent / 100.0;
        let demand = demand
            .iter()
            .map(|d| IntervalDemand { start: d.start, volume: d.volume * volume, aht_seconds: d.aht_seconds * aht })
            .collect();
        let settings = QueueSettings {
            service_level: self.service_level.unwrap_or(settings.service_level),
            answer_within_seconds: self.answer_within_seconds.unwrap_or(settings.answer_within_seconds),
            shrinkage: self.shrinkage.unwrap_or(settings.shrinkage),
            workload: settings.workload,
        };
        (demand, settings)
    }
}

/// A week of requirements in a few numbers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// Contacts forecast.
    pub contacts: f64,
    /// The most agents any interval needs.
    pub peak_agents: u32,
    /// The most people any interval needs scheduled.
    pub peak_scheduled: u64,
    /// Agent hours needed on the queue.
    pub agent_hours: f64,
    /// Scheduled hours, shrinkage included.
    pub scheduled_hours: f64,
    /// Of those, hours scheduled to cover unplanned shrinkage.
    pub unplanned_hours: f64,
    /// Of those, hours scheduled to cover planned shrinkage.
    pub planned_hours: f64,
}

impl Summary {
    /// Sums `rows`, each `interval` long.
    pub fn of(rows: &[Requirement], interval: IntervalMinutes) -> Self {
        let hours = f64::from(interval.minutes()) / 60.0;
        rows.iter().fold(Self::default(), |s, r| Self {
            contacts: s.contacts + r.demand.volume,
            peak_agents: s.peak_agents.max(r.heads.agents),
            peak_scheduled: s.peak_scheduled.max(r.heads.scheduled),
            agent_hours: s.agent_hours + f64::from(r.heads.agents) * hours,
            scheduled_hours: s.scheduled_hours + r.heads.scheduled as f64 * hours,
            unplanned_hours: s.unplanned_hours + r.heads.for_unplanned as f64 * hours,
            planned_hours: s.planned_hours + r.heads.for_planned as f64 * hours,
        })
    }
}

#[cfg(test)]
#[path = "requirements_tests.rs"]
mod tests;
