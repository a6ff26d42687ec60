//! Spot-check queues: the sample shared among evaluators so that their counts
//! differ by at most one and nobody evaluates their own contacts.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::sampling::Pick;
use crate::fields::FieldError;

/// One pick in one evaluator's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The contact.
    pub contact_id: String,
    /// The agent who handled it.
    pub agent: String,
    /// The evaluator who will score it.
    pub evaluator: String,
}

/// Shares `picks` among `evaluators`, in the order of `picks`.
///
/// Each evaluator gets ⌊P/E⌋ or ⌈P/E⌉ picks. The extra ones go to the
/// evaluators with the fewest own contacts in the sample, which is the only
/// choice that can matter: a share is possible exactly when no evaluator's own
/// contacts exceed what the others can take, P − (their count) (Hall's
/// condition, since a pick excludes at most one evaluator). The error, on
/// `evaluators`, names who breaks it. The seed breaks ties and shuffles who
/// gets which contact, so that the same agent does not always meet the same
/// evaluator.
pub fn assign_evaluators(picks: &[Pick], evaluators: &[String], seed: u64) -> Result<Vec<Assignment>, FieldError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let names: Vec<&str> = evaluators.iter().map(String::as_str).collect::<BTreeSet<_>>().into_iter().collect();
    if names.is_empty() {
        return Err(FieldError::new("evaluators", "Name at least one evaluator."));
    }
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in picks.iter().enumerate() {
        groups.entry(&p.agent).or_default().push(i);
    }
    let own = |e: &str| groups.get(e).map_or(0, Vec::len);
    let total = picks.len();
    let (base, extra) = (total / names.len(), total % names.len());
    let mut order: Vec<&str> = names.clone();
    order.shuffle(&mut rng);
    order.sort_by_key(|e| own(e));
    let capacity: BTreeMap<&str, usize> =
        order.iter().enumerate().map(|(rank, &e)| (e, base + usize::from(rank < extra))).collect();
    for &e in &order {
        if own(e) > total - capacity.get(e).copied().unwrap_or(0) {
            return Err(FieldError::new(
                "evaluators",
                format!(
                    "{e} handled {} of the {total} picked contacts, more than the other evaluators \
                     can take between them while keeping queues even; add another evaluator.",
                    own(e)
                ),
            ));
        }
    }
    let group_list: Vec<(&str, Vec<usize>)> = groups.into_iter().collect();
    let flows = max_flow(&group_list, &order, &capacity);
    let mut result: Vec<Option<Assignment>> = vec![None; picks.len()];
    for (g, (_, members)) in group_list.iter().enumerate() {
        let mut members = members.clone();
        members.shuffle(&mut rng);
        let mut members = members.into_iter();
        for (e, &evaluator) in order.iter().enumerate() {
            for i in members.by_ref().take(flows[g][e]) {
                result[i] = Some(Assignment {
                    contact_id: picks[i].contact_id.clone(),
                    agent: picks[i].agent.clone(),
                    evaluator: evaluator.to_owned(),
                });
            }
        }
    }
    let assigned: Vec<Assignment> = result.into_iter().flatten().collect();
    if assigned.len() == picks.len() {
        Ok(assigned)
    } else {
        // Unreachable when the check above passed; kept so that a mistake shows as an error, not a short queue.
        Err(FieldError::new(
            "evaluators",
            "These evaluators cannot share the sample evenly without evaluating their own contacts.",
        ))
    }
}

/// Edmonds–Karp on source → agent groups → evaluators → sink; returns the
/// flow from each group to each evaluator.
fn max_flow(groups: &[(&str, Vec<usize>)], evaluators: &[&str], capacity: &BTreeMap<&str, usize>) -> Vec<Vec<usize>> {
    let g = groups.len();
    let e = evaluators.len();
    let (source, sink) = (0, g + e + 1);
    let size = g + e + 2;
    let mut cap = vec![vec![0_usize; size]; size];
    for (i, (agent, members)) in groups.iter().enumerate() {
        cap[source][1 + i] = members.len();
        for (j, &evaluator) in evaluators.iter().enumerate() {
            if evaluator != *agent {
                cap[1 + i][1 + g + j] = members.len();
            }
        }
    }
    for (j, evaluator) in evaluators.iter().enumerate() {
        cap[1 + g + j][sink] = capacity.get(evaluator).copied().unwrap_or(0);
    }
    let original = cap.clone();
    loop {
        let mut parent = vec![usize::MAX; size];
        parent[source] = source;
        let mut queue = VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for v in 0..size {
                if parent[v] == usize::MAX && cap[u][v] > 0 {
                    parent[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if parent[sink] == usize::MAX {
            break;
        }
        let mut bottleneck = usize::MAX;
        let mut v = sink;
        while v != source {
            bottleneck = bottleneck.min(cap[parent[v]][v]);
            v = parent[v];
        }
        let mut v = sink;
        while v != source {
            let u = parent[v];
            cap[u][v] -= bottleneck;
            cap[v][u] += bottleneck;
            v = u;
        }
    }
    (0..g).map(|i| (0..e).map(|j| original[1 + i][1 + g + j].saturating_sub(cap[1 + i][1 + g + j])).collect()).collect()
}
