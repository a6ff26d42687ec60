#!/usr/bin/env bash
# KPI read benchmark on SQLite at 10M contacts (docs/benchmarks.md, "KPIs").
#
#   bench/kpi/run.sh
#
# Prepares (once, kept in $WORK) a database holding the demo organisation
# and the 10M-contact benchmark CSV (bench/imports/gen.py), adds two teams
# whose members are bench agents (agent000-agent009 and agent010-agent059,
# linked by email), then:
#   1. times `crewdeck kpi --from 2025-11-01 --to 2026-10-31 --group-by
#      agent,week --json` $RUNS times under /usr/bin/time -v (wall, CPU, peak
#      RSS), and with hyperfine when it is installed;
#   2. serves the database and drives each team's dashboard (26 weeks,
#      4 May to 1 November 2026) with wrk --latency, printing p50 and p99,
#      then the server's peak memory.
#
# Environment: CARGO_TARGET_DIR (where the release binary is built), or
# BIN (a crewdeck binary to use instead, e.g. an older build to compare),
# WORK (default /tmp/crewdeck-bench-kpi), CSV (default
# /work/bench-data/interactions_10000000.csv, generated when missing),
# RUNS (default 10), SECONDS (wrk duration, default 15),
# CONNECTIONS (wrk connections, default 8).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$(pwd)/target}"
work="${WORK:-/tmp/crewdeck-bench-kpi}"
csv="${CSV:-/work/bench-data/interactions_10000000.csv}"
runs="${RUNS:-10}"
seconds="${SECONDS_PER_PAGE:-${SECONDS:-15}}"
connections="${CONNECTIONS:-8}"
# wrk needs at least one connection per thread.
threads=$(( connections < 2 ? 1 : 2 ))
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
mkdir -p "$work"

if [ -n "${BIN:-}" ]; then
  bin="$BIN"
else
  cargo build --release -p crewdeck --quiet
  bin="$target/release/crewdeck"
fi
db="$work/kpi_10m.db"
url="sqlite://$db"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Prints "wall_seconds max_rss_kb cpu_seconds" of a /usr/bin/time -v log.
time_of() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s}
              /Maximum resident set size/ {rss = $2}
              /User time/ {user = $2} /System time/ {sys = $2}
              END {printf "%s %s %.3f\n", wall, rss, user + sys}' "$1"
}

server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT

# Starts the demo server on the database (it seeds an empty one) and sets
# $base and $ops_email/$ops_password (the operations manager sees every team).
start_server() {
  "$bin" --database "$url" demo --listen 127.0.0.1:0 --seed 1 > "$work/server.out" 2> "$work/server.err" &
  server=$!
  for _ in $(seq 1 600); do grep -q "running at" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  grep -q "running at" "$work/server.out" || { echo "the server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
  base="$(grep -o 'http://[0-9.:]*' "$work/server.out" | head -n 1)"
  ops_email="$(awk '/Operations manager/ {print $3}' "$work/server.out")"
  ops_password="$(awk '/Operations manager/ {print $4}' "$work/server.out")"
}

stop_server() {
  kill "$server" && wait "$server" 2>/dev/null || true
  server=""
}

if [ ! -s "$db" ]; then
  [ -s "$csv" ] || python3 bench/imports/gen.py 10000000 "$csv"
  start_server
  stop_server
  /usr/bin/time -v -o "$work/import_time.log" "$bin" --database "$url" import interactions "$csv" --json \
    > "$work/import.json" 2> "$work/import.err" || { echo "import failed:" >&2; cat "$work/import.err" >&2; exit 1; }
  read -r wall rss cpu < <(time_of "$work/import_time.log")
  echo "prepared: demo organisation + $(head -c 120 "$work/import.json") in ${wall} s"
fi

/usr/bin/time -v -o "$work/migrate_time.log" "$bin" --database "$url" migrate 2> "$work/migrate.err"
read -r wall rss cpu < <(time_of "$work/migrate_time.log")
echo "migrate (bringing an older database up to date, or checking): ${wall} s wall, CPU ${cpu} s"

kpi_args=(--database "$url" kpi --from 2025-11-01 --to 2026-10-31 --group-by agent,week --json)
echo "== crewdeck kpi --group-by agent,week over a year ($runs runs; load average $(cut -d' ' -f1-3 /proc/loadavg))"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -v -o "$work/kpi_time.log" "$bin" "${kpi_args[@]}" > "$work/kpi.json"
  read -r wall rss cpu < <(time_of "$work/kpi_time.log")
  echo "kpi run $i: ${wall} s wall, CPU ${cpu} s, peak RSS $((rss / 1024)) MB, $(grep -o '"contacts"' "$work/kpi.json" | wc -l) rows"
done
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$runs" --style basic --export-json "$work/kpi_hyperfine.json" \
    "$bin ${kpi_args[*]} > /dev/null"
fi

start_server
cookie="$(curl -fs -o /dev/null -D - --data-urlencode "email=$ops_email" --data-urlencode "password=$ops_password" "$base/login" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \(crewdeck_session=[^;]*\).*/\1/p')"
[ -n "$cookie" ] || { echo "could not log in as $ops_email" >&2; exit 1; }
token="$("$bin" --database "$url" token create --email "$ops_email" --json | sed 's/.*"token":"\([^"]*\)".*/\1/')"
api() { curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }

# A team of bench agents, created once: prints its id.
bench_team() {
  local name="$1" first="$2" last="$3" id
  id="$(api "$base/api/v1/teams" | python3 -c "import json,sys; print(next((t['id'] for t in json.load(sys.stdin) if t['name'] == '$name'), ''))")"
  if [ -z "$id" ]; then
    id="$(api -d "{\"name\":\"$name\"}" "$base/api/v1/teams" | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")"
    for n in $(seq "$first" "$last"); do
      api -o /dev/null -d "{\"name\":\"Bench Agent $n\",\"email\":\"$(printf 'agent%03d@example.com' "$n")\",\"job_role\":\"Customer service advisor\",\"start_date\":\"2025-01-06\",\"contracted_hours\":37.5,\"comm_channel\":\"email\",\"comm_style\":\"brief\",\"team_id\":$id}" \
        "$base/api/v1/people"
    done
  fi
  echo "$id"
}
small="$(bench_team "Bench ten" 0 9)"
large="$(bench_team "Bench fifty" 10 59)"

period="from=2026-05-04&to=2026-11-01"
for team in "$small ten" "$large fifty"; do
  set -- $team
  page="$base/dashboards/team/$1?$period"
  status="$(curl -s -o "$work/dashboard_$2.html" -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$page")"
  echo "== team dashboard, $2 agents (first request: HTTP ${status% *}, ${status#* } s): ${seconds}s, $threads thread(s), $connections connection(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "$page" | tee "$work/wrk_$2.txt" \
    | grep -E 'Requests/sec|Non-2xx|50%|99%|Latency  '
done
echo "server peak memory (VmHWM): $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
