#!/usr/bin/env python3
"""Writes a contracts.md §3 interactions CSV (and optionally surveys) for the
import benchmark: time-ordered arrivals over a year, 20 queues, 400 agents,
customers drawn so that about a fifth of contacts repeat within a week.

    python3 bench/imports/gen.py ROWS OUT.csv [SURVEYS.csv]
"""
import random
import sys
from datetime import datetime, timedelta, timezone

rows = int(sys.argv[1])
out = sys.argv[2]
surveys_out = sys.argv[3] if len(sys.argv) > 3 else None
rng = random.Random(7)
channels = ["voice", "chat", "email", "messaging"]
queues = [f"q{n:02d}" for n in range(20)]
topics = ["billing", "delivery", "returns", "booking", "warranty", "account", "complaint", "order", "parts", "other"]
agents = [f"agent{n:03d}@example.com" for n in range(400)]
start = datetime(2025, 11, 1, tzinfo=timezone.utc)
span = 365 * 86400
step = span / rows
recent = []
def ts(t):
    return (start + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S") + "Z"
sf = open(surveys_out, "w") if surveys_out else None
if sf:
    sf.write("interaction_id,responded_at,csat,nps,ces,comment\n")
with open(out, "w") as f:
    f.write("id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome\n")
    t = 0.0
    for i in range(rows):
        t += step
        if recent and rng.random() < 0.2:
            customer, topic = rng.choice(recent)
        else:
            customer, topic = f"c{rng.randrange(rows):09d}", rng.choice(topics)
            recent.append((customer, topic))
            if len(recent) > 5000:
                recent.pop(0)
        channel = rng.choice(channels)
        queue = rng.choice(queues)
        arrived = int(t)
        if rng.random() < 0.06:
            f.write(f"i{i:010d},{channel},{queue},,{customer},{topic},{ts(arrived)},,{ts(arrived + rng.randrange(2, 300))},0,abandoned\n")
            continue
        wait = int(rng.expovariate(1 / 25))
        handle = int(rng.expovariate(1 / 360)) + 30
        outcome = rng.choice(["resolved", "resolved", "resolved", "unresolved", "transferred"])
        f.write(f"i{i:010d},{channel},{queue},{rng.choice(agents)},{customer},{topic},{ts(arrived)},{ts(arrived + wait)},{ts(arrived + wait + handle)},{rng.randrange(0, 120)},{outcome}\n")
        if sf and rng.random() < 0.1:
            sf.write(f"i{i:010d},{ts(arrived + wait + handle + 3600)},{rng.randint(1, 5)},{rng.randint(0, 10)},{rng.randint(1, 7)},\n")
