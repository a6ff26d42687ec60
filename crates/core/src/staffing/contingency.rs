//! Contingency plans: named triggers with pre-agreed actions, and what each
//! action does to staffing, computed through the requirements model.
//!
//! - A [`Trigger`] is checked against figures the caller passes
//!   ([`Observed`]): forecast against actual contacts per interval, service
//!   level per interval, today's absence rate.
//! - Each trigger has a *stress*: the day it guards against, applied to the
//!   plan's demand and agents (more contacts, or fewer agents).
//! - An [`Action`]'s [`Effect`] compares that stressed day before and after the
//!   action: agents needed against available at the worst interval, its
//!   service level, and the agent-hours short over the day.

use super::forecast::IntervalMinutes;
use super::requirements::{IntervalDemand, QueueSettings, requirements, service_level_with};
use crate::fields::{FieldError, FieldErrors};

/// The volume increase assumed for a service-level trigger: the size of miss
/// that usually breaks service level (a forecast-exceeded trigger uses its own
/// percentage instead).
pub const SERVICE_LEVEL_STRESS_PERCENT: f64 = 10.0;

/// What sets a plan off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// Contacts so far today run more than `percent` above forecast.
    ForecastExceeded {
        /// Percent above forecast (10 means 10% more).
        percent: f64,
    },
    /// Service level below `share` for `intervals` consecutive intervals.
    ServiceLevelBelow {
        /// The service level, 0 to 1.
        share: f64,
        /// Consecutive intervals below it.
        intervals: u32,
    },
    /// Today's absence above `percent` of the people scheduled.
    AbsenceAbove {
        /// Percent absent.
        percent: f64,
    },
}

/// A pre-agreed action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Overtime: this many agent-hours, placed where the day is shortest.
    Overtime {
        /// Agent-hours of overtime.
        hours: f64,
    },
    /// Skill widening: this many agents from other queues join for the day.
    SkillWidening {
        /// Extra agents in every interval.
        agents: u32,
    },
    /// Deferring back-office work frees this many agent-hours for the queue,
    /// placed where the day is shortest.
    DeferBackOffice {
        /// Agent-hours of backlog work deferred.
        hours: f64,
    },
    /// Offering callbacks takes this share of offered contacts off the live queue.
    OfferCallbacks {
        /// Percent of offered contacts taking a callback.
        percent: f64,
    },
}

/// What has happened so far today, as far as the caller knows it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Observed<'a> {
    /// Forecast and actual contacts of each completed interval.
    pub contacts: &'a [(f64, f64)],
    /// Service level of each completed interval (`None`: no contacts).
    pub service_levels: &'a [Option<f64>],
    /// Share of scheduled people absent today, 0 to 1, if known.
    pub absence: Option<f64>,
}

/// Whether a trigger is firing, with the figure that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerState {
    /// True when the trigger's condition holds.
    pub firing: bool,
    /// The figure as a planner reads it, e.g. "contacts 12% above forecast".
    pub reading: String,
}

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

impl Trigger {
    /// The trigger in words.
    pub fn describe(&self) -> String {
        match *self {
            Trigger::ForecastExceeded { percent } => format!("Contacts more than {percent}% above forecast"),
            Trigger::ServiceLevelBelow { share, intervals } => {
                format!("Service level below {} for {intervals} intervals in a row", self::percent(share))
            }
            Trigger::AbsenceAbove { percent } => format!("Absence above {percent}%"),
        }
    }

    /// Checks the trigger against today's figures.
    pub fn check(&self, observed: &Observed<'_>) -> TriggerState {
        match *self {
            Trigger::ForecastExceeded { percent } => {
                let forecast: f64 = observed.contacts.iter().map(|(f, _)| f).sum();
                let actual: f64 = observed.contacts.iter().map(|(_, a)| a).sum();
                if forecast <= 0.0 {
                    return TriggerState { firing: false, reading: "No forecast contacts so far today".into() };
                }
                let over = actual / forecast - 1.0;
                let reading = if over >= 0.0 {
                    format!("Contacts {} above forecast so far", self::percent(over))
                } else {
                    format!("Contacts {} below forecast so far", self::percent(-over))
                };
                TriggerState { firing: over * 100.0 > percent, reading }
            }
            Trigger::ServiceLevelBelow { share, intervals } => {
                let mut run = 0u32;
                let mut longest = 0u32;
                for level in observed.service_levels {
                    // An interval without contacts neither breaks nor extends a run.
                    match level {
                        Some(level) if *level < share => run += 1,
                        Some(_) => run = 0,
                        None => {}
                    }
                    longest = longest.max(run);
                }
                TriggerState {
                    firing: intervals > 0 && longest >= intervals,
                    reading: format!("Longest run below {}: {longest} intervals", self::percent(share)),
                }
            }
            Trigger::AbsenceAbove { percent } => match observed.absence {
                Some(absence) => TriggerState {
                    firing: absence * 100.0 > percent,
                    reading: format!("Absence today {}", self::percent(absence)),
                },
                None => TriggerState { firing: false, reading: "Absence today not recorded".into() },
            },
        }
    }

