#!/usr/bin/env bash
# `make run-cluster`: `sportello run` on the production topology of one machine -- PostgreSQL,
# a three-node RabbitMQ cluster (deploy/local/cluster.sh), quorum queues and two processes of
# every service. Ctrl-C or SIGTERM stops the processes, then the broker nodes and PostgreSQL.
# Arguments go to `sportello run` (e.g. --no-demo).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cluster=$root/deploy/local/cluster.sh
sportello=${SPORTELLO_BIN:-$root/.venv/bin/sportello}

stop_cluster() { "$cluster" down || true; }
trap stop_cluster EXIT
"$cluster" up
eval "$("$cluster" env)"
export SPORTELLO_INSTANCES=${SPORTELLO_INSTANCES:-2}

# In the background so that this shell can pass SIGTERM on (bash does not while it waits for a
# foreground command); the launcher installs its own SIGINT handler, so Ctrl-C still reaches it.
"$sportello" run "$@" &
launcher=$!
trap 'kill -INT $launcher 2>/dev/null || true' INT
trap 'kill -TERM $launcher 2>/dev/null || true' TERM
while kill -0 "$launcher" 2>/dev/null; do
  wait "$launcher" || true  # a trapped signal ends `wait` early: wait again
done
status=0
wait "$launcher" || status=$?  # the launcher's own exit status (bash keeps it)
exit "$status"
