#!/usr/bin/env bash
# Batch staffing benchmark: crewdeck against pyworkforce's ErlangC over the same
# week of 15-minute intervals for 50 queues (50 × 672 = 33,600 intervals).
#
# Both sides are timed as whole processes, start-up included, because that is
# what a planner running the batch waits for. See docs/benchmarks.md, "Staffing".
#
# usage: bench/staffing/run.sh            (from anywhere; needs cargo, python3, hyperfine)
# env:   CARGO_TARGET_DIR (default /work/target-forecast), VENV (default /tmp/pyworkforce-venv),
#        WORK (default /tmp/crewdeck-bench-staffing), RUNS (default 5)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-forecast}"
VENV="${VENV:-/tmp/pyworkforce-venv}"
WORK="${WORK:-/tmp/crewdeck-bench-staffing}"
RUNS="${RUNS:-5}"
BIN="$CARGO_TARGET_DIR/release/crewdeck"
FLAGS="--interval-minutes 15 --service-level 0.8 --answer-within-seconds 20 --json"

echo "== build" >&2
(cd "$ROOT" && cargo build --release -p crewdeck >&2)

echo "== pyworkforce virtualenv at $VENV (not part of the repository)" >&2
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet pyworkforce
fi
"$VENV/bin/pip" show pyworkforce | sed -n '1,2p' >&2

echo "== data: 50 queues x 672 intervals" >&2
rm -rf "$WORK" && mkdir -p "$WORK/data" "$WORK/rust"
python3 "$HERE/generate.py" "$WORK/data"

# One crewdeck process per queue: the contract's batch form takes one CSV.
cat > "$WORK/crewdeck_50.sh" <<SH
#!/usr/bin/env bash
set -e
for f in "$WORK"/data/queue_*.csv; do
    "$BIN" staffing --input "\$f" $FLAGS > "$WORK/rust/\$(basename "\$f" .csv).json"
done
SH
chmod +x "$WORK/crewdeck_50.sh"

echo "== timing" >&2
# Every run writes its answers to new files: each command's previous answers
# are removed first (one --prepare per command, in order), for both tools.
# Truncating a file that holds data and writing it again makes ext4
# (auto_da_alloc) flush it to disk when it is closed, which for the 10 MB
# answer took 10-15 ms here: a cost of the file system, not of the tool.
# `sync` then writes out what earlier runs left dirty, so that no run shares
# the disk with the write-back of another's answers.
hyperfine --warmup 1 --runs "$RUNS" --export-json "$WORK/hyperfine.json" \
    --prepare "rm -f $WORK/rust/*.json; sync" \
    --prepare "rm -f $WORK/all_queues.json; sync" \
    --prepare "rm -f $WORK/pyworkforce.json; sync" \
    -n "crewdeck, 50 processes (one per queue)" "$WORK/crewdeck_50.sh" \
    -n "crewdeck, 1 process (all 33,600 rows in one CSV)" \
    "$BIN staffing --input $WORK/data/all_queues.csv $FLAGS > $WORK/all_queues.json" \
    -n "pyworkforce ErlangC.required_positions" \
    "$VENV/bin/python $HERE/pyworkforce_bench.py $WORK/data $WORK/pyworkforce.json"

echo "== agreement" >&2
"$VENV/bin/python" "$HERE/compare.py" "$WORK/data" "$WORK/rust" "$WORK/pyworkforce.json"

echo "== summary" >&2
python3 - "$WORK/hyperfine.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
by = {r["command"]: r for r in results}
py = by["pyworkforce ErlangC.required_positions"]
for r in results:
    print(f"{r['command']}: median {r['median']:.3f} s, mean {r['mean']:.3f} s (± {r['stddev']:.3f}), "
          f"min {r['min']:.3f} s; pyworkforce / this = {py['median'] / r['median']:.1f}x (medians), "
          f"{py['mean'] / r['mean']:.1f}x (means)")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
