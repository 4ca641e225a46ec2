#!/usr/bin/env bash
# A throwaway local PostgreSQL for `make test-postgresql` and CI: its own
# cluster under var/postgresql (port 5433, loopback only, trust auth, fsync
# off: test data only). Installs Debian's postgresql package when missing.
# Writes the admin URL the test harness uses to var/postgresql/admin-url.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/var/postgresql
port=${SPORTELLO_TEST_PG_PORT:-5433}
url="postgresql+psycopg://sportello@127.0.0.1:$port/postgres"
mkdir -p "$dir"

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $bindir ]]; then
  echo "ensure-postgresql: installing postgresql (Debian package)..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

if "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q; then
  echo "$url" > "$dir/admin-url"
  exit 0
fi

# PostgreSQL refuses to run as root: run it as the postgres user the package made.
run() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi

if [[ ! -f $dir/data/PG_VERSION ]]; then
  run "$bindir/initdb" -D "$dir/data" -U sportello --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300" >/dev/null
echo "$url" > "$dir/admin-url"
echo "ensure-postgresql: PostgreSQL is up at 127.0.0.1:$port"
