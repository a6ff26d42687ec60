//! QA in the numbers: each agent's mean score with its 95% interval and a
//! "not yet reliable" flag under the sample threshold, and criterion failure
//! rates per person and team (which feed skills gaps).

use crewdeck_core::quality::{
    CriterionFailureRate, Evaluation, GapRule, QaSummary, Rating, ReliableFrom, SkillGap, failure_rates, skills_gaps,
    summarise,
};
use serde::Serialize;

use super::evaluations::{self, ratings_of_many, score_ratings};
use super::scorecards;
use crate::db::Db;
use crate::error::StoreResult;

/// One agent's QA numbers over a period.
#[derive(Debug, Clone, Serialize)]
pub struct AgentNumbers {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Mean, interval and reliability; `None` without evaluations.
    pub summary: Option<QaSummary>,
    /// Criterion failure rates, worst first.
    pub failures: Vec<CriterionFailureRate>,
    /// Skills whose criteria keep failing (at least 5 ratings, over 20% failed).
    pub gaps: Vec<SkillGap>,
}

/// The QA numbers of a group of people.
#[derive(Debug, Clone, Serialize)]
pub struct Numbers {
    /// The group as a whole.
    pub overall: Option<QaSummary>,
    /// Failure rates over the group, worst first.
    pub failures: Vec<CriterionFailureRate>,
    /// Per agent, by name.
    pub agents: Vec<AgentNumbers>,
}

fn worst_first(mut rates: Vec<CriterionFailureRate>) -> Vec<CriterionFailureRate> {
    let share = |r: &CriterionFailureRate| if r.applicable == 0 { 0.0 } else { r.failed as f64 / r.applicable as f64 };
    rates.sort_by(|a, b| share(b).total_cmp(&share(a)));
    rates
}

/// QA numbers of the evaluations of `people` (`None`: everyone) whose contact
/// fell from `from` to `to` (Unix seconds, `to` excluded).
pub async fn numbers(db: &Db, people: Option<&[i64]>, from: i64, to: i64) -> StoreResult<Numbers> {
    let list: Vec<_> = evaluations::list(db, people)
        .await?
        .into_iter()
        .filter(|e| e.contact_at >= from && e.contact_at < to)
        .collect();
    let mut cards = std::collections::HashMap::new();
    let ids: Vec<i64> = list.iter().map(|e| e.id).collect();
    let mut ratings = ratings_of_many(db, &ids).await?;
    let mut scored: Vec<(i64, String, Evaluation)> = Vec::with_capacity(list.len());
    for e in &list {
        if let std::collections::hash_map::Entry::Vacant(slot) = cards.entry(e.scorecard_id) {
            slot.insert(scorecards::get(db, e.scorecard_id).await?);
        }
        let Some(card) = cards.get(&e.scorecard_id) else { continue };
        let pairs: Vec<(String, Rating)> = ratings.remove(&e.id).unwrap_or_default();
        scored.push((e.agent_person_id, e.agent_name.clone(), score_ratings(card, &pairs)?));
    }
    let all: Vec<Evaluation> = scored.iter().map(|(_, _, e)| e.clone()).collect();
    let scores: Vec<f64> = all.iter().map(|e| e.score).collect();
    let mut agents: std::collections::BTreeMap<(String, i64), Vec<Evaluation>> = Default::default();
    for (id, name, e) in scored {
        agents.entry((name, id)).or_default().push(e);
    }
    Ok(Numbers {
        overall: summarise(&scores, ReliableFrom::default()),
        failures: worst_first(failure_rates(&all)),
        agents: agents
            .into_iter()
            .map(|((name, person_id), evals)| {
                let scores: Vec<f64> = evals.iter().map(|e| e.score).collect();
                AgentNumbers {
                    person_id,
                    name,
                    summary: summarise(&scores, ReliableFrom::default()),
                    failures: worst_first(failure_rates(&evals)),
                    gaps: skills_gaps(&evals, GapRule::default()),
                }
            })
            .collect(),
    })
}
