#!/usr/bin/env bash
# ADL's CATAPULT LMS Test Suite (cmi5) against a fresh local stack, through Nimbus's own adapter
# (tests/cmi5_conformance/lms.nimbus.js, public API v2 + the cmi5 extension only).
#
#   make cmi5-conformance            (or: tests/cmi5_conformance/run.sh)
#
# The suite is never vendored: $CATAPULT_DIR (a CATAPULT checkout, or its lts/ folder) when set,
# else cloned at a pinned commit into /tmp/catapult (only lts/ is checked out). Its npm packages
# come from the registry (`npm ci`, puppeteer's browser download skipped: Debian's Chromium runs
# the AUs) and its test packages are built with its own webpack config. The last line is
# exactly "cmi5 LMS tests: P passed, F failed" (jest's own counts, read from its JSON report).
# Jest runs with a 120 s test timeout instead of its 5 s default: an import goes through
# S3 -> SQS -> the import function (the local pump polls every 0.5 s), which 5 s does not cover.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
REPO="${CATAPULT_REPO:-https://github.com/adlnet/CATAPULT.git}"
COMMIT="${CATAPULT_COMMIT:-806c0baaa0fa99c9cb4f398ad7eb21fc5461c6e4}"
PY="$ROOT/.venv/bin/python"
export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1

if [ -n "${CATAPULT_DIR:-}" ]; then
  if [ -f "$CATAPULT_DIR/lts/package.json" ]; then LTS="$CATAPULT_DIR/lts"; else LTS="$CATAPULT_DIR"; fi
else
  CLONE=/tmp/catapult
  if [ ! -f "$CLONE/lts/package.json" ]; then
    rm -rf "$CLONE"
    git clone --quiet --no-checkout "$REPO" "$CLONE"
    git -C "$CLONE" checkout --quiet "$COMMIT" -- lts
  fi
  LTS="$CLONE/lts"
fi
[ -f "$LTS/package.json" ] || { echo "no CATAPULT lts/ suite at $LTS" >&2; exit 2; }
[ -d "$LTS/node_modules/jest" ] || (cd "$LTS" && npm ci --no-audit --no-fund --loglevel=error)
[ -f "$LTS/pkg/dist/001-essentials.zip" ] || (cd "$LTS/pkg" && NODE_OPTIONS=--openssl-legacy-provider npx webpack > /dev/null)  

. "$ROOT/bench/local_stack.sh"
start_local_stack nimbus-cmi5

REPORT="$HOME_DIR/jest.json"
(cd "$LTS" && CATAPULT_LMS="$ROOT/tests/cmi5_conformance/lms.nimbus.js" CATAPULT_LTS_DIR="$LTS" \
  JEST_PUPPETEER_CONFIG="$ROOT/tests/cmi5_conformance/jest-puppeteer.config.js" \
  NIMBUS_BASE_URL="$(field baseUrl)" NIMBUS_APP_ID="$(field appId)" NIMBUS_SECRET_KEY="$(field secretKey)" \
  NIMBUS_LRS_KEY="$(field lrsKey)" NIMBUS_LRS_SECRET="$(field lrsSecret)" \
  npx jest --runInBand --testTimeout=120000 --json --outputFile="$REPORT" ${CATAPULT_JEST_ARGS:-} > "$HOME_DIR/jest.out" 2>&1) || true
"$PY" - "$REPORT" "$HOME_DIR" <<'PYEOF'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print(f"the suite did not run; see {sys.argv[2]}/jest.out", file=sys.stderr)
    data = {"numPassedTests": 0, "numFailedTests": 0}
for suite in data.get("testResults", []):
    for test in suite.get("assertionResults", []):
        if test.get("status") == "failed":
            print(f"FAILED  {' > '.join(test.get('ancestorTitles', []))} > {test.get('title')}")
print(f"(jest output: {sys.argv[2]}/jest.out, stack log: {sys.argv[2]}/stack.log)")
print(f"cmi5 LMS tests: {data['numPassedTests']} passed, {data['numFailedTests']} failed")
PYEOF
