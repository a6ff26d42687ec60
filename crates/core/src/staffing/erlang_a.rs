//! Erlang A (M/M/N+M): Erlang C plus abandonment with exponential patience.
//!
//! The number of contacts in the system is a birth-death chain; its stationary
//! distribution is computed in log space and truncated where the remaining tail
//! is below 10⁻¹⁷ of the largest term. The service level comes from
//! uniformisation of the absorbing chain of a caller's queue position
//! (shared/domain/staffing.md §4). Time is measured in handle times throughout,
//! so service rate is 1 per agent, arrival rate is the traffic in Erlangs and
//! abandonment rate per waiting contact is AHT / mean patience.
//!
//! Because waiting contacts leave, the chain has a steady state for every number
//! of agents, including N ≤ traffic.

use super::metrics::Metrics;

/// The most states the chain may hold before the calculation is refused.
///
/// Only a patience that is very long next to the handle time, with far fewer
/// agents than traffic, needs this many (the queue then runs to millions).
pub const MAX_STATES: usize = 4_000_000;

/// The Erlang A chain could not be computed within [`MAX_STATES`] states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the Erlang A queue for {agents} agents would need more than {MAX_STATES} states; \
     use a shorter patience or leave it out to use Erlang C"
)]
pub struct ChainTooLarge {
    /// The number of agents being evaluated.
    pub agents: u32,
}

/// Erlang A figures for one number of agents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangAMetrics {
    /// The common figures; `abandon_rate` is always `Some`, and `occupancy` is
    /// the carried load (answered contacts only) per agent.
    pub metrics: Metrics,
    /// Share of all contacts that abandon within the service-level threshold.
    pub abandon_within_threshold: f64,
    /// Share of all contacts eventually answered (1 − abandon rate, computed
    /// independently from the queue-position chain as a cross-check).
    pub answered_share: f64,
}

/// The parameters of one Erlang A evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Offered traffic in Erlangs (> 0).
    pub traffic_erlangs: f64,
    /// Average handle time in seconds (> 0).
    pub aht_seconds: f64,
    /// Mean patience of a waiting contact in seconds (> 0).
    pub patience_seconds: f64,
    /// Service-level threshold in seconds (≥ 0).
    pub answer_within_seconds: f64,
}

impl ErlangA {
    /// Every Erlang A figure for `agents` agents.
    pub fn metrics(&self, agents: u32) -> Result<ErlangAMetrics, ChainTooLarge> {
        let theta = self.aht_seconds / self.patience_seconds;
        let threshold = self.answer_within_seconds / self.aht_seconds;
        if agents == 0 {
            let gone = 1.0 - (-theta * threshold).exp();
            return Ok(ErlangAMetrics {
                metrics: Metrics {
                    agents,
                    probability_of_wait: 1.0,
                    service_level: 0.0,
                    asa_seconds: None,
                    occupancy: None,
                    abandon_rate: Some(1.0),
                },
                abandon_within_threshold: gone,
                answered_share: 0.0,
            });
        }
        let n = agents as usize;
        let servers = f64::from(agents);
        let pi = stationary(self.traffic_erlangs, agents, theta)?;

        let not_waiting: f64 = pi.iter().take(n).sum();
        let waiting: f64 = pi.iter().skip(n).sum();
        let mean_queue: f64 = pi.iter().enumerate().skip(n + 1).map(|(k, p)| (k - n) as f64 * p).sum();
        // Little's law: abandonments per unit time are θ·E[Q], arrivals A.
        let abandon_rate = (theta * mean_queue / self.traffic_erlangs).clamp(0.0, 1.0);

        // A contact arriving to k ≥ N joins at position j = k − N + 1. Its time at
        // each position i is exponential with rate N + iθ whatever happens next,
        // so P(answered) = N / (N + jθ) and E[wait | answered] = Σ_{i≤j} 1/(N + iθ).
        let queue = &pi[n.min(pi.len())..];
        let mut answered_waiting = 0.0;
        let mut answered_wait_total = 0.0;
        let mut mean_time_to_leave = 0.0;
        for (index, &mass) in queue.iter().enumerate() {
            let j = (index + 1) as f64;
            mean_time_to_leave += 1.0 / (servers + j * theta);
            let answered = servers / (servers + j * theta);
            answered_waiting += mass * answered;
            answered_wait_total += mass * answered * mean_time_to_leave;
        }
        let answered_share = not_waiting + answered_waiting;
        let asa_seconds = (answered_share > 0.0).then(|| answered_wait_total / answered_share * self.aht_seconds);

        let (served_by, abandoned_by) = absorbed_by(queue, servers, theta, threshold);
        Ok(ErlangAMetrics {
            metrics: Metrics {
                agents,
                probability_of_wait: waiting.clamp(0.0, 1.0),
                service_level: (not_waiting + served_by).clamp(0.0, 1.0),
                asa_seconds,
                occupancy: Some((self.traffic_erlangs * (1.0 - abandon_rate) / servers).clamp(0.0, 1.0)),
                abandon_rate: Some(abandon_rate),
            },
            abandon_within_threshold: abandoned_by.clamp(0.0, 1.0),
            answered_share,
        })
    }
}

