#!/usr/bin/env bash
# The production topology on one machine (`make run-cluster`, tests/cluster): a PostgreSQL of its
# own and a three-node RabbitMQ cluster, from Debian's packages, all under var/cluster/.
#
#   cluster.sh up                          start PostgreSQL and the three nodes, join them, write var/cluster.json
#   cluster.sh down                        stop the nodes and PostgreSQL (data stays for the next `up`)
#   cluster.sh env                         the environment `sportello run` needs (shell exports)
#   cluster.sh status                      each node: running or not, and whether it is in the cluster
#   cluster.sh stop-node N | kill-node N | start-node N      drills on node sportello-N (kill: SIGKILL)
#   cluster.sh pg-stop | pg-start | pg-restart               drills on PostgreSQL
#
# Nodes sportello-1..3@localhost: AMQP 5701-5703, management 15701-15703, Erlang distribution
# 25701-25703 (loopback only), one Erlang cookie of their own (var/cluster/erlang.cookie; not the
# system node's). PostgreSQL: 127.0.0.1:5434 (SPORTELLO_CLUSTER_PG_PORT), databases
# sportello_<service>; not the test cluster on 5433. SPORTELLO_CLUSTER_DIR moves it all (tests);
# SPORTELLO_CLUSTER_NAME (sportello) and SPORTELLO_CLUSTER_BASE_PORT (5700: AMQP base+N, management
# base+10000+N, distribution base+20000+N) let a second cluster run beside this one. A port held
# by a node of another cluster (another cookie) makes `up` stop with an error; `down` cannot stop it.
# Every server is started in a session of its own (setsid): a terminal's Ctrl-C reaches the
# launcher, which stops them here, never the servers directly.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${SPORTELLO_CLUSTER_DIR:-$root/var/cluster}
pg_port=${SPORTELLO_CLUSTER_PG_PORT:-5434}
cluster=${SPORTELLO_CLUSTER_NAME:-sportello}
base_port=${SPORTELLO_CLUSTER_BASE_PORT:-5700}
nodes=(1 2 3)
services=(accounts catalog orders returns messaging)
rabbit_bin=/usr/lib/rabbitmq/bin

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }
# The servers refuse to run as root: they run as the users Debian's packages made.
as_user() { local user=$1; shift; if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else sudo -n -u "$user" "$@"; fi; }

node_name() { echo "$cluster-$1@localhost"; }
amqp_port() { echo $((base_port + $1)); }
mgmt_port() { echo $((base_port + 10000 + $1)); }
dist_port() { echo $((base_port + 20000 + $1)); }
node_dir() { echo "$dir/rabbitmq/$1"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then echo "cluster.sh: $what: not reached in ${seconds}s" >&2; return 1; fi
    sleep 0.5
  done
}

# -- RabbitMQ --------------------------------------------------------------------
ensure_rabbitmq_installed() {
  if [[ ! -x $rabbit_bin/rabbitmq-server ]]; then
    "$root/deploy/local/ensure-rabbitmq.sh"  # installs Debian's rabbitmq-server (and starts the system node)
  fi
}

