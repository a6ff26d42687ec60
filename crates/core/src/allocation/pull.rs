//! Pull mode: an agent asks for the next item, and gets the best open item it may
//! take — the most urgent, then the earliest due, then the earliest queued.
//!
//! "May take" is the batch engine's hard rules 1–3 for one agent at a time:
//! available, room on the item's channel (capacity − open > 0), and qualified or a
//! stretch ([`fit`]). Hard rule 4 (one stretch per agent and channel) is a rule of
//! one batch run; a pull has no run, so the caller says per channel whether a
//! stretch is still allowed ([`next_for_with`]) — for example "not while the agent
//! has an open stretch item on that channel".
//!
//! # The index, and why one decision is fast
//!
//! Items of one channel whose requirements name the same set of skills (ignoring
//! level-0 requirements, which everyone meets) form a *group*; inside a group,
//! items with the same required levels form a *class*, and each class keeps its
//! items in a `BTreeSet` ordered by (priority, due, queue order). A class is
//! eligible for an agent or not as a whole, so a decision never looks at single
//! items, only at the first item of each eligible class.
//!
//! An agent can only be eligible for a group whose skills it holds or is learning
//! (a skill at level 0 and not being learnt cannot be met or stretched). With `r`
//! such skills, the candidate groups are the subsets of those `r` skills of the
//! sizes present in the channel; when that count is smaller than the channel's
//! groups, the decision enumerates the subsets and looks each one up in a hash
//! map, otherwise it scans the channel's groups. One decision therefore costs
//! `O(K + Σ_channels min(G, Σ_d C(r, d)) × V × s)` plus one `O(1)` peek per
//! eligible class, where `K` is the number of skills, `G` the channel's groups,
//! `d` the requirement sizes present, `V` the classes per group (at most `6^d`) and
//! `s` the skills per requirement — independent of the number of open items `n`.
//! Queueing and taking an item cost `O(s + log n)`. With the contract's realistic
//! shape (agents with ~8 skills, items needing 1–3) that is at most 92 subsets
//! per channel.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;

use super::model::{Agent, ChannelId, Item, Level, Priority, SkillId};
use super::rules::{Fit, fit};

/// A handle on a queued item, returned by [`ItemQueue::push`]; stable until the
/// item is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemKey(pub(crate) usize);

/// The answer to a pull: which item, and whether the agent takes it as a stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pull {
    /// The item chosen.
    pub key: ItemKey,
    /// True when the agent is one level short on one skill it is learning.
    pub stretch: bool,
}

/// The order of the queue: most urgent, then earliest due (no due date last),
/// then first queued. Smaller is served first.
type Order = (Priority, i128, ItemKey);

/// Open items, indexed for [`next_for`].
#[derive(Debug, Default)]
pub struct ItemQueue {
    /// Every item ever queued, by [`ItemKey`]; `None` once taken.
    slots: Vec<Option<Queued>>,
    /// Per channel, by [`ChannelId`] index.
    channels: Vec<ChannelIndex>,
    len: usize,
}

#[derive(Debug)]
struct Queued {
    item: Item,
    due: Option<Timestamp>,
    group: usize,
    class: usize,
    order: Order,
}

#[derive(Debug, Default)]
struct ChannelIndex {
    /// Group by its sorted skill set.
    by_skills: HashMap<Vec<SkillId>, usize>,
    groups: Vec<Group>,
    /// How many groups with open items have each skill-set size (index = size).
    live_by_size: Vec<usize>,
    live_groups: usize,
}

#[derive(Debug)]
struct Group {
    classes: Vec<Class>,
    by_levels: HashMap<Vec<(SkillId, Level)>, usize>,
    open: usize,
}

#[derive(Debug)]
struct Class {
    requires: Vec<(SkillId, Level)>,
    queue: BTreeSet<Order>,
}

