#!/usr/bin/env python3
"""Staffing for every interval of every queue with pyworkforce's ErlangC.

Reads the 50 queue CSVs written by generate.py and computes, per interval,
ErlangC(transactions, aht, asa, interval, shrinkage=0).required_positions(
service_level=0.8, max_occupancy=1.0) with times in minutes, as pyworkforce
expects. pyworkforce calls the service-level threshold `asa`: 20 seconds is
asa=20/60. It refuses transactions <= 0, so an interval with no contacts is
recorded as 0 positions without calling it (what crewdeck answers there).

Writes a JSON object {queue file name: [raw_positions per row]} to OUT and the
time spent computing (excluding interpreter start-up and imports) to stderr.

usage: pyworkforce_bench.py DATA_DIR OUT.json
"""

import csv
import glob
import json
import os
import sys
import time

from pyworkforce.queuing import ErlangC

INTERVAL_MINUTES = 15
SERVICE_LEVEL = 0.8
ANSWER_WITHIN_SECONDS = 20


def main() -> None:
    data, out = sys.argv[1], sys.argv[2]
    began = time.perf_counter()
    results = {}
    for path in sorted(glob.glob(os.path.join(data, "queue_*.csv"))):
        positions = []
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                volume = float(row["volume"])
                if volume <= 0:
                    positions.append(0)
                    continue
                erlang = ErlangC(
                    transactions=volume,
                    aht=float(row["aht_seconds"]) / 60,
                    asa=ANSWER_WITHIN_SECONDS / 60,
                    interval=INTERVAL_MINUTES,
                    shrinkage=0,
                )
                answer = erlang.required_positions(
                    service_level=SERVICE_LEVEL, max_occupancy=1.0
                )
                positions.append(answer["raw_positions"])
        results[os.path.basename(path)] = positions
    elapsed = time.perf_counter() - began
    with open(out, "w") as f:
        json.dump(results, f)
    print(f"pyworkforce compute time (no start-up/imports): {elapsed:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