    /// The stressed day this trigger guards against: (volume change in
    /// percent, share of planned agents lost).
    pub fn stress(&self) -> (f64, f64) {
        match *self {
            Trigger::ForecastExceeded { percent } => (percent, 0.0),
            Trigger::ServiceLevelBelow { .. } => (SERVICE_LEVEL_STRESS_PERCENT, 0.0),
            Trigger::AbsenceAbove { percent } => (0.0, percent / 100.0),
        }
    }
}

impl Action {
    /// The action in words.
    pub fn describe(&self) -> String {
        match *self {
            Action::Overtime { hours } => format!("Overtime: {hours} agent-hours"),
            Action::SkillWidening { agents } => format!("Skill widening: {agents} agents from other queues"),
            Action::DeferBackOffice { hours } => format!("Defer back-office work: {hours} agent-hours freed"),
            Action::OfferCallbacks { percent } => format!("Offer callbacks: {percent}% of contacts"),
        }
    }
}

/// Reads a trigger from its kind and thresholds as typed, naming the field at fault.
pub fn parse_trigger(kind: &str, threshold: &str, intervals: &str) -> Result<Trigger, FieldErrors> {
    let number = |field: &str, text: &str, low: f64, high: f64| -> Result<f64, FieldError> {
        let text = text.trim().trim_end_matches('%').trim();
        match text.parse::<f64>() {
            Ok(v) if (low..=high).contains(&v) => Ok(v),
            _ => Err(FieldError::new(
                field,
                format!("Enter a number from {low} to {high} (you entered \u{201c}{text}\u{201d})."),
            )),
        }
    };
    let one = |e: FieldError| FieldErrors(vec![e]);
    match kind {
        "forecast_exceeded" => {
            Ok(Trigger::ForecastExceeded { percent: number("threshold", threshold, 0.0, 1000.0).map_err(one)? })
        }
        "absence_above" => {
            Ok(Trigger::AbsenceAbove { percent: number("threshold", threshold, 0.0, 100.0).map_err(one)? })
        }
        "service_level_below" => {
            let mut errors = FieldErrors::default();
            let share = errors.check(number("threshold", threshold, 0.0, 1.0));
            let run = errors.check(number("intervals", intervals, 1.0, 96.0));
            match (share, run) {
                (Some(share), Some(run)) if run.fract() == 0.0 => {
                    Ok(Trigger::ServiceLevelBelow { share, intervals: run as u32 })
                }
                (Some(_), Some(_)) => {
                    Err(one(FieldError::new("intervals", "Enter a whole number of intervals, such as 3.")))
                }
                _ => Err(errors),
            }
        }
        other => Err(one(FieldError::new(
            "trigger_kind",
            format!("Choose a trigger from the list (\u{201c}{other}\u{201d} is not one)."),
        ))),
    }
}

/// Reads an action from its kind and amount as typed, naming the field at fault.
pub fn parse_action(field: &str, kind: &str, amount: &str) -> Result<Action, FieldError> {
    let text = amount.trim().trim_end_matches('%').trim();
    let value = text.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0).ok_or_else(|| {
        FieldError::new(field, format!("Enter an amount above 0, such as 8 (you entered \u{201c}{text}\u{201d})."))
    })?;
    match kind {
        "overtime" if value <= 10_000.0 => Ok(Action::Overtime { hours: value }),
        "defer_back_office" if value <= 10_000.0 => Ok(Action::DeferBackOffice { hours: value }),
        "skill_widening" if value.fract() == 0.0 && value <= 1000.0 => {
            Ok(Action::SkillWidening { agents: value as u32 })
        }
        "offer_callbacks" if value <= 100.0 => Ok(Action::OfferCallbacks { percent: value }),
        "overtime" | "defer_back_office" | "skill_widening" | "offer_callbacks" => Err(FieldError::new(
            field,
            format!(
                "That amount is out of range for this action (you entered {value}): hours up to 10000, agents a \
                 whole number up to 1000, callbacks up to 100%."
            ),
        )),
        other => {
            Err(FieldError::new(field, format!("Choose an action from the list (\u{201c}{other}\u{201d} is not one).")))
        }
    }
}

