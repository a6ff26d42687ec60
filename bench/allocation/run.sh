#!/usr/bin/env bash
# Benchmarks `crewdeck allocate` against an OR-tools min-cost flow of the same
# instances, as whole processes, after checking that both reach the same
# per-priority counts; then measures pull decision latency.
#
#   bench/allocation/run.sh            # build, check, time, print a table
#
# Environment (all optional):
#   CARGO_TARGET_DIR  where cargo builds (default: the workspace's target/)
#   BENCH_DIR         where instances and results go (default /tmp/crewdeck-bench-allocation)
#   VENV              the OR-tools virtualenv, created if missing (default /tmp/crewdeck-ortools-venv)
#   RUNS              timed runs per solver and instance (default 5)
#   PYTHON            the interpreter that creates the venv (default python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/allocation"
BENCH_DIR="${BENCH_DIR:-/tmp/crewdeck-bench-allocation}"
VENV="${VENV:-/tmp/crewdeck-ortools-venv}"
RUNS="${RUNS:-5}"
PYTHON="${PYTHON:-python3}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/crewdeck"
mkdir -p "$BENCH_DIR"

echo "== build" >&2
(cd "$ROOT" && cargo build --release -p crewdeck >&2)
(cd "$ROOT" && cargo build --release -p crewdeck-core --example pull_latency >&2)

if [ ! -x "$VENV/bin/python" ]; then
    echo "== virtualenv with OR-tools in $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet 'ortools==9.15.*' >&2
fi
ORTOOLS_VERSION="$("$VENV/bin/python" -c 'import ortools; print(ortools.__version__)')"

echo "== instances" >&2
# small: for checking; large: the issue's target size.
"$PYTHON" "$HERE/gen.py" --items 300 --agents 40 --skills 12 --seed 2 --out "$BENCH_DIR/small.json"
"$PYTHON" "$HERE/gen.py" --items 10000 --agents 1000 --skills 30 --seed 1 --out "$BENCH_DIR/large.json"

crewdeck_counts() {
    "$BIN" allocate --input "$1" --json | "$PYTHON" -c \
        'import json, sys; print(json.dumps(json.load(sys.stdin)["summary"]["assigned"], sort_keys=True))'
}
ortools_counts() {
    "$VENV/bin/python" "$HERE/ortools_mcf.py" "$1" | "$PYTHON" -c \
        'import json, sys; print(json.dumps(json.load(sys.stdin)["assigned"], sort_keys=True))'
}

echo "== same lexicographic optimum?" >&2
for size in small large; do
    c="$(crewdeck_counts "$BENCH_DIR/$size.json")"
    o="$(ortools_counts "$BENCH_DIR/$size.json")"
    if [ "$c" != "$o" ]; then
        echo "MISMATCH on $size: crewdeck $c, OR-tools $o" >&2
        exit 1
    fi
    echo "$size: both assign $c" >&2
    echo "$c" >"$BENCH_DIR/$size.counts.json"
done

# One row per (instance, solver): median wall time (hyperfine when installed,
# else of the /usr/bin/time runs), median CPU time (user + sys) and peak RSS
# over RUNS runs of /usr/bin/time.
measure() {
    local label="$1" instance="$2"
    shift 2
    local cmd=("$@")
    local times="$BENCH_DIR/$label.$instance.time"
    : >"$times"
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %U %S %M' -a -o "$times" "${cmd[@]}" >/dev/null
    done
    local hf=""
    if command -v hyperfine >/dev/null; then
        hyperfine --style none --warmup 1 --runs "$RUNS" \
            --export-json "$BENCH_DIR/$label.$instance.hyperfine.json" "$(printf '%q ' "${cmd[@]}")" >&2
        hf="$BENCH_DIR/$label.$instance.hyperfine.json"
    fi
    "$PYTHON" - "$times" "$hf" "$label" "$instance" <<'PY'
import json, statistics, sys
times, hf, label, instance = sys.argv[1:]
rows = [list(map(float, l.split())) for l in open(times) if l.strip()]
wall = statistics.median(r[0] for r in rows)
if hf:
    wall = statistics.median(json.load(open(hf))["results"][0]["times"])
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = max(r[3] for r in rows) / 1024
print(f"| {instance} | {label} | {wall:.3f} | {cpu:.3f} | {rss:.0f} |")
PY
}

echo "== timing ($RUNS runs each)" >&2
TABLE="$BENCH_DIR/table.md"
{
    echo "| instance | solver | median wall (s) | median CPU user+sys (s) | peak RSS (MiB) |"
    echo "| --- | --- | ---: | ---: | ---: |"
    for size in small large; do
        measure crewdeck "$size" "$BIN" allocate --input "$BENCH_DIR/$size.json" --json
        measure "ortools-$ORTOOLS_VERSION" "$size" "$VENV/bin/python" "$HERE/ortools_mcf.py" "$BENCH_DIR/$size.json"
    done
} >"$TABLE"

echo "== OR-tools phases on the large instance (seconds)" >&2
"$VENV/bin/python" "$HERE/ortools_mcf.py" "$BENCH_DIR/large.json" --timings 2>&1 >/dev/null | tee "$BENCH_DIR/ortools-phases.json"

echo "== pull decision latency" >&2
PULL="$BENCH_DIR/pull.json"
"$TARGET/release/examples/pull_latency" "$BENCH_DIR/large.json" 100000 1 | tee "$PULL" >&2

echo
echo "Counts per priority (both solvers): small $(cat "$BENCH_DIR/small.counts.json"), large $(cat "$BENCH_DIR/large.counts.json")"
echo
cat "$TABLE"
echo
"$PYTHON" - "$PULL" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_us"]
print(f"Pull: {r['decisions']} decisions, {r['open_items']} open items, {r['agents_pulling']} agents pulling: "
      f"p50 {l['p50']:.1f} µs, p99 {l['p99']:.1f} µs, p99.9 {l['p999']:.1f} µs, max {l['max']:.1f} µs")
PY
