//! An exact min-cost flow engine: primal–dual successive shortest paths.
//!
//! Each phase runs Dijkstra on reduced costs (so potentials keep every residual
//! arc non-negative), then pushes a blocking flow through the arcs of reduced
//! cost zero, Dinic style. Many units move per phase, which matters because
//! every sink arc carries one unit (the load cost is convex per unit).
//!
//! The source is a real node. Supplies are set per priority tier by
//! [`Network::open_source`]; before each tier the source's potential is raised so
//! its arcs start with non-negative reduced cost. Arcs into the source are never
//! followed: a path from the source never returns to it, and the reverse arcs of
//! earlier tiers' source arcs would otherwise look like (meaningless) shortcuts.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Unreached in Dijkstra or in the level graph.
const FAR: i64 = i64::MAX / 4;

/// An arc to be added; its reverse arc is created by [`Network::build`].
#[derive(Debug, Clone, Copy)]
pub struct ArcSpec {
    pub from: u32,
    pub to: u32,
    pub cap: i64,
    pub cost: i64,
}

/// A residual network in compressed adjacency form.
#[derive(Debug)]
pub struct Network {
    start: Vec<usize>,
    head: Vec<u32>,
    rev: Vec<usize>,
    res: Vec<i64>,
    cost: Vec<i64>,
    pot: Vec<i64>,
    /// Position of each added arc (by order of `ArcSpec`) in the arrays.
    pub(crate) position: Vec<usize>,
    source: u32,
    sink: u32,
}

impl Network {
    /// Builds the network. `potentials` must give every arc of positive capacity a
    /// non-negative reduced cost (`cost + pot[from] − pot[to] ≥ 0`); the caller
    /// computes them on its acyclic graph.
    pub fn build(nodes: usize, arcs: &[ArcSpec], potentials: Vec<i64>, source: u32, sink: u32) -> Self {
        let mut degree = vec![0usize; nodes + 1];
        for a in arcs {
            degree[a.from as usize + 1] += 1;
            degree[a.to as usize + 1] += 1;
        }
        for i in 0..nodes {
            degree[i + 1] += degree[i];
        }
        let start = degree.clone();
        let mut fill = degree;
        let total = 2 * arcs.len();
        let mut head = vec![0u32; total];
        let mut rev = vec![0usize; total];
        let mut res = vec![0i64; total];
        let mut cost = vec![0i64; total];
        let mut position = Vec::with_capacity(arcs.len());
        for a in arcs {
            let f = fill[a.from as usize];
            fill[a.from as usize] += 1;
            let b = fill[a.to as usize];
            fill[a.to as usize] += 1;
            head[f] = a.to;
            res[f] = a.cap;
            cost[f] = a.cost;
            rev[f] = b;
            head[b] = a.from;
            res[b] = 0;
            cost[b] = -a.cost;
            rev[b] = f;
            position.push(f);
        }
        Self { start, head, rev, res, cost, pot: potentials, position, source, sink }
    }

    /// Flow on an added arc (by its position in `ArcSpec` order).
    pub fn flow(&self, arc: usize) -> i64 {
        self.res[self.rev[self.position[arc]]]
    }

    /// Remaining capacity on an added arc.
    pub fn residual(&self, arc: usize) -> i64 {
        self.res[self.position[arc]]
    }

    /// Sets the capacity of source arcs for a new tier and lifts the source's
    /// potential so they start admissible-or-positive in reduced cost.
    pub fn open_source(&mut self, supplies: &[(usize, i64)]) {
        let mut lift = self.pot[self.source as usize];
        for &(arc, supply) in supplies {
            let e = self.position[arc];
            self.res[e] = supply;
            if supply > 0 {
                let to = self.head[e] as usize;
                lift = lift.max(self.pot[to] - self.cost[e]);
            }
        }
        self.pot[self.source as usize] = lift;
    }

    fn reduced(&self, from: usize, e: usize) -> i64 {
        self.cost[e] + self.pot[from] - self.pot[self.head[e] as usize]
    }

