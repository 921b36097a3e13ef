#!/usr/bin/env bash
# Benchmark of the http driver: full read of a 1 GiB random file from nginx on
# 127.0.0.1 (sendfile on, one worker), Java driver vs the real glance_store http store, paired
# and alternated in one run, with raw-socket and curl yardsticks. Writes the `http` section of
# docs/benchmarks.md through update_results.py.
#
# usage: benchmarks/harness/http.sh            (PAIRS=7 SIZE_MIB=1024 ALT_RUNS=3 KEEP=0 NO_UPDATE=0)
# needs: nginx (.ci/setup-nginx.sh), /usr/bin/python3 with python3-glance-store, curl, mvn, java 17.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PAIRS="${PAIRS:-7}"
SIZE_MIB="${SIZE_MIB:-1024}"
ALT_RUNS="${ALT_RUNS:-3}"
PY=/usr/bin/python3
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || { echo "nginx missing: run bash .ci/setup-nginx.sh" >&2; exit 1; }
$PY -c 'import glance_store' 2>/dev/null || { echo "python3-glance-store missing: apt-get install -y python3-glance-store" >&2; exit 1; }

WORK="$(mktemp -d /tmp/stowage-bench-http.XXXXXX)"
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "== build (the benchmarks module + its class path)"
( cd "$ROOT" && mvn -B -q -o -pl benchmarks -am package -DskipTests >/dev/null )
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
JAVA=(java -cp "$CP" org.stowage.drivers.http.HttpReadBench)

echo "== data: $SIZE_MIB MiB from /dev/urandom"
mkdir -p "$WORK/www" "$WORK/logs" "$WORK/tmp"
head -c "$((SIZE_MIB * 1048576))" /dev/urandom > "$WORK/www/image.raw"
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK/www/image.raw"; chmod 777 "$WORK/logs" "$WORK/tmp"
cat "$WORK/www/image.raw" > /dev/null
SHA_FILE="$(sha256sum "$WORK/www/image.raw" | cut -d' ' -f1)"

PORT="$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  default_type application/octet-stream;
  client_body_temp_path $WORK/tmp/body; proxy_temp_path $WORK/tmp/proxy; fastcgi_temp_path $WORK/tmp/fcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi; scgi_temp_path $WORK/tmp/scgi;
  server { listen 127.0.0.1:$PORT; root $WORK/www; }
}
CONF
"$NGINX" -p "$WORK/" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/image.raw"

RAW="$WORK/raw.txt"; META="$WORK/meta.txt"; : > "$RAW"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "python=$($PY --version 2>&1)"
  echo "nginx=$("$NGINX" -v 2>&1 | sed 's/.*: //')"
  echo "glance_store=$(dpkg-query -W -f='${Version}' python3-glance-store 2>/dev/null || echo '?')"
  echo "size_mib=$SIZE_MIB"
} > "$META"

run_java() { "${JAVA[@]}" "$URL" "$@"; }
run_py() { $PY "$HERE/http_glance.py" "$URL" "$@" 2>/dev/null; }
run_curl() { curl -s -o /dev/null -w 'curl bytes=%{size_download} seconds=%{time_total} mibps=0 cpu=0\n' "$URL" \
  | awk '{split($2,b,"="); split($3,s,"="); printf "curl bytes=%d seconds=%.4f mibps=%.1f cpu=0\n", b[2], s[2], b[2]/s[2]/1048576}'; }

echo "== warm-up"
run_java >/dev/null; run_py >/dev/null; run_curl >/dev/null

echo "== $PAIRS pairs (A = java-driver, B = glance_store; order alternates)"
for i in $(seq "$PAIRS"); do
  if [ $((i % 2)) = 1 ]; then a="$(run_java)"; b="$(run_py)"; else b="$(run_py)"; a="$(run_java)"; fi
  z="$(run_java driver-channel)"; r="$($PY "$HERE/http_rawsocket.py" "$URL")"; c="$(run_curl)"
  for l in "$a" "$b" "$z" "$r" "$c"; do echo "pair$i $l" | tee -a "$RAW"; done
done

echo "== identical bytes (untimed hashing reads)"
echo "hash file sha256=$SHA_FILE" | tee -a "$RAW"
run_java --hash | sed -n 's/.*\(sha256=[0-9a-f]*\).*/hash java-driver \1/p' | tee -a "$RAW"
run_py --hash | sed -n 's/.*\(sha256=[0-9a-f]*\).*/hash glance_store \1/p' | tee -a "$RAW"

echo "== alternatives ($ALT_RUNS runs each)"
for _ in $(seq "$ALT_RUNS"); do
  java -Dstowage.http.bufferSize=262144 -cp "$CP" org.stowage.drivers.http.HttpReadBench "$URL" | awk '{$1="java-driver-256KiB-buffer"; print "alt", $0}' | tee -a "$RAW"
  java -Dstowage.http.bufferSize=4194304 -cp "$CP" org.stowage.drivers.http.HttpReadBench "$URL" | awk '{$1="java-driver-4MiB-buffer"; print "alt", $0}' | tee -a "$RAW"
  run_java urlconnection | awk '{$1="java-HttpURLConnection"; print "alt", $0}' | tee -a "$RAW"
  run_java httpclient | awk '{$1="java-HttpClient-defaults"; print "alt", $0}' | tee -a "$RAW"
  java -Djdk.httpclient.bufsize=1048576 -cp "$CP" org.stowage.drivers.http.HttpReadBench "$URL" httpclient \
    | awk '{$1="java-HttpClient-bufsize-1MiB"; print "alt", $0}' | tee -a "$RAW"
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$META"

OUT="$WORK/http-section.md"
$PY "$HERE/http_report.py" "$RAW" "$META" "$OUT"
if [ "${NO_UPDATE:-0}" != 1 ]; then python3 "$HERE/update_results.py" http "$OUT"; fi
