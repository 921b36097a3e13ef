#!/bin/bash
# The small-add benchmark with its profile: warm 4 KiB adds through Stowage.add (Bench small) and
# through glance_store (glance_file_bench.py small), alternated in one run on tmpfs, then one JFR
# recording (settings=profile) of Bench small summarised by jfr_top.py (top frames, µs per add);
# writes the `small-add-profile` section of docs/benchmarks.md (small_profile_report.py), with the
# fixed profile from before the small-add work (small_profile_before.md) beside this run's. ~5 min.
#
# usage: benchmarks/harness/small_profile.sh [--no-build]
# env: BENCH_PAIRS=5 BENCH_COUNT=5000 BENCH_ROUNDS=8 BENCH_JFR_ROUNDS=24 (the recorded run: more samples), BENCH_TMPFS (default /dev/shm/stowage-small-$$),
#      BENCH_WORK (default /tmp/stowage-bench-small), BENCH_JOPTS (default: bin/stowage's)
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
build=1
while [ $# -gt 0 ]; do
  case "$1" in --no-build) build=0 ;; *) echo "unknown option $1" >&2; exit 2 ;; esac
  shift
done
java=${BENCH_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
jfr=$(dirname "$java")/jfr
jopts=${BENCH_JOPTS:--XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g}
pairs=${BENCH_PAIRS:-5}; count=${BENCH_COUNT:-5000}; rounds=${BENCH_ROUNDS:-8}; jfr_rounds=${BENCH_JFR_ROUNDS:-24}
work=${BENCH_WORK:-/tmp/stowage-bench-small}
tmpfs=${BENCH_TMPFS:-/dev/shm/stowage-small-$$}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$work/results-$stamp; mkdir -p "$out" "$tmpfs"
trap 'rm -rf "$tmpfs"' EXIT
log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)] $*"; }
[ "$(df -PT "$tmpfs" | awk 'NR==2 {print $2}')" = tmpfs ] || { echo "$tmpfs is not on tmpfs" >&2; exit 1; }
/usr/bin/python3 -c 'import glance_store' 2>/dev/null || apt-get install -y -qq python3-glance-store >/dev/null

if [ $build = 1 ]; then
  log "building the benchmarks module"
  (cd "$root" && nice -n 10 mvn -B -o -q -pl benchmarks -am package -DskipTests)
fi
mkdir -p "$work/lib"; rm -f "$work/lib"/*.jar
cp "$root/benchmarks/target/stowage-benchmarks-0.1.0-SNAPSHOT.jar" "$work/lib/"
tr ':' '\n' <"$root/benchmarks/target/classpath.txt" | while read -r j; do [ -n "$j" ] && cp "$j" "$work/lib/"; done

{
  echo "date_utc=$stamp"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel=$(uname -r)"
  echo "java=$("$java" -version 2>&1 | head -2 | tail -1)"
  echo "python=$(/usr/bin/python3 --version 2>&1)"
  echo "glance_store=$(dpkg-query -W -f='${Version}' python3-glance-store 2>/dev/null)"
  echo "fs=$(df -PT "$tmpfs" | awk 'NR==2 {print $2" on "$1}')"
  echo "jopts=$jopts"
  echo "git=$(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- core drivers-file spi || echo ' (core/driver/spi edited since)')"
  echo "pairs=$pairs count=$count rounds=$rounds jfr_rounds=$jfr_rounds"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"

stowage() { # $1 = store dir, $2 = rounds, then extra JVM options
  local d=$1 n=$2; shift 2
  # shellcheck disable=SC2086
  "$java" $jopts "$@" -cp "$work/lib/*" org.stowage.benchmarks.Bench small --store "$d" --count "$count" --rounds "$n"
}
glance() {
  /usr/bin/python3 "$here/glance_file_bench.py" small --store "$1" --count "$count" --rounds "$rounds"
}

log "A/B pairs: $pairs x (Stowage, glance_store), $count adds x $rounds rounds each"
for p in $(seq 1 "$pairs"); do
  for who in A B; do
    d=$tmpfs/$who; rm -rf "$d"; mkdir -p "$d"
    if [ "$who" = A ]; then line=$(stowage "$d" "$rounds" 2>/dev/null); else line=$(glance "$d" 2>/dev/null); fi
    echo "{\"pair\": $p, \"who\": \"$who\", \"load\": $(cut -d' ' -f1 /proc/loadavg), \"run\": $line}" | tee -a "$out/runs.jsonl"
  done
done

log "JFR recording (settings=profile) of Bench small"
d=$tmpfs/jfr; rm -rf "$d"; mkdir -p "$d"
stowage "$d" "$jfr_rounds" -XX:FlightRecorderOptions=stackdepth=256 \
  "-XX:StartFlightRecording=filename=$out/small.jfr,settings=profile" 2>/dev/null | grep "^{" >"$out/jfr-run.json"
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

log "report"
/usr/bin/python3 "$here/small_profile_report.py" "$out" "$here/small_profile_before.md" >"$out/section.md"
/usr/bin/python3 "$here/update_results.py" small-add-profile "$out/section.md"
log "done: $out"