impl ItemQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of open items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no item is open.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Queues an item, due at `due` (items without a due time come after those
    /// with one, within a priority).
    pub fn push(&mut self, item: Item, due: Option<Timestamp>) -> ItemKey {
        let key = ItemKey(self.slots.len());
        let order = (item.priority, due.map_or(i128::MAX, |t| t.as_nanosecond()), key);
        let c = item.channel.index();
        if self.channels.len() <= c {
            self.channels.resize_with(c + 1, ChannelIndex::default);
        }
        let channel = &mut self.channels[c];
        let skills: Vec<SkillId> = item.requires.iter().filter(|(_, l)| l.get() > 0).map(|(s, _)| *s).collect();
        let size = skills.len();
        let group = *channel.by_skills.entry(skills).or_insert_with(|| {
            channel.groups.push(Group { classes: Vec::new(), by_levels: HashMap::new(), open: 0 });
            channel.groups.len() - 1
        });
        let g = &mut channel.groups[group];
        let class = *g.by_levels.entry(item.requires.clone()).or_insert_with(|| {
            g.classes.push(Class { requires: item.requires.clone(), queue: BTreeSet::new() });
            g.classes.len() - 1
        });
        g.classes[class].queue.insert(order);
        g.open += 1;
        if g.open == 1 {
            if channel.live_by_size.len() <= size {
                channel.live_by_size.resize(size + 1, 0);
            }
            channel.live_by_size[size] += 1;
            channel.live_groups += 1;
        }
        self.slots.push(Some(Queued { item, due, group, class, order }));
        self.len += 1;
        key
    }

    /// The open item behind a key, with its due time.
    pub fn get(&self, key: ItemKey) -> Option<(&Item, Option<Timestamp>)> {
        self.slots.get(key.0).and_then(Option::as_ref).map(|q| (&q.item, q.due))
    }

    /// Takes an item off the queue (the agent accepted it, or it was closed);
    /// `None` if it was already taken.
    pub fn take(&mut self, key: ItemKey) -> Option<(Item, Option<Timestamp>)> {
        let queued = self.slots.get_mut(key.0)?.take()?;
        let channel = &mut self.channels[queued.item.channel.index()];
        let g = &mut channel.groups[queued.group];
        g.classes[queued.class].queue.remove(&queued.order);
        g.open -= 1;
        if g.open == 0 {
            let size = queued.item.requires.iter().filter(|(_, l)| l.get() > 0).count();
            channel.live_by_size[size] -= 1;
            channel.live_groups -= 1;
        }
        self.len -= 1;
        Some((queued.item, queued.due))
    }

    /// Every open item's key, in queue order; for checks and listings.
    pub fn keys(&self) -> impl Iterator<Item = ItemKey> + '_ {
        self.slots.iter().enumerate().filter(|(_, q)| q.is_some()).map(|(i, _)| ItemKey(i))
    }

    /// The queue order of an open item (for brute-force checks).
    #[cfg(test)]
    pub(crate) fn order(&self, key: ItemKey) -> Option<Order> {
        self.slots.get(key.0).and_then(Option::as_ref).map(|q| q.order)
    }
}

/// The best open item `agent` may take: most urgent, then earliest due, then
/// first queued, over every channel where the agent has room; stretches allowed
/// on every channel. `None` when there is no such item.
pub fn next_for(agent: &Agent, items: &ItemQueue) -> Option<Pull> {
    next_for_with(agent, items, |_| true)
}

/// As [`next_for`], with stretches allowed only on the channels where
/// `stretch_allowed` says so (the pull form of hard rule 4).
pub fn next_for_with(agent: &Agent, items: &ItemQueue, stretch_allowed: impl Fn(ChannelId) -> bool) -> Option<Pull> {
    if !agent.is_available() {
        return None;
    }
    // Skills the agent could meet or stretch: held, or being learnt. Sorted by
    // skill, as group keys are.
    let reach: Vec<SkillId> = (0..agent.levels.len().max(agent.learning.len()))
        .map(|s| SkillId(s as u32))
        .filter(|&s| agent.level(s).get() > 0 || agent.is_learning(s))
        .collect();
    let mut best: Option<(Order, bool)> = None;
    for (c, channel) in items.channels.iter().enumerate() {
        let id = ChannelId(c as u32);
        if channel.live_groups == 0 || agent.room(id) == 0 {
            continue;
        }
        let stretch_ok = stretch_allowed(id);
        let mut visit = |group: &Group| {
            for class in &group.classes {
                let Some(first) = class.queue.first() else { continue };
                if best.is_some_and(|(b, _)| b <= *first) {
                    continue;
                }
                match fit(agent, &class.requires) {
                    Fit::Qualified { .. } => best = Some((*first, false)),
                    Fit::Stretch { .. } if stretch_ok => best = Some((*first, true)),
                    _ => {}
                }
            }
        };
        let subsets: usize = channel
            .live_by_size
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(d, _)| binomial(reach.len(), d))
            .fold(0usize, usize::saturating_add);
        if subsets < channel.live_groups {
            let mut buffer = Vec::new();
            for (d, _) in channel.live_by_size.iter().enumerate().filter(|(_, n)| **n > 0) {
                for_each_subset(&reach, d, &mut buffer, &mut |skills| {
                    if let Some(&g) = channel.by_skills.get(skills) {
                        visit(&channel.groups[g]);
                    }
                });
            }
        } else {
            channel.groups.iter().filter(|g| g.open > 0).for_each(&mut visit);
        }
    }
    best.map(|((_, _, key), stretch)| Pull { key, stretch })
}

/// `n` choose `k`, saturating: only compared against a group count, so a huge
/// value need not be exact.
fn binomial(n: usize, k: usize) -> usize {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut result = 1usize;
    for i in 0..k {
        // Exact while nothing saturates: result × (n − i) is divisible by (i + 1).
        result = result.saturating_mul(n - i) / (i + 1);
    }
    result
}

/// Calls `f` on every `k`-subset of `set`, each sorted as `set` is.
fn for_each_subset(set: &[SkillId], k: usize, buffer: &mut Vec<SkillId>, f: &mut impl FnMut(&[SkillId])) {
    if buffer.len() == k {
        f(buffer);
        return;
    }
    let needed = k - buffer.len();
    for i in 0..set.len() {
        if set.len() - i < needed {
            break;
        }
        buffer.push(set[i]);
        for_each_subset(&set[i + 1..], k, buffer, f);
        buffer.pop();
    }
}
