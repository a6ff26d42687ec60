#!/usr/bin/env python3
"""The comparison solver: a `crewdeck allocate` problem as one OR-tools min-cost flow.

    ortools_mcf.py problem.json [--timings]

Prints `{"assigned": {...}, "unassigned": {...}}` per priority as JSON on stdout
(with `--timings`, the time of each phase on stderr). It exists only to benchmark
crewdeck against a well-known solver on the same instance; it is not part of
the product.

The hard rules of contract §2, exactly:
1. unavailable agents get no arcs;
2. each (agent, channel) node drains to the sink with capacity
   max(0, capacity - open);
3. a requirement class links to an agent when qualified (every level met), or
   through the agent's stretch node when exactly one requirement is unmet, the
   agent is learning that skill and holds it exactly one level below;
4. one stretch node per (agent, channel), with a capacity-1 arc to the agent's
   channel node: at most one stretch per agent per channel.

Network (all costs non-negative):

    prio-class (supply n) --cap n, cost 0--> req-class --cap n, cost 0--> agent/channel --cap room--> sink
                          \\                          \\--cap n, cost 0--> stretch(agent, channel) --cap 1--/
                           \\--cap n, cost W[p] (left unassigned)-----------------------------------> sink

A prio-class holds the items of one channel, requirement set and priority; a
req-class holds one channel and requirement set, so eligibility is computed once
per requirement set, not once per priority. The sink demands every item.

The objective is lexicographic through the weights W: with n_q items of priority
q, W[low] = 1 and W[p] = 1 + sum over the less urgent q of n_q * W[q]. Leaving one
item of priority p unassigned costs more than leaving *every* less urgent item
unassigned, so no min-cost flow can trade an item of p for any number of less
urgent ones: the minimum maximises urgent first, then high, normal, low. For
10,000 items the largest weight is below 10^13 and the total cost below 10^17,
within the solver's 64-bit costs.

crewdeck solves a strictly richer objective: among these lexicographic optima it
also minimises the burst-cap excess and then load balance, expertise kept and
development (docs/allocation.md), and writes a rationale for every item. This
model stops at the priority counts.
"""

import json
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

PRIORITIES = ["urgent", "high", "normal", "low"]


def lexicographic_weights(counts):
    """W[p] = 1 + sum_{q less urgent than p} counts[q] * W[q]; see the module docs."""
    weights = [0] * len(PRIORITIES)
    tail = 0
    for p in reversed(range(len(PRIORITIES))):
        weights[p] = 1 + tail
        tail += counts[p] * weights[p]
    return weights