/// The staffing of a stressed day, before or after an action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    /// Agents needed at the worst interval.
    pub needed: u32,
    /// Agents available there.
    pub available: u32,
    /// People to schedule for `needed` after shrinkage.
    pub scheduled_needed: u64,
    /// Service level there with the agents available (queued work only).
    pub service_level: Option<f64>,
    /// Agent-hours short over the whole day.
    pub short_hours: f64,
}

/// What an action does to the stressed day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    /// Index of the worst interval before the action (largest shortfall, or
    /// busiest when nothing is short).
    pub worst_interval: usize,
    /// Before the action.
    pub before: Snapshot,
    /// After it.
    pub after: Snapshot,
}

/// The effect of `action` on a day whose plan is `demand` (forecast) staffed
/// with `planned` agents per interval, under the stress of `trigger`.
///
/// Hours of overtime or deferred work are placed one agent-interval at a time
/// where the shortfall is largest, because that is where a planner would put them.
pub fn effect(
    trigger: &Trigger,
    action: &Action,
    demand: &[IntervalDemand],
    planned: &[u32],
    interval: IntervalMinutes,
    settings: &QueueSettings,
) -> Result<Effect, FieldError> {
    let (volume_percent, lost) = trigger.stress();
    let stressed: Vec<IntervalDemand> =
        demand.iter().map(|d| IntervalDemand { volume: d.volume * (1.0 + volume_percent / 100.0), ..*d }).collect();
    // Absent people are whole people: round the agents left down.
    let available: Vec<u32> = planned.iter().map(|&a| (f64::from(a) * (1.0 - lost)).floor() as u32).collect();
    let needed: Vec<u32> = requirements(&stressed, interval, settings)?.iter().map(|r| r.heads.agents).collect();
    let worst = worst_interval(&needed, &available);
    let before = snapshot(worst, &stressed, &needed, &available, interval, settings)?;
    let interval_hours = f64::from(interval.minutes()) / 60.0;
    let (after_demand, after_needed, after_available) = match *action {
        Action::Overtime { hours } | Action::DeferBackOffice { hours } => {
            let mut more = available.clone();
            let mut slots = (hours / interval_hours + 1e-9).floor() as u64;
            while slots > 0 {
                let Some(k) = (0..more.len()).filter(|&k| needed[k] > more[k]).max_by_key(|&k| needed[k] - more[k])
                else {
                    break;
                };
                more[k] += 1;
                slots -= 1;
            }
            (stressed.clone(), needed.clone(), more)
        }
        Action::SkillWidening { agents } => {
            (stressed.clone(), needed.clone(), available.iter().map(|a| a.saturating_add(agents)).collect())
        }
        Action::OfferCallbacks { percent } => {
            let fewer: Vec<IntervalDemand> =
                stressed.iter().map(|d| IntervalDemand { volume: d.volume * (1.0 - percent / 100.0), ..*d }).collect();
            let needed = requirements(&fewer, interval, settings)?.iter().map(|r| r.heads.agents).collect();
            (fewer, needed, available.clone())
        }
    };
    let after = snapshot(worst, &after_demand, &after_needed, &after_available, interval, settings)?;
    Ok(Effect { worst_interval: worst, before, after })
}

fn worst_interval(needed: &[u32], available: &[u32]) -> usize {
    (0..needed.len())
        .max_by_key(|&k| (needed[k].saturating_sub(available.get(k).copied().unwrap_or(0)), needed[k]))
        .unwrap_or(0)
}

fn snapshot(
    worst: usize,
    demand: &[IntervalDemand],
    needed: &[u32],
    available: &[u32],
    interval: IntervalMinutes,
    settings: &QueueSettings,
) -> Result<Snapshot, FieldError> {
    let interval_hours = f64::from(interval.minutes()) / 60.0;
    let short_hours =
        needed.iter().zip(available).map(|(n, a)| f64::from(n.saturating_sub(*a)) * interval_hours).sum::<f64>();
    let (needed, available) = (needed.get(worst).copied().unwrap_or(0), available.get(worst).copied().unwrap_or(0));
    let service_level = match demand.get(worst) {
        Some(d) => service_level_with(d, interval, settings, available)?,
        None => None,
    };
    Ok(Snapshot {
        needed,
        available,
        scheduled_needed: settings.shrinkage.heads(needed).scheduled,
        service_level,
        short_hours,
    })
}

#[cfg(test)]
#[path = "contingency_tests.rs"]
mod tests;
