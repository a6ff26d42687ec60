#!/usr/bin/env bash
# Runs crewdeck's browser tests: Playwright (playwright-core only, no browser
# download) driving Debian's Chromium against a demo server on a temp database.
#   e2e/run.sh                      build target/debug/crewdeck, then test it
#   CREWDECK_BIN=/path/crewdeck e2e/run.sh   test that binary (no build)
# Screenshots land in e2e/artifacts/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$here"

chromium="${CHROMIUM_BIN:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "e2e: Chromium not found at $chromium." >&2
  echo "e2e: install Debian's package (apt-get install chromium) or set CHROMIUM_BIN." >&2
  exit 1
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "e2e: node and npm are needed (apt-get install nodejs npm)." >&2
  exit 1
fi

if [[ ! -d node_modules ]]; then
  echo "e2e: installing node modules (npm ci)…"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

if [[ -z "${CREWDECK_BIN:-}" ]]; then
  echo "e2e: building crewdeck (cargo build -p crewdeck)…"
  (cd "$repo" && cargo build -p crewdeck)
  export CREWDECK_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/crewdeck"
fi
if [[ ! -x "$CREWDECK_BIN" ]]; then
  echo "e2e: CREWDECK_BIN=$CREWDECK_BIN is not an executable file." >&2
  exit 1
fi

mkdir -p artifacts
export CHROMIUM_BIN="$chromium"
exec node --test tests/
