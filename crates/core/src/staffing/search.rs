//! The staffing search: the fewest agents that meet every target.

use super::erlang_a::{ChainTooLarge, ErlangA, ErlangAMetrics};
use super::erlang_c::ErlangB;
use super::inputs::{Model, StaffingRequest, Targets};
use super::metrics::Metrics;

/// A target (or natural limit) that a number of agents can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Constraint {
    /// Erlang C needs more agents than traffic, or the queue grows without bound.
    StableQueue,
    /// Contacts arrive, so someone must be there to answer them.
    SomeoneToAnswer,
    /// The service-level target.
    ServiceLevel,
    /// The most-allowed occupancy.
    Occupancy,
    /// The average-speed-of-answer target.
    AverageSpeedOfAnswer,
}

impl Constraint {
    /// A short name for tables and messages.
    pub fn label(self) -> &'static str {
        match self {
            Constraint::StableQueue => "stable queue (agents > traffic)",
            Constraint::SomeoneToAnswer => "at least one agent",
            Constraint::ServiceLevel => "service level",
            Constraint::Occupancy => "maximum occupancy",
            Constraint::AverageSpeedOfAnswer => "ASA target",
        }
    }
}

/// The answer to a staffing request.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingPlan {
    /// Offered traffic in Erlangs.
    pub traffic_erlangs: f64,
    /// The fewest agents that meet every target.
    pub agents: u32,
    /// People to schedule so that `agents` are available after shrinkage.
    pub scheduled_agents: u64,
    /// The expected figures with `agents` agents.
    pub metrics: Metrics,
    /// Share of contacts that abandon within the service-level threshold
    /// (Erlang A only).
    pub abandon_within_threshold: Option<f64>,
    /// The constraints that one agent fewer would fail: what decided `agents`.
    /// Empty when no agents are needed.
    pub binding: Vec<Constraint>,
}

/// Finds the fewest agents that meet every target of `request`.
///
/// Erlang C: the smallest N > traffic whose service level reaches the target,
/// whose occupancy traffic / N is within the cap (decided exactly on the
/// decimal inputs) and whose ASA is within its target, if one is given. Both
/// exact conditions hold from a smallest N on, computed once in closed form;
/// from there one Erlang B recurrence is advanced agent by agent, testing only
/// the floating-point targets, so the search costs O(N) cheap steps and the
/// answer's figures (and those of one agent fewer) come from that same pass.
///
/// Erlang A: the smallest N ≥ 1 that meets the same targets under the Erlang A
/// model, where occupancy is the carried load (answered contacts) per agent.
/// N ≤ traffic is allowed, because with abandonment the queue is stable for any
/// N; planners should therefore read `abandon_rate` beside the service level, as
/// the model can meet a service level by losing callers. The search starts from
/// the Erlang C answer, gallops to bracket the answer and bisects, relying on
/// the figures improving monotonically with N (property-tested).
///
/// With no contacts (volume 0) no agents are needed: every figure is the trivial
/// one and occupancy is undefined.
pub fn plan(request: &StaffingRequest) -> Result<StaffingPlan, ChainTooLarge> {
    plan_with(request, Detail::Full)
}

/// How much of a [`StaffingPlan`] [`plan_with`] works out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything, [`StaffingPlan::binding`] included.
    Full,
    /// Under Erlang C, the figures only: `binding` is left empty. For callers
    /// that never show it (the batch JSON answer), this spares two exact tests
    /// and a list per interval. Erlang A still works `binding` out, as checking
    /// one agent fewer can fail, and that failure must not go unreported.
    Figures,
}

