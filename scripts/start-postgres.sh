#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster for the tests and makes the role they use; safe to run again.
# Usage: scripts/start-postgres.sh [role] [password]
set -euo pipefail
role="${1:-prism}"
password="${2:-prism}"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 }')"
if [ -z "$cluster" ]; then
  echo "no PostgreSQL cluster: install Debian's postgresql package (make system-packages)" >&2
  exit 1
fi
# shellcheck disable=SC2086 # "version name", two words on purpose
if ! pg_lsclusters --no-header | awk 'NR == 1 { exit ($4 == "online") ? 0 : 1 }'; then
  sudo_if_needed pg_ctlcluster $cluster start
fi
for _ in $(seq 1 30); do
  as_postgres pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
as_postgres pg_isready -h 127.0.0.1 >/dev/null
# CREATE DATABASE for each test suite: the role is a superuser of this throwaway test cluster.
as_postgres psql -q -v ON_ERROR_STOP=1 -v role="$role" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L', :'role', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SQL