def solve(problem, timings):
    t0 = time.perf_counter()
    agents = problem["agents"]
    items = problem["items"]

    skills, channels = {}, {}
    for a in agents:
        for s in a.get("skills", {}):
            skills.setdefault(s, len(skills))
        for s in a.get("learning", []):
            skills.setdefault(s, len(skills))
        for c in a.get("capacity", {}):
            channels.setdefault(c, len(channels))
    for it in items:
        for s in it["requires"]:
            skills.setdefault(s, len(skills))
        channels.setdefault(it["channel"], len(channels))

    m, k, nc = len(agents), len(skills), len(channels)
    level = np.zeros((m, k), dtype=np.int16)
    learning = np.zeros((m, k), dtype=bool)
    room = np.zeros((m, nc), dtype=np.int64)
    for i, a in enumerate(agents):
        for s, lv in a.get("skills", {}).items():
            level[i, skills[s]] = lv
        for s in a.get("learning", []):
            learning[i, skills[s]] = True
        if a.get("available", True):
            opened = a.get("open", {})
            for c, cap in a.get("capacity", {}).items():
                room[i, channels[c]] = max(0, cap - opened.get(c, 0))

    # Group items: (channel, requirements) -> priority -> count.
    prio = {p: n for n, p in enumerate(PRIORITIES)}
    groups = {}
    counts = [0] * len(PRIORITIES)
    for it in items:
        key = (channels[it["channel"]], tuple(sorted((skills[s], lv) for s, lv in it["requires"].items())))
        per = groups.setdefault(key, [0] * len(PRIORITIES))
        p = prio[it["priority"]]
        per[p] += 1
        counts[p] += 1
    weights = lexicographic_weights(counts)
    timings["parse"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    # Node numbering: sink, agent/channel nodes, stretch nodes, req-classes, prio-classes.
    sink = 0
    agent_node = 1 + np.arange(m * nc).reshape(m, nc)
    stretch_base = 1 + m * nc
    stretch_node = stretch_base + np.arange(m * nc).reshape(m, nc)
    next_node = stretch_base + m * nc

    tails, heads, caps, costs = [], [], [], []

    def arcs(t, h, c, w):
        tails.append(np.asarray(t, dtype=np.int32))
        heads.append(np.asarray(h, dtype=np.int32))
        caps.append(np.asarray(c, dtype=np.int64))
        costs.append(np.asarray(w, dtype=np.int64))

    has_room = room > 0
    ai, ci = np.nonzero(has_room)
    arcs(agent_node[ai, ci], np.full(len(ai), sink), room[ai, ci], np.zeros(len(ai)))
    # Stretch nodes only where a stretch is possible at all (learning, room).
    can_learn = learning.any(axis=1)
    si, sc = np.nonzero(has_room & can_learn[:, None])
    arcs(stretch_node[si, sc], agent_node[si, sc], np.ones(len(si)), np.zeros(len(si)))

    supplies = {}
    prio_arcs = []  # (arc index range start, priority) filled after arc creation
    prio_specs = []
    for (c, req), per in groups.items():
        total = sum(per)
        req_node = next_node
        next_node += 1
        unmet = np.zeros(m, dtype=np.int16)
        stretchable = np.ones(m, dtype=bool)
        for s, lv in req:
            col = level[:, s]
            short = col < lv
            unmet += short
            stretchable &= ~short | ((col == lv - 1) & learning[:, s])
        eligible = has_room[:, c]
        qualified = np.nonzero(eligible & (unmet == 0))[0]
        stretch = np.nonzero(eligible & (unmet == 1) & stretchable)[0]
        arcs(np.full(len(qualified), req_node), agent_node[qualified, c], np.full(len(qualified), total),
             np.zeros(len(qualified)))
        arcs(np.full(len(stretch), req_node), stretch_node[stretch, c], np.full(len(stretch), total),
             np.zeros(len(stretch)))
        for p, n in enumerate(per):
            if n:
                node = next_node
                next_node += 1
                supplies[node] = n
                prio_specs.append((node, req_node, n, p))

    # Prio-class arcs last, so their flows are easy to find: placed, then unassigned.
    pn = np.array([s[0] for s in prio_specs], dtype=np.int32)
    rn = np.array([s[1] for s in prio_specs], dtype=np.int32)
    nn = np.array([s[2] for s in prio_specs], dtype=np.int64)
    pp = np.array([s[3] for s in prio_specs], dtype=np.int64)
    first_placed = sum(len(t) for t in tails)
    arcs(pn, rn, nn, np.zeros(len(pn)))
    arcs(pn, np.full(len(pn), sink), nn, np.array(weights, dtype=np.int64)[pp])

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    nodes = np.array(list(supplies.keys()) + [sink], dtype=np.int32)
    amounts = np.array(list(supplies.values()) + [-len(items)], dtype=np.int64)
    smcf.set_nodes_supplies(nodes, amounts)
    timings["build"] = time.perf_counter() - t0
    timings["arcs"] = smcf.num_arcs()
    timings["nodes"] = smcf.num_nodes()

    t0 = time.perf_counter()
    status = smcf.solve()
    timings["solve"] = time.perf_counter() - t0
    if status != smcf.OPTIMAL:
        raise SystemExit(f"ortools_mcf: min-cost flow failed with status {status}")

    placed_flow = smcf.flows(np.arange(first_placed, first_placed + len(pn)))
    assigned = [0] * len(PRIORITIES)
    for p, f in zip(pp.tolist(), placed_flow.tolist()):
        assigned[p] += f
    return {
        "assigned": dict(zip(PRIORITIES, assigned)),
        "unassigned": {PRIORITIES[p]: counts[p] - assigned[p] for p in range(len(PRIORITIES))},
    }


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        raise SystemExit("usage: ortools_mcf.py problem.json [--timings]")
    timings = {}
    t0 = time.perf_counter()
    with open(args[0], encoding="utf-8") as f:
        problem = json.load(f)
    timings["read"] = time.perf_counter() - t0
    summary = solve(problem, timings)
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    if "--timings" in sys.argv:
        print(json.dumps(timings), file=sys.stderr)


if __name__ == "__main__":
    main()
