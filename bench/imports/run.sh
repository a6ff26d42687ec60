#!/usr/bin/env bash
# Import and KPI benchmark on SQLite (docs/benchmarks.md, "Imports" and "KPIs").
#
#   bench/imports/run.sh [ROWS...]          (default: 1000000 10000000)
#
# For each size: generates the interactions CSV with bench/imports/gen.py
# (fixed seed; kept between runs in $WORK), imports it into a fresh SQLite
# file under /usr/bin/time -v, and prints rows/s, wall time and peak memory,
# with the import's own per-phase timings (CREWDECK_IMPORT_TIMINGS=1). After
# the largest import it times `crewdeck kpi` by agent and week over the whole
# year, $KPI_RUNS times, and prints each run's wall time and peak memory.
#
# Environment: CARGO_TARGET_DIR (where the release binary is built),
# WORK (data and databases, default /tmp/crewdeck-bench-imports),
# KPI_RUNS (default 10), KEEP_DB=1 to keep the databases.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$(pwd)/target}"
work="${WORK:-/tmp/crewdeck-bench-imports}"
kpi_runs="${KPI_RUNS:-10}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
mkdir -p "$work"

cargo build --release -p crewdeck --quiet
bin="$target/release/crewdeck"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Prints "wall_seconds max_rss_kb cpu_seconds" of a /usr/bin/time -v log.
time_of() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s}
              /Maximum resident set size/ {rss = $2}
              /User time/ {user = $2} /System time/ {sys = $2}
              END {printf "%s %s %.2f\n", wall, rss, user + sys}' "$1"
}

# Runs a command under /usr/bin/time -v (log in $1) and samples the process's
# anonymous memory (RssAnon: heap and stacks, not the database file that
# SQLite maps into memory, which the maximum RSS includes) every 0.2 s; sets
# PEAK_ANON_KB.
run_sampled() {
  local log="$1"; shift
  /usr/bin/time -v -o "$log" "$@" &
  local timer=$! pid="" peak=0 anon
  while kill -0 "$timer" 2>/dev/null; do
    [ -n "$pid" ] || pid="$(pgrep -P "$timer" | head -n 1 || true)"
    if [ -n "$pid" ]; then
      anon="$(awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
      [ -n "$anon" ] && [ "$anon" -gt "$peak" ] && peak="$anon"
    fi
    sleep 0.2
  done
  local rc=0
  wait "$timer" || rc=$?
  PEAK_ANON_KB="$peak"
  return "$rc"
}

last_db=""
for rows in "${sizes[@]}"; do
  csv="$work/interactions_$rows.csv"
  [ -s "$csv" ] || python3 bench/imports/gen.py "$rows" "$csv"
  db="$work/bench_$rows.db"
  rm -f "$db" "$db-wal" "$db-shm"
  CREWDECK_IMPORT_TIMINGS=1 run_sampled "$work/time_$rows.log" \
    "$bin" --database "sqlite://$db" import interactions "$csv" --json > "$work/report_$rows.json" 2> "$work/import_$rows.err" || {
      echo "import of $rows rows failed:" >&2; cat "$work/import_$rows.err" >&2; exit 1; }
  read -r wall rss cpu < <(time_of "$work/time_$rows.log")
  rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN {printf "%.0f", r / w}')
  cpu_rate=$(awk -v r="$rows" -v c="$cpu" 'BEGIN {printf "%.0f", r / c}')
  echo "import $rows rows: ${wall} s wall, ${rate} rows/s; CPU ${cpu} s (${cpu_rate} rows per CPU second);" \
    "peak anonymous memory $((PEAK_ANON_KB / 1024)) MB, peak RSS with the mapped database $((rss / 1024)) MB;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  grep 'import timings' "$work/import_$rows.err" || true
  echo "  report: $(head -c 200 "$work/report_$rows.json")"
  echo "  database: $(du -sh "$db" | cut -f1)"
  [ -n "$last_db" ] && [ -z "${KEEP_DB:-}" ] && rm -f "$last_db" "$last_db-wal" "$last_db-shm"
  last_db="$db"
done

echo "== crewdeck kpi --group-by agent,week over the last import ($kpi_runs runs)"
for i in $(seq 1 "$kpi_runs"); do
  /usr/bin/time -v -o "$work/kpi_time.log" "$bin" --database "sqlite://$last_db" kpi \
    --from 2025-11-01 --to 2026-10-31 --group-by agent,week --json > "$work/kpi.json"
  read -r wall rss cpu < <(time_of "$work/kpi_time.log")
  echo "kpi run $i: ${wall} s wall, CPU ${cpu} s, peak RSS $((rss / 1024)) MB, $(grep -o '"contacts"' "$work/kpi.json" | wc -l) rows"
done
