#!/usr/bin/env bash
# Build the deployable CloudFormation (SAM) template: `chalice package` merged with
# infra/resources.json, then lint it. Usage: infra/package.sh [OUT_DIR] [STAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out}
stage=${2:-dev}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
py=${PYTHON:-.venv/bin/python}
"$py" -c 'import json,sys; json.load(open("infra/resources.json"))' \
  || { echo "infra/resources.json must be JSON (a YAML merge template makes chalice emit aliases)" >&2; exit 1; }
rm -rf "$out"
"$(dirname "$py")/chalice" package --stage "$stage" --merge-template infra/resources.json "$out" >/dev/null
"$(dirname "$py")/cfn-lint" "$out/sam.json"
echo "packaged and linted: $out/sam.json"
