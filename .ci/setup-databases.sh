#!/usr/bin/env bash
# Installs what the Glance database tests need from Debian's packages, if missing: Glance's own
# DB layer (glance-common, with glance-manage), PostgreSQL and MariaDB servers and their Python
# drivers. Idempotent and quiet; returns at once when everything is present. Starts no system
# service: the tests start their own servers on loopback from temporary data directories.
set -euo pipefail
want=()
command -v glance-manage >/dev/null 2>&1 || want+=(glance-common)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
{ [ -x /usr/sbin/mariadbd ] && command -v mariadb-install-db >/dev/null 2>&1; } || want+=(mariadb-server)
/usr/bin/python3 -c 'import psycopg2' >/dev/null 2>&1 || want+=(python3-psycopg2)
/usr/bin/python3 -c 'import pymysql' >/dev/null 2>&1 || want+=(python3-pymysql)
if [ ${#want[@]} -eq 0 ]; then
  echo "setup-databases: glance-common, postgresql, mariadb-server and python drivers present"
  exit 0
fi
echo "setup-databases: installing ${want[*]}"
bash "$(dirname "$0")/apt-install.sh" "mariadb postgresql" "${want[@]}"
echo "setup-databases: done"
