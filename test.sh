#!/usr/bin/env bash
# Runs every test. As root on a Debian machine it first installs what the tests need (nginx,
# python3-glance-store for the benchmarks' reference, qemu-utils) and starts the local Keystone +
# Cinder of ../shared/openstack (the cinder integration tests run against it).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
SHARED=${STOWAGE_SHARED:-$(cd .. && pwd)/shared}
if [ "$(id -u)" = 0 ]; then
  pkgs=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || pkgs+=(nginx)
  command -v openssl >/dev/null 2>&1 || pkgs+=(openssl)
  command -v curl >/dev/null 2>&1 || pkgs+=(curl)
  command -v glance-manage >/dev/null 2>&1 || pkgs+=(glance-common)
  if [ ${#pkgs[@]} -gt 0 ]; then
    echo "== installing ${pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
  for s in .ci/setup-*.sh; do [ -f "$s" ] && bash "$s"; done
  if curl -fsS -o /dev/null --max-time 5 http://127.0.0.1:5000/v3 2>/dev/null \
     && curl -sS -o /dev/null --max-time 5 http://127.0.0.1:8776/ 2>/dev/null; then
    # Already up. (Also avoids start-cinder.sh waiting on its own lock: the daemons it started keep
    # the lock file descriptor open.)
    echo "== Keystone + Cinder already running" >&2
  elif [ -f "$SHARED/openstack/start-cinder.sh" ]; then
    echo "== starting Keystone + Cinder ($SHARED/openstack/start-cinder.sh)" >&2
    bash "$SHARED/openstack/start-cinder.sh" > /tmp/stowage-start-cinder.log 2>&1 \
      || { tail -30 /tmp/stowage-start-cinder.log; exit 1; }
  else
    echo "!! $SHARED/openstack/start-cinder.sh not found: the cinder integration tests will fail" >&2
  fi
else
  echo "!! not root: nothing installed or started; tests that need nginx or Cinder fail if they are missing" >&2
fi
exec mvn -B verify "$@"
