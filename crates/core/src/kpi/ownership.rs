//! Which unanswered contacts a team answers for.
//!
//! An abandoned contact has no agent, so it belongs to no team by the
//! contract's rule (an agent's team on the day). Left there, a team's
//! abandonment would always be 0% and its service level would count only
//! the contacts it answered. A team therefore owns the unanswered contacts
//! of the queues it answers most of: more than half of the queue's answered
//! contacts in the period. At most one team can own a queue this way.

use std::collections::BTreeMap;

/// The queues a team owns: those where `team_answered` is more than half of
/// `all_answered`. Both map queue names to answered contacts in the period.
pub fn owned_queues(team_answered: &BTreeMap<String, u64>, all_answered: &BTreeMap<String, u64>) -> Vec<String> {
    team_answered
        .iter()
        .filter(|(queue, team)| all_answered.get(*queue).is_some_and(|all| **team * 2 > *all))
        .map(|(queue, _)| queue.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(q, n)| ((*q).to_string(), *n)).collect()
    }

    #[test]
    fn a_team_owns_the_queues_it_answers_most_of() {
        let team = map(&[("retail-chat", 900), ("bookings-voice", 50), ("shared", 50)]);
        let all = map(&[("retail-chat", 1000), ("bookings-voice", 2000), ("shared", 100)]);
        // Exactly half is not more than half: nobody owns a queue split evenly.
        assert_eq!(owned_queues(&team, &all), ["retail-chat"]);
        assert!(owned_queues(&map(&[]), &all).is_empty());
    }
}
