#!/usr/bin/env bash
# Creates one login role and one database per Sportello service, each role
# owning its own database only; no service can connect to another's data.
#
# Run by the postgres image from /docker-entrypoint-initdb.d, and only when
# the data volume is empty: changing a password later needs ALTER ROLE (or
# `docker-compose down -v`, which deletes all data).
#
# Passwords come from <SERVICE>_DB_PASSWORD (docker-compose.yml passes them
# with local-only defaults). They reach SQL as psql variables (:'password'),
# so quotes in a password cannot break the statement.
set -Eeo pipefail

for service in accounts catalog orders returns messaging; do
    password_var="${service^^}_DB_PASSWORD"
    password="${!password_var:-}"
    if [ -z "$password" ]; then
        echo "postgres-init: $password_var is not set" >&2
        exit 1
    fi
    echo "postgres-init: creating role and database '$service'"
    psql -v ON_ERROR_STOP=1 --no-psqlrc \
        --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
        -v name="$service" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
-- Nobody but the owner (and superusers) may connect.
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
