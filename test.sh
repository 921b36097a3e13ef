#!/usr/bin/env bash
# Runs every test. As root on a Debian machine it first installs what the tests need (nginx,
# glance-common, python3-prometheus-client, PostgreSQL and MariaDB for the Glance database tests, qemu-utils) and starts the local Keystone +
# Cinder of ../shared/openstack (the cinder integration tests run against it); after mvn verify it fails the run
# if Cinder keeps a volume or attachment the run made.
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
  # the --metrics-file test parses the file with the Prometheus client's text-format parser
  /usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1 || pkgs+=(python3-prometheus-client)
  if [ ${#pkgs[@]} -gt 0 ]; then
    echo "== installing ${pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
  for s in .ci/setup-*.sh; do [ -f "$s" ] && bash "$s"; done
  if [ -f "$SHARED/openstack/start-cinder.sh" ]; then
    # Always called: it returns in under a second when the stack runs, and re-creates the volume
    # types and quotas a previous run may have changed.
    echo "== Keystone + Cinder ($SHARED/openstack/start-cinder.sh)" >&2
    bash "$SHARED/openstack/start-cinder.sh" > /tmp/stowage-start-cinder.log 2>&1 \
      || { tail -30 /tmp/stowage-start-cinder.log; exit 1; }
  else
    echo "!! $SHARED/openstack/start-cinder.sh not found: the cinder integration tests will fail" >&2
  fi
else
  echo "!! not root: nothing installed or started; tests that need nginx or Cinder fail if they are missing" >&2
fi
# Every volume and attachment the run creates must be gone at its end: take Cinder's inventory
# before and after, and fail on anything new.
before=$(mktemp); after=$(mktemp); trap 'rm -f "$before" "$after"' EXIT
cinder_up=false
if python3 .ci/cinder-inventory.py > "$before" 2>/dev/null; then cinder_up=true; fi
rc=0
mvn -B verify "$@" || rc=$?
if $cinder_up; then
  if ! python3 .ci/cinder-inventory.py > "$after"; then
    echo "!! could not list Cinder's volumes after the run" >&2; [ "$rc" = 0 ] && rc=1
  else
    leaked=$(comm -13 "$before" "$after")
    if [ -n "$leaked" ]; then
      echo "!! the test run left these Cinder volumes/attachments behind:" >&2
      echo "$leaked" >&2
      [ "$rc" = 0 ] && rc=1
    else
      echo "== Cinder: the run left no volume or attachment of its own" >&2
    fi
  fi
fi
# The Debian package the build made: installed, tried and purged on this machine (root only).
if [ "$(id -u)" = 0 ] && [ "$rc" = 0 ]; then
  bash .ci/package-check.sh || rc=1
elif [ "$(id -u)" != 0 ]; then
  echo "!! not root: the Debian package was not installed and checked (.ci/package-check.sh)" >&2
fi
exit "$rc"
