#!/usr/bin/env python3
"""Generates one week of 15-minute intervals (672 rows) for each of 50 queues.

Volumes follow a contact-centre shape: quiet nights, a morning peak and a smaller
afternoon one, busier Mondays, quiet weekends; each queue has its own size (from
about 2,000 to 40,000 contacts a week), handle time and Poisson noise. Seeded, so
every run benchmarks the same intervals.

Writes DIR/queue_01.csv .. queue_50.csv (the contract's batch form, header
interval_start,volume,aht_seconds) and DIR/all_queues.csv (all 33,600 rows).

usage: generate.py DIR
"""

import math
import os
import random
import sys
from datetime import datetime, timedelta, timezone

QUEUES = 50
INTERVALS = 7 * 96
START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
WEEKDAY = [1.25, 1.1, 1.0, 1.0, 0.95, 0.45, 0.25]


def intraday(quarter: int) -> float:
    """Relative arrival rate at quarter-hour `quarter` of the day (0..95)."""
    hour = quarter / 4
    morning = math.exp(-((hour - 10.5) / 1.8) ** 2)
    afternoon = 0.75 * math.exp(-((hour - 14.5) / 2.2) ** 2)
    evening = 0.25 * math.exp(-((hour - 19.0) / 1.5) ** 2)
    return 0.01 + morning + afternoon + evening


def poisson(rng: random.Random, mean: float) -> int:
    if mean < 30:
        # Knuth's method: exact for small means.
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20260105)
    shape = [WEEKDAY[i // 96] * intraday(i % 96) for i in range(INTERVALS)]
    total_shape = sum(shape)
    rows_all = []
    for q in range(1, QUEUES + 1):
        weekly = 2000 * (40000 / 2000) ** ((q - 1) / (QUEUES - 1))
        aht = rng.uniform(150, 600)
        rows = []
        for i in range(INTERVALS):
            volume = poisson(rng, weekly * shape[i] / total_shape)
            interval_aht = round(aht * rng.uniform(0.9, 1.1), 1)
            start = (START + timedelta(minutes=15 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(f"{start},{volume},{interval_aht}")
        with open(os.path.join(out, f"queue_{q:02d}.csv"), "w") as f:
            f.write("interval_start,volume,aht_seconds\n" + "\n".join(rows) + "\n")
        rows_all.extend(rows)
    with open(os.path.join(out, "all_queues.csv"), "w") as f:
        f.write("interval_start,volume,aht_seconds\n" + "\n".join(rows_all) + "\n")


if __name__ == "__main__":
    main()