    /// Sends as much flow as possible from the source to the sink at minimum cost.
    pub fn run(&mut self) -> i64 {
        let n = self.pot.len();
        let mut dist = vec![FAR; n];
        let mut heap = BinaryHeap::new();
        let mut level = vec![-1i32; n];
        let mut next = vec![0usize; n];
        let mut queue = VecDeque::new();
        let mut path: Vec<usize> = Vec::new();
        let mut total = 0;
        loop {
            if !self.dijkstra(&mut dist, &mut heap) {
                return total;
            }
            loop {
                if !self.levels(&mut level, &mut queue) {
                    break;
                }
                for (v, it) in next.iter_mut().enumerate() {
                    *it = self.start[v];
                }
                total += self.blocking_flow(&mut level, &mut next, &mut path);
            }
        }
    }

    /// Shortest reduced distances from the source; stops once the sink is settled
    /// and updates potentials with distances capped at the sink's, which keeps
    /// every residual arc non-negative. Returns false if the sink is unreachable.
    fn dijkstra(&mut self, dist: &mut [i64], heap: &mut BinaryHeap<Reverse<(i64, u32)>>) -> bool {
        dist.fill(FAR);
        heap.clear();
        let s = self.source as usize;
        let t = self.sink as usize;
        dist[s] = 0;
        heap.push(Reverse((0, self.source)));
        let mut settled_sink = None;
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if d > dist[u] {
                continue;
            }
            if u == t {
                settled_sink = Some(d);
                break;
            }
            for e in self.start[u]..self.start[u + 1] {
                let v = self.head[e] as usize;
                if self.res[e] <= 0 || v == s {
                    continue;
                }
                let nd = d + self.reduced(u, e);
                if nd < dist[v] {
                    dist[v] = nd;
                    heap.push(Reverse((nd, v as u32)));
                }
            }
        }
        let Some(cap) = settled_sink else {
            return false;
        };
        for (p, &d) in self.pot.iter_mut().zip(dist.iter()) {
            *p += d.min(cap);
        }
        true
    }

    fn admissible(&self, u: usize, e: usize) -> bool {
        self.res[e] > 0 && self.head[e] != self.source && self.reduced(u, e) == 0
    }

    /// Breadth-first levels over admissible arcs; true if the sink is reached.
    ///
    /// Stops as soon as the sink is labelled. By then every node closer to the
    /// source than the sink is labelled (breadth-first order), and a node labelled
    /// later could only be at the sink's distance or beyond, which no
    /// level-increasing path to the sink can use: the blocking flow would only
    /// enter and abandon it. So the flow pushed is exactly the same, without a
    /// sweep of the rest of the residual network per round (on the 10,000-item
    /// benchmark that sweep was most of the solve time).
    fn levels(&self, level: &mut [i32], queue: &mut VecDeque<usize>) -> bool {
        level.fill(-1);
        queue.clear();
        let s = self.source as usize;
        level[s] = 0;
        queue.push_back(s);
        while let Some(u) = queue.pop_front() {
            for e in self.start[u]..self.start[u + 1] {
                let v = self.head[e] as usize;
                if level[v] < 0 && self.admissible(u, e) {
                    level[v] = level[u] + 1;
                    if v == self.sink as usize {
                        return true;
                    }
                    queue.push_back(v);
                }
            }
        }
        level[self.sink as usize] >= 0
    }

    /// Pushes a blocking flow along level-increasing admissible arcs; iterative so
    /// that long paths cannot overflow the stack.
    fn blocking_flow(&mut self, level: &mut [i32], next: &mut [usize], path: &mut Vec<usize>) -> i64 {
        let s = self.source as usize;
        let t = self.sink as usize;
        let mut pushed = 0;
        path.clear();
        let mut u = s;
        loop {
            if u == t {
                let amount = path.iter().map(|&e| self.res[e]).min().unwrap_or(0);
                for &e in path.iter() {
                    self.res[e] -= amount;
                    let r = self.rev[e];
                    self.res[r] += amount;
                }
                pushed += amount;
                path.clear();
                u = s;
                continue;
            }
            let mut advanced = false;
            while next[u] < self.start[u + 1] {
                let e = next[u];
                let v = self.head[e] as usize;
                if level[v] == level[u] + 1 && self.admissible(u, e) {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if advanced {
                continue;
            }
            if u == s {
                return pushed;
            }
            // Dead end: no node should try this one again in this phase.
            level[u] = -1;
            let Some(e) = path.pop() else {
                return pushed;
            };
            u = self.head[self.rev[e]] as usize;
            next[u] += 1;
        }
    }
}
