#!/usr/bin/env bash
# ADL's SCORM 2004 4th Edition LMS cases against the sequencing engine and the API.
#
#   tests/conformance/run_adl.sh [-v]     (or: make conformance)
#
# The suite's data is found by tests/conformance/adl_suite.py: $ADL_SCORM2004_SUITE if set, else
# ../shared/conformance/scorm2004-adl beside the repository, else $ADL_SUITE_DIR. When none holds
# it, the public suite is cloned (pinned commit) into $ADL_SUITE_DIR, outside the repo; it is never
# vendored (ADL_SUITE_REPO and ADL_SUITE_COMMIT override the source). Last output line:
# "ADL SCORM 2004 cases: P passed, F failed".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export ADL_SUITE_DIR="${ADL_SUITE_DIR:-/tmp/adl-scorm2004-suite}"  # adl_suite.DEFAULT_CACHE
ADL_SUITE_REPO="${ADL_SUITE_REPO:-https://github.com/adlnet/SCORM-2004-4ed-Test-Suite.git}"
ADL_SUITE_COMMIT="${ADL_SUITE_COMMIT:-050f1b4282c914154ab80254e4767ce8c58d0d36}"
PY="$ROOT/.venv/bin/python"
cd "$ROOT"

if [ -z "${ADL_SCORM2004_SUITE:-}" ]; then
  FOUND="$("$PY" -m tests.conformance.adl_suite 2>/dev/null || true)"
  if [ -z "$FOUND" ]; then
    if [ -e "$ADL_SUITE_DIR" ]; then
      echo "$ADL_SUITE_DIR exists but holds no ADL SCORM 2004 suite: remove it or set ADL_SUITE_DIR" >&2
      exit 1
    fi
    echo "Fetching the ADL SCORM 2004 suite ($ADL_SUITE_REPO at ${ADL_SUITE_COMMIT:0:7}) into $ADL_SUITE_DIR"
    rm -rf "$ADL_SUITE_DIR.partial"
    git clone --quiet --no-checkout "$ADL_SUITE_REPO" "$ADL_SUITE_DIR.partial"
    git -C "$ADL_SUITE_DIR.partial" checkout --quiet "$ADL_SUITE_COMMIT"
    mv "$ADL_SUITE_DIR.partial" "$ADL_SUITE_DIR"
  elif [ "$FOUND" -ef "$ADL_SUITE_DIR" ] && [ -d "$ADL_SUITE_DIR/.git" ] \
       && [ "$(git -C "$ADL_SUITE_DIR" rev-parse HEAD)" != "$ADL_SUITE_COMMIT" ]; then
    echo "Moving $ADL_SUITE_DIR to the pinned commit ${ADL_SUITE_COMMIT:0:7}"
    git -C "$ADL_SUITE_DIR" cat-file -e "$ADL_SUITE_COMMIT^{commit}" 2>/dev/null \
      || git -C "$ADL_SUITE_DIR" fetch --quiet origin
    git -C "$ADL_SUITE_DIR" checkout --quiet "$ADL_SUITE_COMMIT"
  fi
fi

exec "$PY" -m tests.conformance.adl_sequencing "$@"
