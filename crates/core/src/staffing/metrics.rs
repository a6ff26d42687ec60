//! The figures a queueing model gives for one number of agents.

/// What a queueing model expects for one interval staffed with `agents` agents.
///
/// `None` marks a figure that cannot be computed, so that callers print `null`
/// rather than NaN or infinity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// The number of agents these figures are for.
    pub agents: u32,
    /// Probability that a contact has to wait at all.
    pub probability_of_wait: f64,
    /// Share of contacts answered within the threshold (0 to 1).
    pub service_level: f64,
    /// Average speed of answer in seconds; `None` when the queue has no steady
    /// state (Erlang C with agents ≤ traffic) or nobody is ever answered.
    pub asa_seconds: Option<f64>,
    /// Share of agent time spent handling contacts; `None` with no agents.
    pub occupancy: Option<f64>,
    /// Share of contacts that abandon while waiting: Erlang A only.
    pub abandon_rate: Option<f64>,
}

impl Metrics {
    /// The figures for an interval with no contacts: nothing waits, nothing is
    /// late, and occupancy is undefined (no contacts, possibly no agents).
    pub fn no_contacts(agents: u32, with_abandonment: bool) -> Self {
        Self {
            agents,
            probability_of_wait: 0.0,
            service_level: 1.0,
            asa_seconds: Some(0.0),
            occupancy: None,
            abandon_rate: with_abandonment.then_some(0.0),
        }
    }
}
