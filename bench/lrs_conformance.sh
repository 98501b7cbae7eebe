#!/usr/bin/env bash
# The ADL LRS Conformance Test Suite against a fresh local stack, for xAPI 2.0.0 and 1.0.3.
#
#   bench/lrs_conformance.sh            (or: make lrs-conformance)
#
# The suite is never vendored: it is cloned (pinned commit) into $CTS_DIR, outside the repo,
# and `npm install`ed there. Pass/fail is read from the suite's JSON log, not its exit code
# (which is failures mod 256). Takes about 5-10 minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CTS_DIR="${CTS_DIR:-/tmp/lrs-cts}"
CTS_REPO="${CTS_REPO:-https://github.com/adlnet/lrs-conformance-test-suite.git}"
CTS_COMMIT="${CTS_COMMIT:-2ec25f2}"
PY="$ROOT/.venv/bin/python"

if [ ! -f "$CTS_DIR/bin/console_runner.js" ]; then
  git clone --quiet "$CTS_REPO" "$CTS_DIR"
  git -C "$CTS_DIR" checkout --quiet "$CTS_COMMIT"
fi
[ -d "$CTS_DIR/node_modules" ] || (cd "$CTS_DIR" && npm install --no-audit --no-fund --loglevel=error)

. "$ROOT/bench/local_stack.sh"
start_local_stack nimbus-cts
ENDPOINT="$(field lrsEndpoint)"; KEY="$(field lrsKey)"; SECRET="$(field lrsSecret)"

status=0
for version in 2.0.0 1.0.3; do
  (cd "$CTS_DIR" && node bin/console_runner.js -x "$version" -e "$ENDPOINT" -a -u "$KEY" \
     -p "$SECRET" -z > "$HOME_DIR/cts-$version.out" 2>&1) || true
  log="$(grep -a -o 'Full run log written to [^ ]*\.log' "$HOME_DIR/cts-$version.out" | tail -1 | cut -d' ' -f6)"
  "$PY" - "$log" "$version" <<'PYEOF' || status=1
import json, sys
data = json.load(open(sys.argv[1]))
summary = data["summary"]
print(f"xAPI {sys.argv[2]}: state={data['state']} passed={summary['passed']} "
      f"failed={summary['failed']} total={summary['total']}  log={sys.argv[1]}")
sys.exit(0 if data["state"] == "finished" and summary["failed"] == 0
         and summary["passed"] == summary["total"] else 1)
PYEOF
done
exit $status