cookie() {
  if [[ ! -s $dir/erlang.cookie ]]; then
    mkdir -p "$dir"
    (umask 077; head -c 30 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/erlang.cookie")
  fi
  cat "$dir/erlang.cookie"
}

ctl() {  # ctl N rabbitmqctl-arguments...
  local n=$1; shift
  as_root "$rabbit_bin/rabbitmqctl" --erlang-cookie "$(cookie)" -n "$(node_name "$n")" "$@"
}

prepare_node() {
  local n=$1 d; d=$(node_dir "$n")
  mkdir -p "$d/mnesia" "$d/log"
  echo "[rabbitmq_management]." > "$d/enabled_plugins"
  cat > "$d/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$(amqp_port "$n")
management.tcp.ip = 127.0.0.1
management.tcp.port = $(mgmt_port "$n")
cluster_name = $cluster
EOF
  if [[ $(id -u) -eq 0 ]]; then chown -R rabbitmq:rabbitmq "$dir/rabbitmq"; else sudo -n chown -R rabbitmq:rabbitmq "$dir/rabbitmq"; fi
}

start_node() {
  local n=$1 d; d=$(node_dir "$n")
  if listening "$(amqp_port "$n")"; then
    if ctl "$n" status >/dev/null 2>&1; then return 0; fi  # ours, already running
    echo "cluster.sh: port $(amqp_port "$n") is held by another broker (not $(node_name "$n") of $dir);" \
         "stop it or set SPORTELLO_CLUSTER_BASE_PORT and SPORTELLO_CLUSTER_NAME" >&2
    return 1
  fi
  prepare_node "$n"
  # Two cores shared with everything else: one scheduler and no busy-waiting per node.
  as_root setsid env RABBITMQ_NODENAME="$(node_name "$n")" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$(amqp_port "$n")" RABBITMQ_DIST_PORT="$(dist_port "$n")" \
    RABBITMQ_MNESIA_BASE="$d/mnesia" RABBITMQ_LOG_BASE="$d/log" RABBITMQ_PID_FILE="$d/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins" RABBITMQ_CONFIG_FILE="$d/rabbitmq" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$d/advanced.config" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-setcookie $(cookie) -kernel inet_dist_use_interface {127,0,0,1} +S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none" \
    runuser -u rabbitmq -- "$rabbit_bin/rabbitmq-server" -detached >/dev/null 2>&1 < /dev/null
}

await_node() {
  wait_for 120 "node $(node_name "$1") accepting AMQP and management" \
    bash -c "(exec 3<>/dev/tcp/127.0.0.1/$(amqp_port "$1")) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$(mgmt_port "$1")) 2>/dev/null"
}

cluster_field() {  # running_nodes | disk_nodes, as the first node of ours that answers sees them (one a line)
  local n
  for n in "${nodes[@]}"; do
    if listening "$(amqp_port "$n")"; then
      ctl "$n" cluster_status --formatter json 2>/dev/null | python3 -c '
import json, sys
try:
    print("\n".join(json.load(sys.stdin).get(sys.argv[1], [])))
except ValueError:  # not ours (another cookie) or not answering: ask the next
    sys.exit(1)' "$1" && return 0
    fi
  done
  return 0
}
running_nodes() { cluster_field running_nodes; }
member_nodes() { cluster_field disk_nodes; }

join_node() {
  local n=$1
  if ctl "$n" cluster_status --formatter json | grep -q "$(node_name 1)"; then return 0; fi
  ctl "$n" stop_app >/dev/null
  ctl "$n" join_cluster "$(node_name 1)" >/dev/null
  ctl "$n" start_app >/dev/null
}

write_cluster_json() {
  local n entries=()
  for n in "${nodes[@]}"; do
    entries+=("{\"name\": \"$(node_name "$n")\", \"amqp_port\": $(amqp_port "$n"), \"management_port\": $(mgmt_port "$n"), \"dist_port\": $(dist_port "$n"), \"data\": \"$(node_dir "$n")\"}")
  done
  local joined; joined=$(IFS=,; echo "${entries[*]}")
  cat > "$dir.json.tmp" <<EOF
{"nodes": [$joined],
 "amqp_uri": "$(amqp_uri guest guest)",
 "management_url": "http://127.0.0.1:$(mgmt_port 1)",
 "postgresql": {"host": "127.0.0.1", "port": $pg_port, "data": "$dir/postgresql/data"}}
EOF
  python3 -m json.tool "$dir.json.tmp" > "$dir.json" && rm -f "$dir.json.tmp"
}

amqp_uri() {  # kombu's failover form: every node, ';'-separated
  local n parts=()
  for n in "${nodes[@]}"; do parts+=("pyamqp://$1:$2@127.0.0.1:$(amqp_port "$n")/"); done
  (IFS=';'; echo "${parts[*]}")
}

# -- PostgreSQL ------------------------------------------------------------------
pg_bindir() {
  local bindir; bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z $bindir ]]; then
    echo "cluster.sh: installing postgresql (Debian package)..." >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$bindir"
}

