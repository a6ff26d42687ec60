//! Pull mode against a brute-force scan: on random queues and agents, with items
//! taken in between, [`next_for_with`] picks exactly the item a scan over every
//! open item picks (most urgent, earliest due, first queued, among the eligible).

use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::allocation::pull::{ItemKey, ItemQueue, Pull, next_for, next_for_with};
use crate::allocation::rules::{Fit, fit};
use crate::allocation::{Agent, ChannelId, Problem};

const SKILLS: [&str; 6] = ["billing", "returns", "french", "german", "fraud", "vip"];
const CHANNELS: [&str; 2] = ["email", "chat"];
const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];

/// The specification, written as plainly as possible: every open item, filtered
/// by the hard rules, the smallest (priority, due, queue order).
fn brute(agent: &Agent, queue: &ItemQueue, stretch_ok: impl Fn(ChannelId) -> bool) -> Option<Pull> {
    if !agent.is_available() {
        return None;
    }
    queue
        .keys()
        .filter_map(|key| {
            let (item, _) = queue.get(key)?;
            if agent.room(item.channel()) == 0 {
                return None;
            }
            let stretch = match fit(agent, item.requires()) {
                Fit::Qualified { .. } => false,
                Fit::Stretch { .. } if stretch_ok(item.channel()) => true,
                _ => return None,
            };
            Some((queue.order(key)?, Pull { key, stretch }))
        })
        .min_by_key(|(order, _)| *order)
        .map(|(_, pull)| pull)
}

fn problem(agents: Vec<Value>, items: Vec<Value>) -> Problem {
    Problem::from_value(&json!({"agents": agents, "items": items})).expect("valid problem")
}

fn queue_of(problem: &Problem, dues: &[Option<i64>]) -> ItemQueue {
    let mut queue = ItemQueue::new();
    for (item, due) in problem.items().iter().zip(dues) {
        queue.push(item.clone(), due.and_then(|d| Timestamp::from_second(1_700_000_000 + d).ok()));
    }
    queue
}

#[test]
fn urgent_first_then_due_then_queue_order() {
    let p = problem(
        vec![json!({"id": "a", "skills": {"billing": 2}, "capacity": {"email": 3}})],
        vec![
            json!({"id": "t0", "channel": "email", "requires": {"billing": 1}, "priority": "normal"}),
            json!({"id": "t1", "channel": "email", "requires": {"billing": 2}, "priority": "urgent"}),
            json!({"id": "t2", "channel": "email", "requires": {"billing": 1}, "priority": "urgent"}),
            json!({"id": "t3", "channel": "email", "requires": {"billing": 3}, "priority": "urgent"}),
        ],
    );
    let mut queue = queue_of(&p, &[Some(10), Some(50), Some(20), Some(0)]);
    let agent = &p.agents()[0];
    let order: Vec<String> = std::iter::from_fn(|| {
        let pull = next_for(agent, &queue)?;
        queue.take(pull.key).map(|(item, _)| item.id().to_owned())
    })
    .collect();
    // t3 needs billing 3: not qualified, and not a stretch (not learning it).
    assert_eq!(order, ["t2", "t1", "t0"]);
    assert_eq!(queue.len(), 1);
}

#[test]
fn stretch_only_where_allowed_and_never_without_room() {
    let p = problem(
        vec![json!({"id": "a", "skills": {"billing": 1}, "learning": ["billing"],
                    "capacity": {"email": 2, "chat": 1}, "open": {"chat": 1}})],
        vec![
            json!({"id": "t0", "channel": "email", "requires": {"billing": 2}, "priority": "urgent"}),
            json!({"id": "t1", "channel": "email", "requires": {"billing": 1}, "priority": "low"}),
            json!({"id": "t2", "channel": "chat", "requires": {"billing": 1}, "priority": "urgent"}),
        ],
    );
    let queue = queue_of(&p, &[None, None, None]);
    let agent = &p.agents()[0];
    assert_eq!(next_for(agent, &queue), Some(Pull { key: ItemKey(0), stretch: true }));
    assert_eq!(next_for_with(agent, &queue, |_| false), Some(Pull { key: ItemKey(1), stretch: false }));
}

fn agent() -> impl Strategy<Value = Value> {
    (
        proptest::array::uniform6(0i64..=4),
        proptest::array::uniform6(prop::bool::weighted(0.2)),
        proptest::array::uniform2(0i64..=2),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(levels, learning, capacity, available)| {
            let skills: serde_json::Map<String, Value> =
                SKILLS.iter().zip(levels).filter(|(_, l)| *l > 0).map(|(s, l)| ((*s).to_owned(), json!(l))).collect();
            let learning: Vec<&str> = SKILLS.iter().zip(learning).filter(|(_, l)| *l).map(|(s, _)| *s).collect();
            json!({"id": "a", "skills": skills, "learning": learning, "available": available,
                   "capacity": {"email": capacity[0], "chat": capacity[1]}})
        })
}

fn item() -> impl Strategy<Value = (Value, Option<i64>)> {
    (
        0usize..2,
        proptest::sample::subsequence((0..SKILLS.len()).collect::<Vec<_>>(), 1..=3),
        proptest::array::uniform6(0i64..=4),
        0usize..4,
        proptest::option::weighted(0.8, 0i64..20),
    )
        .prop_map(|(channel, skills, levels, priority, due)| {
            let requires: serde_json::Map<String, Value> =
                skills.iter().map(|&s| (SKILLS[s].to_owned(), json!(levels[s]))).collect();
            (json!({"channel": CHANNELS[channel], "requires": requires, "priority": PRIORITIES[priority]}), due)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn same_choice_as_a_scan(
        agents in prop::collection::vec(agent(), 1..=4),
        items in prop::collection::vec(item(), 0..=40),
        takes in prop::collection::vec(0usize..40, 0..=10),
        stretch_mask in 0u8..4,
    ) {
        let agents: Vec<Value> = agents.into_iter().enumerate().map(|(n, mut a)| {
            a["id"] = json!(format!("a{n}"));
            a
        }).collect();
        let (items, dues): (Vec<Value>, Vec<Option<i64>>) = items.into_iter().enumerate().map(|(n, (mut i, due))| {
            i["id"] = json!(format!("t{n}"));
            (i, due)
        }).unzip();
        let p = problem(agents, items);
        let mut queue = queue_of(&p, &dues);
        let stretch_ok = |c: ChannelId| stretch_mask & (1 << c.index()) != 0;
        for round in 0..=takes.len() {
            for agent in p.agents() {
                prop_assert_eq!(next_for_with(agent, &queue, stretch_ok), brute(agent, &queue, stretch_ok));
                prop_assert_eq!(next_for(agent, &queue), brute(agent, &queue, |_| true));
            }
            // Take an item (sometimes one already taken, which must be a no-op),
            // so that emptied classes and groups are exercised.
            if let Some(&t) = takes.get(round) {
                let was_open = queue.get(ItemKey(t)).is_some();
                let before = queue.len();
                prop_assert_eq!(queue.take(ItemKey(t)).is_some(), was_open);
                prop_assert_eq!(queue.len(), before - usize::from(was_open));
            }
        }
    }
}