/// As [`plan`], working out only what `detail` asks for; every figure is the
/// same either way.
pub fn plan_with(request: &StaffingRequest, detail: Detail) -> Result<StaffingPlan, ChainTooLarge> {
    let traffic_erlangs = request.load.traffic_erlangs();
    let with_abandonment = matches!(request.model, Model::ErlangA { .. });
    if request.load.volume().is_zero() {
        return Ok(StaffingPlan {
            traffic_erlangs,
            agents: 0,
            scheduled_agents: 0,
            metrics: Metrics::no_contacts(0, with_abandonment),
            abandon_within_threshold: with_abandonment.then_some(0.0),
            binding: Vec::new(),
        });
    }
    let found = search_erlang_c(request);
    let (agents, abandon_within_threshold, metrics, binding) = match erlang_a(request) {
        None => {
            // The search stops at N ≥ 1, so `fewer` is the state at N − 1.
            let binding = match detail {
                Detail::Full => failed_constraints(request, &found.fewer),
                Detail::Figures => Vec::new(),
            };
            (found.answer.agents, None, found.answer, binding)
        }
        Some(model) => {
            let (agents, figures) = search_erlang_a(request, &model, found.answer.agents)?;
            let binding = match agents.checked_sub(1) {
                Some(fewer) => failed_constraints(request, &evaluate(request, fewer)?),
                None => Vec::new(),
            };
            (agents, Some(figures.abandon_within_threshold), figures.metrics, binding)
        }
    };
    Ok(StaffingPlan {
        traffic_erlangs,
        agents,
        scheduled_agents: request.shrinkage.scheduled(agents),
        metrics,
        abandon_within_threshold,
        binding,
    })
}

/// The figures of `request`'s model with `agents` agents, whether or not they
/// meet the targets (for showing the trade-off around the answer).
pub fn evaluate(request: &StaffingRequest, agents: u32) -> Result<Metrics, ChainTooLarge> {
    if request.load.volume().is_zero() {
        return Ok(Metrics::no_contacts(agents, erlang_a(request).is_some()));
    }
    match erlang_a(request) {
        Some(model) => erlang_a_metrics(&model, agents).map(|m| m.metrics),
        None => {
            let mut recurrence = ErlangB::new(request.load.traffic_erlangs());
            recurrence.advance_to(agents);
            Ok(recurrence.metrics(request.load.aht_seconds().to_f64(), request.targets.answer_within_seconds))
        }
    }
}

/// The constraints of `request` that `metrics` fail, in a fixed order.
pub fn failed_constraints(request: &StaffingRequest, metrics: &Metrics) -> Vec<Constraint> {
    let targets = &request.targets;
    let agents = u64::from(metrics.agents);
    let mut failed = Vec::new();
    if request.load.volume().is_zero() {
        return failed;
    }
    let erlang_c = erlang_a(request).is_none();
    if erlang_c && !request.load.is_stable_with(agents) {
        failed.push(Constraint::StableQueue);
    }
    if agents == 0 {
        failed.push(Constraint::SomeoneToAnswer);
    }
    if misses_service_level(targets, metrics) {
        failed.push(Constraint::ServiceLevel);
    }
    let occupancy_ok = if erlang_c {
        request.load.occupancy_within(agents, targets.max_occupancy)
    } else {
        metrics.occupancy.is_some_and(|o| o <= targets.max_occupancy.share().to_f64())
    };
    if !occupancy_ok {
        failed.push(Constraint::Occupancy);
    }
    if misses_asa(targets, metrics) {
        failed.push(Constraint::AverageSpeedOfAnswer);
    }
    failed
}

/// The floating-point service-level test, shared by the search and
/// [`failed_constraints`] so that both decide it identically.
fn misses_service_level(targets: &Targets, metrics: &Metrics) -> bool {
    metrics.service_level < targets.service_level.share()
}

/// The floating-point ASA test (never missed without an ASA target).
fn misses_asa(targets: &Targets, metrics: &Metrics) -> bool {
    targets.max_asa.is_some_and(|max| !metrics.asa_seconds.is_some_and(|asa| asa <= max.seconds()))
}

/// The Erlang C answer and the figures of one agent fewer.
struct ErlangCSearch {
    answer: Metrics,
    fewer: Metrics,
}