pg_start() {
  local bindir; bindir=$(pg_bindir)
  local pgdir=$dir/postgresql
  mkdir -p "$pgdir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$pgdir"; fi
  if [[ ! -f $pgdir/data/PG_VERSION ]]; then
    as_user postgres "$bindir/initdb" -D "$pgdir/data" -U sportello --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "$bindir/pg_isready" -h 127.0.0.1 -p "$pg_port" -q; then
    as_root setsid runuser -u postgres -- "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 start \
      -o "-p $pg_port -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null < /dev/null
  fi
  local service
  for service in "${services[@]}"; do
    if ! "$bindir/psql" -h 127.0.0.1 -p "$pg_port" -U sportello -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'sportello_$service'" | grep -q 1; then
      "$bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U sportello "sportello_$service"
    fi
  done
}

pg_stop() {
  local bindir; bindir=$(pg_bindir)
  if [[ -f $dir/postgresql/data/postmaster.pid ]]; then
    as_user postgres "$bindir/pg_ctl" -D "$dir/postgresql/data" -m fast -w -t 60 stop >/dev/null || true
  fi
}

# -- commands --------------------------------------------------------------------
cmd=${1:-status}
case $cmd in
  up)
    ensure_rabbitmq_installed
    pg_start
    # All at once: a node restarted after a full stop waits for the peer that stopped last.
    for n in "${nodes[@]}"; do start_node "$n"; done
    for n in "${nodes[@]}"; do await_node "$n"; done
    for n in 2 3; do join_node "$n"; done
    wait_for 60 "three running nodes in one cluster" bash -c "[[ \$('$0' running-count) == 3 ]]"
    write_cluster_json
    echo "cluster.sh: PostgreSQL on 127.0.0.1:$pg_port, RabbitMQ nodes $(node_name 1) $(node_name 2) $(node_name 3) (AMQP $(amqp_port 1)-$(amqp_port 3)) in one cluster"
    ;;
  down)
    # All at once, as `up` starts them: a quorum queue's leader is not handed from node to node.
    for n in "${nodes[@]}"; do
      if listening "$(amqp_port "$n")"; then ctl "$n" stop >/dev/null 2>&1 & fi
    done
    wait || true
    pg_stop
    echo "cluster.sh: stopped the broker nodes and PostgreSQL"
    ;;
  env)
    echo "export AMQP_URI='$(amqp_uri guest guest)'"
    echo "export RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$(mgmt_port 1)"
    for service in "${services[@]}"; do
      echo "export ${service^^}_DATABASE_URL=postgresql+psycopg://sportello@127.0.0.1:$pg_port/sportello_$service"
    done
    echo "export SPORTELLO_QUEUE_TYPE=quorum"
    ;;
  running-count)
    running_nodes | grep -c . || true
    ;;
  status)
    running=$(running_nodes || true)
    members=$(member_nodes || true)
    for n in "${nodes[@]}"; do
      name=$(node_name "$n")
      state=stopped; listening "$(amqp_port "$n")" && state=running
      membership="not in the cluster"
      if grep -qx "$name" <<<"$running"; then membership="in the cluster (running)"
      elif grep -qx "$name" <<<"$members"; then membership="in the cluster (not running)"; fi
      printf '%-24s amqp %s  management %s  %-8s %s\n' "$name" "$(amqp_port "$n")" "$(mgmt_port "$n")" "$state" "$membership"
    done
    pg_state=stopped; listening "$pg_port" && pg_state=running
    printf '%-24s 127.0.0.1:%s  %s\n' postgresql "$pg_port" "$pg_state"
    ;;
  stop-node|kill-node|start-node)
    n=${2:?"usage: cluster.sh $cmd N (1-3)"}
    [[ $n =~ ^[123]$ ]] || { echo "cluster.sh: node number 1, 2 or 3" >&2; exit 2; }
    case $cmd in
      stop-node) ctl "$n" stop >/dev/null ;;
      kill-node) as_root kill -9 "$(cat "$(node_dir "$n")/pid")"
                 wait_for 30 "node $n gone" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$(amqp_port "$n")) 2>/dev/null" ;;
      start-node) start_node "$n"; await_node "$n" ;;
    esac
    echo "cluster.sh: $cmd $(node_name "$n") done"
    ;;
  pg-stop) pg_stop ;;
  pg-start) pg_start ;;
  pg-restart) pg_stop; pg_start ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
