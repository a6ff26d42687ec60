#!/usr/bin/env python3
"""Deterministic generator of `crewdeck allocate` problems (contract §2 shape).

    gen.py --items 10000 --agents 1000 --skills 30 --seed 1 --out large.json

The same arguments always give the same file (a seeded `random.Random`, and no
iteration over sets or dicts whose order could vary), so benchmark runs on
different machines solve the same instance.

What "realistic" means here, and why:
- Skills follow a Zipf-like popularity (a few common ones like billing, a long
  tail of rare ones such as a language), for agents and items alike, so some
  items have hundreds of eligible agents and some only a handful.
- Agents hold 4-8 skills at levels 1-5 (mostly 2-3); about a quarter have one or
  two learning goals, either a held skill below 5 or a new one (level 0), which
  makes stretch assignments possible.
- Channels: email (most agents, capacity 5-15), chat (capacity 2-4), voice
  (capacity 1-2). Open counts are drawn from 0..capacity, sometimes at capacity.
  About 5% of agents are unavailable.
- Items: email 60%, chat 30%, voice 10%; 1-3 required skills at levels 1-4
  (mostly 1-2); priority urgent 5%, high 20%, normal 55%, low 20%. Total room is
  below the number of items on chat and voice, so priorities decide what waits.
- Items carry `due_at` and `effort_minutes`, which the contract allows and the
  hard rules ignore; the pull benchmark orders by `due_at`.
"""

import argparse
import json
import random
import sys

CHANNELS = ["email", "chat", "voice"]
PRIORITIES = [("urgent", 5), ("high", 20), ("normal", 55), ("low", 20)]
BASE_NAMES = [
    "billing", "returns", "shipping", "refunds", "accounts", "password_reset",
    "fraud", "technical", "hardware", "software", "network", "mobile_app",
    "complaints", "retention", "sales", "upgrades", "warranty", "installation",
    "french", "german", "spanish", "italian", "dutch", "polish", "portuguese",
    "arabic", "japanese", "vip", "legal", "accessibility",
]


def skill_names(count):
    """The first `count` names, numbered beyond the built-in list."""
    return [BASE_NAMES[i] if i < len(BASE_NAMES) else f"skill_{i}" for i in range(count)]


def zipf_weights(count, exponent=0.8):
    """Popularity of skill i ~ 1/(i+1)^exponent: a head of common skills and a tail."""
    return [1.0 / (i + 1) ** exponent for i in range(count)]


def pick_distinct(rng, population, weights, k):
    """k distinct elements, drawn by weight without replacement (deterministic)."""
    chosen = []
    pool = list(population)
    w = list(weights)
    for _ in range(min(k, len(pool))):
        i = rng.choices(range(len(pool)), weights=w)[0]
        chosen.append(pool.pop(i))
        w.pop(i)
    return chosen


def make_agent(rng, n, skills, weights):
    held = pick_distinct(rng, skills, weights, rng.randint(4, 8))
    levels = {s: rng.choices([1, 2, 3, 4, 5], weights=[15, 30, 30, 15, 10])[0] for s in held}
    learning = []
    if rng.random() < 0.25:
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.6:
                below_max = [s for s in held if levels[s] < 5]
                if below_max:
                    learning.append(rng.choice(below_max))
            else:
                others = [s for s in skills if s not in levels]
                learning.append(rng.choice(others))
        learning = sorted(set(learning), key=skills.index)
    capacity, open_ = {}, {}
    ranges = {"email": (5, 15), "chat": (2, 4), "voice": (1, 2)}
    share = {"email": 0.75, "chat": 0.55, "voice": 0.35}
    for ch in CHANNELS:
        if rng.random() < share[ch]:
            lo, hi = ranges[ch]
            cap = rng.randint(lo, hi)
            capacity[ch] = cap
            # Skewed to low open counts, and sometimes full (no room, not an error).
            o = min(cap, int(rng.random() ** 1.5 * (cap + 1)))
            if o:
                open_[ch] = o
    if not capacity:
        capacity["email"] = rng.randint(5, 15)
    agent = {"id": f"a{n}", "skills": levels, "capacity": capacity}
    if learning:
        agent["learning"] = learning
    if open_:
        agent["open"] = open_
    if rng.random() < 0.05:
        agent["available"] = False
    return agent


def make_item(rng, n, skills, weights):
    channel = rng.choices(CHANNELS, weights=[60, 30, 10])[0]
    needed = pick_distinct(rng, skills, weights, rng.choices([1, 2, 3], weights=[50, 35, 15])[0])
    requires = {s: rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0] for s in needed}
    priority = rng.choices([p for p, _ in PRIORITIES], weights=[w for _, w in PRIORITIES])[0]
    # Due within the next two days, to the minute; urgent work is due sooner.
    horizon = 240 if priority == "urgent" else 2880
    minutes = rng.randint(5, horizon)
    day, rest = divmod(minutes + 8 * 60, 1440)
    hour, minute = divmod(rest, 60)
    due = f"2025-03-{10 + day:02d}T{hour:02d}:{minute:02d}:00Z"
    return {
        "id": f"t{n}",
        "channel": channel,
        "requires": requires,
        "priority": priority,
        "due_at": due,
        "effort_minutes": rng.choice([5, 10, 15, 20, 30, 45]),
    }


def generate(items, agents, skill_count, seed):
    rng = random.Random(seed)
    skills = skill_names(skill_count)
    weights = zipf_weights(skill_count)
    return {
        "agents": [make_agent(rng, n, skills, weights) for n in range(agents)],
        "items": [make_item(rng, n, skills, weights) for n in range(items)],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--skills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="-", help="output file, or - for stdout")
    args = parser.parse_args()
    problem = generate(args.items, args.agents, args.skills, args.seed)
    text = json.dumps(problem, separators=(",", ":")) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
