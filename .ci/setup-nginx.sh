#!/usr/bin/env bash
# Installs nginx from Debian's packages for the http driver's tests and benchmark, if missing.
# Idempotent. Does NOT start (or leave running) a system nginx: the tests and bench/http.sh start
# their own nginx on 127.0.0.1 from a config in a temp dir.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then
  echo "setup-nginx: $(/usr/sbin/nginx -v 2>&1) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps the package's postinst from starting the system service
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ -n "$created_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
$SUDO apt-get update -q || true
$SUDO apt-get install -y -q --no-install-recommends nginx
# in case a service manager started it anyway
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  $SUDO systemctl stop nginx || true
  $SUDO systemctl disable nginx || true
fi
/usr/sbin/nginx -v
