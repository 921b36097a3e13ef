#!/usr/bin/env bash
# apt-install.sh "SERVICE..." PACKAGE...: installs Debian packages quietly without letting their
# maintainer scripts start system services (policy-rc.d answers 101 while installing), and stops
# and disables the named services in case a service manager started them anyway. The tests start
# their own servers on loopback from temporary directories. Used by the setup-*.sh scripts.
set -euo pipefail
services=$1; shift
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ -n "$created_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
apt_get() { $SUDO apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
  || { apt_get update -qq && apt_get install -y -qq --no-install-recommends "$@" >/dev/null; }
if command -v systemctl >/dev/null 2>&1; then
  for s in $services; do
    if systemctl is-active --quiet "$s" 2>/dev/null; then
      $SUDO systemctl stop "$s" || true
      $SUDO systemctl disable "$s" || true
    fi
  done
fi
