#!/usr/bin/env python3
"""Compares crewdeck's and pyworkforce's agent counts interval by interval.

Every one of the 33,600 intervals is compared (cheap, so no sampling). Each
disagreement is classified:

- "search start": pyworkforce starts its search at round(traffic + 1), Python's
  round-half-to-even, which exceeds the smallest stable count floor(traffic) + 1
  when the traffic's fraction is 0.5 or more; if that smaller count already meets
  the target, pyworkforce never tries it and answers one agent more.
- anything else is printed in full.

usage: compare.py DATA_DIR RUST_OUT_DIR PY_OUT.json
"""

import csv
import json
import math
import os
import sys

INTERVAL_SECONDS = 15 * 60


def main() -> None:
    data, rust_dir, py_out = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(py_out) as f:
        python = json.load(f)
    total = agree = search_start = 0
    other = []
    for name in sorted(python):
        with open(os.path.join(rust_dir, name.replace(".csv", ".json"))) as f:
            rust = json.load(f)
        with open(os.path.join(data, name), newline="") as f:
            rows = list(csv.DictReader(f))
        for row, ours, theirs in zip(rows, rust, python[name], strict=True):
            total += 1
            if ours["interval_start"] != row["interval_start"]:
                sys.exit(f"{name}: crewdeck's rows are out of order at {row['interval_start']}")
            if ours["agents"] == theirs:
                agree += 1
                continue
            traffic = float(row["volume"]) * float(row["aht_seconds"]) / INTERVAL_SECONDS
            stable = math.floor(traffic) + 1
            if theirs == ours["agents"] + 1 and ours["agents"] == stable and round(traffic + 1) > stable:
                search_start += 1
            else:
                other.append((name, row, ours["agents"], theirs))
    print(f"intervals compared: {total}")
    print(f"agree:              {agree}")
    print(f"pyworkforce +1 from its search start round(traffic + 1): {search_start}")
    print(f"other disagreements: {len(other)}")
    for name, row, ours, theirs in other[:20]:
        print(f"  {name} {row}: crewdeck {ours}, pyworkforce {theirs}")
    if other:
        sys.exit(1)


if __name__ == "__main__":
    main()
