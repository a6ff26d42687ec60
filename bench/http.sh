#!/usr/bin/env bash
# Load test of the JSON people list and the skills matrix page on loopback.
#   bench/http.sh [PEOPLE] [SECONDS]
# Builds the release binary, creates a demo database on SQLite, adds people
# through the API until there are PEOPLE (default 1000), then drives
# GET /api/v1/people (bearer token) and GET /skills/matrix (session cookie)
# with wrk. Prints wrk's figures, including the latency distribution.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-1000}"
seconds="${2:-15}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

cargo build --release -p crewdeck --quiet
bin="$(pwd)/target/release/crewdeck"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
db="sqlite://$work/bench.db"

"$bin" --database "$db" demo --listen 127.0.0.1:0 --seed 1 > "$work/out" 2> "$work/err" &
server=$!
for _ in $(seq 1 100); do grep -q "running at" "$work/out" 2>/dev/null && break; sleep 0.1; done
base="$(grep -o 'http://[0-9.:]*' "$work/out" | head -n 1)"
ops_email="$(awk '/Operations manager/ {print $3}' "$work/out")"
lead_email="$(awk '/Team leader/ {print $3}' "$work/out")"
lead_password="$(awk '/Team leader/ {print $4}' "$work/out")"
token="$("$bin" --database "$db" token create --email "$ops_email" --json | sed 's/.*"token":"\([^"]*\)".*/\1/')"

count_people() { curl -fs -D - -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/people?limit=1" | tr -d '\r' | awk 'tolower($1) == "x-total-count:" {print $2}'; }
existing="$(count_people)"
for i in $(seq "$existing" $((people - 1))); do
  curl -fs -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Bench Person $i\",\"email\":\"bench$i@example.co.uk\",\"job_role\":\"Customer service advisor\",\"start_date\":\"2025-01-06\",\"contracted_hours\":37.5,\"comm_channel\":\"email\",\"comm_style\":\"brief\",\"team_id\":$(( i % 3 + 1 ))}" \
    "$base/api/v1/people"
done
echo "people: $(count_people)"

cookie="$(curl -fs -o /dev/null -D - -d "email=$lead_email&password=$lead_password" "$base/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(crewdeck_session=[^;]*\).*/\1/p')"

echo "== GET /api/v1/people (default page of 100 of $people people, ${seconds}s, 2 threads, 32 connections)"
wrk -t2 -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/api/v1/people"
echo "== GET /api/v1/people?limit=1000 (the largest page, ${seconds}s, 2 threads, 32 connections)"
wrk -t2 -c32 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/api/v1/people?limit=1000"
echo "== GET /skills/matrix (team leader, ${seconds}s, 2 threads, 32 connections)"
wrk -t2 -c32 -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/skills/matrix"
echo "server peak memory (VmHWM): $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