/// The stationary distribution of the number in system, truncated where the
/// rest of the tail is below 10⁻¹⁷ of the largest term.
fn stationary(traffic: f64, agents: u32, theta: f64) -> Result<Vec<f64>, ChainTooLarge> {
    let servers = f64::from(agents);
    let ln_traffic = traffic.ln();
    let mut logs = vec![0.0_f64];
    let mut largest = 0.0_f64;
    loop {
        let k = logs.len() as f64;
        let death = if k <= servers { k } else { servers + (k - servers) * theta };
        let ratio = traffic / death;
        // Past the mode the ratios only fall, so the tail is at most a geometric
        // series in the current ratio.
        if ratio < 1.0 {
            let last = logs.last().copied().unwrap_or(0.0);
            let tail = (last - largest).exp() * ratio / (1.0 - ratio);
            if tail < 1e-17 {
                break;
            }
        }
        if logs.len() >= MAX_STATES {
            return Err(ChainTooLarge { agents });
        }
        let next = logs.last().copied().unwrap_or(0.0) + ln_traffic - death.ln();
        largest = largest.max(next);
        logs.push(next);
    }
    let weights: Vec<f64> = logs.iter().map(|l| (l - largest).exp()).collect();
    let total: f64 = weights.iter().sum();
    Ok(weights.into_iter().map(|w| w / total).collect())
}

/// The mass answered and the mass abandoned by time `t` (in handle times) of
/// the absorbing queue-position chain started from `queue` (mass at positions
/// 1, 2, ...), by uniformisation at rate Λ = N + Jθ.
fn absorbed_by(queue: &[f64], servers: f64, theta: f64, t: f64) -> (f64, f64) {
    if queue.is_empty() || t <= 0.0 {
        return (0.0, 0.0);
    }
    let positions = queue.len();
    let uniform_rate = servers + positions as f64 * theta;
    let mean_jumps = uniform_rate * t;
    let ln_mean = mean_jumps.ln();
    // Poisson(Λt) has negligible mass beyond Λt + 40·sqrt(Λt) + 50.
    let last_jump = (mean_jumps + 40.0 * mean_jumps.sqrt() + 50.0).ceil() as usize;
    let mut mass = queue.to_vec();
    let mut next = vec![0.0; positions];
    let (mut served, mut abandoned) = (0.0, 0.0);
    let (mut served_by, mut abandoned_by) = (0.0, 0.0);
    let mut log_weight = -mean_jumps;
    for jump in 0..=last_jump {
        if jump > 0 {
            log_weight += ln_mean - (jump as f64).ln();
        }
        let weight = log_weight.exp();
        served_by += weight * served;
        abandoned_by += weight * abandoned;
        if jump as f64 > mean_jumps && weight < 1e-18 {
            break;
        }
        // One uniformised step. Position i (1-based) leaves at rate N + iθ:
        // forward at N + (i−1)θ (to service from position 1), abandons at θ.
        served += mass[0] * servers / uniform_rate;
        let mut leaving_total = 0.0;
        for i in 0..positions {
            let position = (i + 1) as f64;
            let leaves = (servers + position * theta) / uniform_rate;
            let from_behind =
                if i + 1 < positions { mass[i + 1] * (servers + position * theta) / uniform_rate } else { 0.0 };
            next[i] = mass[i] * (1.0 - leaves) + from_behind;
            leaving_total += mass[i];
        }
        abandoned += leaving_total * theta / uniform_rate;
        std::mem::swap(&mut mass, &mut next);
    }
    (served_by, abandoned_by)
}
