#!/bin/bash
# The cinder-driver benchmark: add and get of a 1 GiB image through the cinder driver against the
# local Cinder (/work/shared/openstack), alternating with the file driver's add of the same file in the
# same JVM and run; the fixed cost per image (create, attach, detach, delete) over small images.
# Writes the `cinder` section of docs/benchmarks.md (update_results.py). About 2-4 minutes.
#
# usage: benchmarks/harness/cinder.sh [--no-build] [--no-update]
# env: BENCH_WORK (default /var/tmp/stowage-bench-cinder), BENCH_SIZE_MIB=1024, BENCH_PAIRS=3, BENCH_SMALL=5
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
build=1; update=1
for a in "$@"; do case "$a" in --no-build) build=0 ;; --no-update) update=0 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
work=${BENCH_WORK:-/var/tmp/stowage-bench-cinder}
size=${BENCH_SIZE_MIB:-1024}; pairs=${BENCH_PAIRS:-3}; small=${BENCH_SMALL:-5}
mkdir -p "$work"
curl -s -o /dev/null --max-time 3 http://127.0.0.1:8776/ || { echo "Cinder is not reachable on 127.0.0.1:8776: run sudo /work/shared/openstack/start-cinder.sh" >&2; exit 1; }
cd "$root"
if [ $build = 1 ]; then
  mvn -B -o -q -pl benchmarks -am package -DskipTests >/dev/null
fi
src=$work/source-${size}M.bin
[ -f "$src" ] && [ "$(stat -c %s "$src")" = $((size * 1048576)) ] || head -c $((size * 1048576)) /dev/urandom >"$src"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
out=$work/cinder-section.md
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.stowage.drivers.cinder.CinderBench \
    "$src" "$work/file-store" "$pairs" "$small" "$out"
rm -rf "$work/file-store"
{ cat "$out"; echo; echo "Load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)."; } >"$out.tmp" && mv "$out.tmp" "$out"
cat "$out"
[ $update = 1 ] && python3 "$here/update_results.py" cinder "$out"
