#!/usr/bin/env bash
# Make sure a RabbitMQ answers at AMQP_URI (default: this machine). When none
# does and the address is local: install Debian's rabbitmq-server if missing,
# enable the management plugin (the test harness makes vhosts through its API),
# start the broker and wait until it accepts connections.
set -euo pipefail

uri=${AMQP_URI:-pyamqp://guest:guest@127.0.0.1:5672/}
hostport=${uri#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
host=${hostport%%:*}; port=${hostport##*:}
[[ $port == "$host" ]] && port=5672

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

if listening "$host" "$port"; then
  # A local broker may still lack the management API the tests use.
  if [[ $host =~ ^(127\.|localhost$) ]] && ! listening "$host" 15672 && command -v rabbitmq-plugins >/dev/null; then
    as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
  fi
  exit 0
fi

if [[ ! $host =~ ^(127\.|localhost$) ]]; then
  echo "ensure-rabbitmq: nothing answers at $host:$port (AMQP_URI) and it is not this machine; start it there." >&2
  exit 1
fi

if ! command -v rabbitmq-server >/dev/null; then
  echo "ensure-rabbitmq: installing rabbitmq-server (Debian package)..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >/dev/null
fi
as_root rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
echo "ensure-rabbitmq: starting RabbitMQ..."
as_root rabbitmq-server -detached >/dev/null 2>&1 || true
for _ in $(seq 1 120); do
  if listening "$host" "$port" && listening "$host" 15672; then
    echo "ensure-rabbitmq: RabbitMQ is up at $host:$port"
    exit 0
  fi
  sleep 1
done
echo "ensure-rabbitmq: RabbitMQ did not start within 120 s; see /var/log/rabbitmq/" >&2
exit 1
