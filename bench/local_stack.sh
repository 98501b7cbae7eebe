# Sourced by the conformance scripts (bench/lrs_conformance.sh, tests/cmi5_conformance/run.sh):
# start a fresh local stack on free ports for the rest of the script.
#
#   ROOT=<repo> PY=<python>; . bench/local_stack.sh; start_local_stack nimbus-cts
#
# Leaves HOME_DIR (the stack's home, with stack.log and credentials.json), STACK (its pid, stopped
# when the script exits) and `field NAME` (one value of credentials.json).

start_local_stack() {
  HOME_DIR="$(mktemp -d "/tmp/$1-XXXXXX")"
  local port aws_port
  port="$("$PY" -c 'from nimbus_local.child import free_port; print(free_port())')"
  aws_port="$("$PY" -c 'from nimbus_local.child import free_port; print(free_port())')"
  (cd "$ROOT" && NIMBUS_HOME="$HOME_DIR" NIMBUS_PORT="$port" NIMBUS_AWS_PORT="$aws_port" \
    exec "$PY" -m nimbus_local > "$HOME_DIR/stack.log" 2>&1) &
  STACK=$!
  trap 'kill $STACK 2>/dev/null || true; wait $STACK 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do grep -q "Nimbus is running" "$HOME_DIR/stack.log" 2>/dev/null && break; sleep 0.5; done
  CREDS="$HOME_DIR/credentials.json"
}

field() { "$PY" -c "import json,sys; print(json.load(open('$CREDS'))['$1'])"; }
