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
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps the packages' postinst scripts from starting the system services
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ -n "$created_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
echo "setup-databases: installing ${want[*]}"
apt_get() { $SUDO apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
  || { apt_get update -qq && apt_get install -y -qq --no-install-recommends "${want[@]}" >/dev/null; }
# in case a service manager started them anyway
if command -v systemctl >/dev/null 2>&1; then
  for s in mariadb postgresql; do
    if systemctl is-active --quiet "$s" 2>/dev/null; then
      $SUDO systemctl stop "$s" || true
      $SUDO systemctl disable "$s" || true
    fi
  done
fi
echo "setup-databases: done"