/// The Erlang C answer (volume > 0).
///
/// Stability (N > traffic) and the occupancy cap (traffic / N ≤ cap) are exact
/// and monotone in N, so they hold exactly from `start` on, the larger of the
/// two smallest Ns, each found once by an integer division on the exact traffic.
/// From `start` only the floating-point targets (service level and ASA) can
/// fail, and they are tested per step on the one recurrence, which is never
/// re-run. `start` ≥ 1 (the smallest stable N is at least 1), so the answer
/// always has an N − 1.
fn search_erlang_c(request: &StaffingRequest) -> ErlangCSearch {
    let load = &request.load;
    let targets = &request.targets;
    let start = load.min_stable_agents().max(load.min_agents_within(targets.max_occupancy));
    // The traffic cap keeps N far below u32::MAX.
    let start = u32::try_from(start).unwrap_or(u32::MAX);
    // Converted once: the exact decimal to f64 is not free.
    let aht_seconds = load.aht_seconds().to_f64();
    let within = targets.answer_within_seconds;
    let mut recurrence = ErlangB::new(load.traffic_erlangs());
    recurrence.advance_to(start.saturating_sub(1));
    let mut fewer = recurrence.metrics(aht_seconds, within);
    loop {
        recurrence.advance();
        let answer = recurrence.metrics(aht_seconds, within);
        if !misses_service_level(targets, &answer) && !misses_asa(targets, &answer) {
            return ErlangCSearch { answer, fewer };
        }
        fewer = answer;
    }
}

fn erlang_a(request: &StaffingRequest) -> Option<ErlangA> {
    match request.model {
        Model::ErlangC => None,
        Model::ErlangA { patience } => Some(ErlangA {
            traffic_erlangs: request.load.traffic_erlangs(),
            aht_seconds: request.load.aht_seconds().to_f64(),
            patience_seconds: patience.seconds(),
            answer_within_seconds: request.targets.answer_within_seconds,
        }),
    }
}

fn erlang_a_metrics(model: &ErlangA, agents: u32) -> Result<ErlangAMetrics, ChainTooLarge> {
    if model.traffic_erlangs == 0.0 {
        // Contacts that take no time: anyone present answers at once.
        let mut metrics = Metrics::no_contacts(agents, true);
        if agents > 0 {
            metrics.occupancy = Some(0.0);
        } else {
            metrics.probability_of_wait = 1.0;
            metrics.service_level = 0.0;
            metrics.asa_seconds = None;
            metrics.abandon_rate = Some(1.0);
        }
        return Ok(ErlangAMetrics {
            metrics,
            abandon_within_threshold: 0.0,
            answered_share: if agents > 0 { 1.0 } else { 0.0 },
        });
    }
    model.metrics(agents)
}

fn search_erlang_a(
    request: &StaffingRequest,
    model: &ErlangA,
    erlang_c_agents: u32,
) -> Result<(u32, ErlangAMetrics), ChainTooLarge> {
    let meets = |agents: u32| -> Result<Option<ErlangAMetrics>, ChainTooLarge> {
        let figures = erlang_a_metrics(model, agents)?;
        Ok(failed_constraints(request, &figures.metrics).is_empty().then_some(figures))
    };
    // Bracket the answer between a failing `low` (0 always fails: nobody
    // answers) and a meeting `high`, galloping away from the Erlang C answer,
    // then bisect. Each evaluation costs a whole chain, so this takes
    // O(log distance) evaluations rather than one per agent.
    let start = erlang_c_agents.max(1);
    let (mut low, mut high, mut best) = match meets(start)? {
        Some(figures) => {
            let (mut high, mut best, mut step) = (start, figures, 1u32);
            let mut low = 0;
            while high > 1 {
                let candidate = high.saturating_sub(step).max(1);
                match meets(candidate)? {
                    Some(figures) => (high, best) = (candidate, figures),
                    None => {
                        low = candidate;
                        break;
                    }
                }
                step = step.saturating_mul(2);
            }
            (low, high, best)
        }
        None => {
            let (mut low, mut step) = (start, 1u32);
            loop {
                let candidate = low.saturating_add(step);
                if let Some(figures) = meets(candidate)? {
                    break (low, candidate, figures);
                }
                low = candidate;
                step = step.saturating_mul(2);
            }
        }
    };
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        match meets(middle)? {
            Some(figures) => (high, best) = (middle, figures),
            None => low = middle,
        }
    }
    Ok((high, best))
}
