#!/usr/bin/env bash
# Installs nginx from Debian's packages for the http driver's tests and benchmark, if missing.
# Idempotent. Does NOT start (or leave running) a system nginx: the tests and benchmarks/harness/http.sh start
# their own nginx on 127.0.0.1 from a config in a temp dir.
set -euo pipefail
if [ ! -x /usr/sbin/nginx ]; then
  echo "setup-nginx: installing nginx"
  bash "$(dirname "$0")/apt-install.sh" nginx nginx
fi
echo "setup-nginx: $(/usr/sbin/nginx -v 2>&1)"
