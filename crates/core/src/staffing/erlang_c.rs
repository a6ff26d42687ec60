//! Erlang C (M/M/N): the chance of waiting, service level, ASA and occupancy.
//!
//! Assumptions: Poisson arrivals, exponential handle times, identical agents,
//! first come first served, an unlimited queue and no abandonment, steady state
//! within the interval. Computed through the Erlang B recurrence, which needs no
//! factorials and so never overflows, however large the traffic.

use super::metrics::Metrics;

/// The Erlang B recurrence, held so that it can advance one agent at a time.
///
/// A staffing search keeps one of these and calls [`ErlangB::advance`] per extra
/// agent, so finding N costs O(N) in all rather than O(N²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangB {
    traffic: f64,
    agents: u32,
    blocking: f64,
}

impl ErlangB {
    /// The recurrence at zero agents, where every contact is blocked: B(0, A) = 1.
    pub fn new(traffic_erlangs: f64) -> Self {
        Self { traffic: traffic_erlangs, agents: 0, blocking: 1.0 }
    }

    /// Adds one agent: B(n, A) = A·B(n−1, A) / (n + A·B(n−1, A)).
    pub fn advance(&mut self) {
        self.agents += 1;
        let carried = self.traffic * self.blocking;
        self.blocking = carried / (f64::from(self.agents) + carried);
    }

    /// Advances until there are `agents` agents (does nothing if already past).
    pub fn advance_to(&mut self, agents: u32) {
        while self.agents < agents {
            self.advance();
        }
    }

    /// The number of agents the recurrence has reached.
    pub fn agents(&self) -> u32 {
        self.agents
    }

    /// The traffic in Erlangs.
    pub fn traffic(&self) -> f64 {
        self.traffic
    }

    /// Erlang B: the share of contacts blocked with no queue, B(N, A).
    pub fn blocking(&self) -> f64 {
        self.blocking
    }

    /// Erlang C: the probability that a contact waits, C(N, A) = N·B / (N − A·(1 − B)),
    /// or `None` when N ≤ A and the queue grows without bound.
    pub fn wait_probability(&self) -> Option<f64> {
        let n = f64::from(self.agents);
        if n <= self.traffic {
            return None;
        }
        // N − A(1 − B) written as (N − A) + A·B: no cancellation when N is just
        // above a large A.
        let c = n * self.blocking / ((n - self.traffic) + self.traffic * self.blocking);
        Some(c.clamp(0.0, 1.0))
    }

    /// Every Erlang C figure at the current number of agents, for handle time
    /// `aht_seconds` and service-level threshold `answer_within_seconds`.
    pub fn metrics(&self, aht_seconds: f64, answer_within_seconds: f64) -> Metrics {
        let n = f64::from(self.agents);
        let occupancy = (self.agents > 0).then(|| (self.traffic / n).min(1.0));
        let Some(wait) = self.wait_probability() else {
            return Metrics {
                agents: self.agents,
                probability_of_wait: 1.0,
                service_level: 0.0,
                asa_seconds: None,
                occupancy,
                abandon_rate: None,
            };
        };
        // No one waits, so nothing else matters; this also avoids 0/0 when the
        // handle time is zero.
        if wait == 0.0 {
            return Metrics {
                agents: self.agents,
                probability_of_wait: 0.0,
                service_level: 1.0,
                asa_seconds: Some(0.0),
                occupancy,
                abandon_rate: None,
            };
        }
        let spare = n - self.traffic;
        let service_level = 1.0 - wait * (-spare * answer_within_seconds / aht_seconds).exp();
        Metrics {
            agents: self.agents,
            probability_of_wait: wait,
            service_level: service_level.clamp(0.0, 1.0),
            asa_seconds: Some(wait * aht_seconds / spare),
            occupancy,
            abandon_rate: None,
        }
    }
}

/// Erlang B, B(N, A): the share of contacts blocked when there is no queue.
pub fn erlang_b(agents: u32, traffic_erlangs: f64) -> f64 {
    let mut recurrence = ErlangB::new(traffic_erlangs);
    recurrence.advance_to(agents);
    recurrence.blocking()
}

/// Erlang C, C(N, A): the probability that a contact waits, or `None` when
/// N ≤ A (no steady state).
pub fn erlang_c(agents: u32, traffic_erlangs: f64) -> Option<f64> {
    let mut recurrence = ErlangB::new(traffic_erlangs);
    recurrence.advance_to(agents);
    recurrence.wait_probability()
}

/// Every Erlang C figure for `agents` agents.
pub fn erlang_c_metrics(agents: u32, traffic_erlangs: f64, aht_seconds: f64, answer_within_seconds: f64) -> Metrics {
    let mut recurrence = ErlangB::new(traffic_erlangs);
    recurrence.advance_to(agents);
    recurrence.metrics(aht_seconds, answer_within_seconds)
}
