# Nimbus: the two commands are `make run` and `make test`; everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -c1-16)
PY_STAMP := $(VENV)/.installed-$(REQ_HASH)
NPM_STAMP := frontend/node_modules/.installed
# scorm-again, pinned, for the runtime differential test (tests/differential) and the
# sequencing benchmark's comparison (bench/sequencing_scorm_again.mjs imports it from there).
DIFF_STAMP := tests/differential/node_modules/.installed
# @xapi/xapi, pinned, only for the LRS client interop test (tests/e2e/test_xapi_client.py).
XAPI_STAMP := tests/xapi_client/node_modules/.installed
# @xapi/cmi5, pinned, only for the e2e test of a cmi5 AU written with it (tests/builders/cmi5_courses.py).
CMI5_AU_STAMP := tests/cmi5_au/node_modules/.installed
# dynalite, pinned, only for the LRS's million-statement benchmark (bench/lrs_scale.py).
DYNALITE_STAMP := bench/dynalite/node_modules/.installed
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
	frontend/vite.config.ts frontend/package-lock.json $(wildcard frontend/tsconfig*.json)

.PHONY: run test lint typecheck package frontend-test python-test chromium bench bench-lrs-scale bench-load lrs-conformance conformance cmi5-conformance clean

## make run: set everything up, then start Nimbus locally (URL and credentials are printed).
run: $(PY_STAMP) frontend/dist/index.html
	$(BIN)/python -m nimbus_local

## make test: set everything up, then run every check and test suite.
test: $(PY_STAMP) $(NPM_STAMP) $(DIFF_STAMP) $(XAPI_STAMP) $(CMI5_AU_STAMP) frontend/dist/index.html chromium
	$(MAKE) --no-print-directory lint typecheck package frontend-test python-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): $(BIN)/python requirements.txt requirements-dev.txt constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	rm -f $(VENV)/.installed-* && touch $@

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(DIFF_STAMP): tests/differential/package.json tests/differential/package-lock.json
	cd tests/differential && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(XAPI_STAMP): tests/xapi_client/package.json tests/xapi_client/package-lock.json
	cd tests/xapi_client && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CMI5_AU_STAMP): tests/cmi5_au/package.json tests/cmi5_au/package-lock.json
	cd tests/cmi5_au && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: $(NPM_STAMP) $(FRONTEND_SRC)
	cd frontend && npm run build --silent

## Debian's chromium for the browser tests (browsers cannot be downloaded by Playwright here).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(PY_STAMP)
	$(BIN)/ruff check .

typecheck: $(PY_STAMP) $(NPM_STAMP)
	$(BIN)/mypy
	cd frontend && npm run --silent typecheck

## The deployable template: chalice package merged with infra/resources.json, then cfn-lint.
package: $(PY_STAMP)
	infra/package.sh out/package

frontend-test: $(NPM_STAMP)
	cd frontend && npm test --silent

# pytest exits 5 when it collects no tests; that is not a failure of the suite.
python-test: $(PY_STAMP)
	$(BIN)/python -m pytest; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

bench: $(PY_STAMP) $(DIFF_STAMP)
	$(BIN)/python -m bench

## GET latency at 10 thousand and 1 million statements on an indexed store (most of an hour).
bench-lrs-scale: $(PY_STAMP) $(DYNALITE_STAMP)
	$(BIN)/python -m bench lrs_scale

## Load over HTTP on a fresh local stack (bench/load.py): 200 learners for 5 min; LOAD="lrs|lrs-soak|lrs-ratio [options]".
bench-load: $(PY_STAMP)
	$(BIN)/python -m bench.load $(LOAD)

$(DYNALITE_STAMP): bench/dynalite/package.json bench/dynalite/package-lock.json
	cd bench/dynalite && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## The ADL LRS conformance suite (xAPI 2.0.0 and 1.0.3) against a fresh local stack; not in `make test`.
lrs-conformance: $(PY_STAMP)
	bench/lrs_conformance.sh

## ADL's CATAPULT cmi5 LMS Test Suite against a fresh local stack through our adapter; last line:
## "cmi5 LMS tests: P passed, F failed". The suite: $CATAPULT_DIR, else cloned (pinned) into /tmp/catapult.
cmi5-conformance: $(PY_STAMP)
	tests/cmi5_conformance/run.sh

## ADL's SCORM 2004 cases against the sequencing engine and the API; last line: "ADL SCORM 2004 cases: P passed, F failed".
## The suite: $ADL_SCORM2004_SUITE, else ../shared/conformance/scorm2004-adl, else cloned (pinned commit) into
## $ADL_SUITE_DIR (default /tmp/adl-scorm2004-suite), outside the repository (tests/conformance/adl_suite.py).
conformance: $(PY_STAMP)
	tests/conformance/run_adl.sh

clean:
	rm -rf $(VENV) out frontend/node_modules frontend/dist .pytest_cache .mypy_cache .ruff_cache
