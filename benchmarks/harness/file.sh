#!/bin/bash
# The file-driver benchmark, whole-process part: Stowage (Java 17, one JVM per run) against the
# real glance_store file store (python3-glance-store), run alternately in one run, for add and get of
# 64 MiB, 1 GiB and 4 GiB, in-process (Bench) and whole-process (bin/stowage add, get -o); peak RSS;
# yardsticks (openssl speed, dd); start-up (startup.sh, which writes the `startup` section);
# then writes the `file` section of docs/benchmarks.md (file_report.py). About 25-35 minutes.
#
# usage: benchmarks/harness/file.sh [--no-build] [--jmh RESULT.json] [--keep]
#   --jmh FILE   include a JMH result from file_jmh.sh in the section
#   --no-build   use the benchmarks jar and distribution already built
# env: BENCH_WORK (default /tmp/stowage-bench-file), BENCH_SIZES=64M,1G,4G,
#      BENCH_PAIRS_SMALL=5 BENCH_PAIRS_BIG=5 BENCH_PAIRS_HUGE=2, BENCH_JOPTS (default: bin/stowage's)
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
build=1; jmh=""; keep=0
while [ $# -gt 0 ]; do
  case "$1" in --no-build) build=0 ;; --jmh) jmh=$2; shift ;; --keep) keep=1 ;; *) echo "unknown option $1" >&2; exit 2 ;; esac
  shift
done
export BENCH_JAVA=${BENCH_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
work=${BENCH_WORK:-/tmp/stowage-bench-file}
sizes=${BENCH_SIZES:-64M,1G,4G}; export BENCH_SIZES=$sizes
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$work/results-$stamp; mkdir -p "$out"
log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)] $*"; }

# tools
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
/usr/bin/python3 -c 'import glance_store' 2>/dev/null || apt-get install -y -qq python3-glance-store >/dev/null

# disk: sources (64 MiB + 1 GiB + 4 GiB) plus one image being written, plus margin
need_kib=$(( (64 + 1024 + 4096) * 2 * 1024 + 2 * 1024 * 1024 ))
avail_kib=$(df -Pk "$(dirname "$work")" | awk 'NR==2 {print $4}')
if [ "$avail_kib" -lt "$need_kib" ]; then
  echo "not enough free space under $(dirname "$work"): ${avail_kib} KiB free, ${need_kib} KiB needed" >&2; exit 1
fi
shm_kib=$(df -Pk /dev/shm | awk 'NR==2 {print $4}')

# build (benchmarks jar; distribution for start-up and the CLI RSS) and freeze the class path
if [ $build = 1 ]; then
  log "building"
  (cd "$root" && mvn -B -o -q package -DskipTests) || {
    echo "full build failed; building the benchmarks module alone and using the last distribution" >&2
    (cd "$root" && mvn -B -o -q -pl benchmarks -am package -DskipTests)
  }
fi
mkdir -p "$work/lib"; rm -f "$work/lib"/*.jar
cp "$root/benchmarks/target/stowage-benchmarks-0.1.0-SNAPSHOT.jar" "$work/lib/"
tr ':' '\n' <"$root/benchmarks/target/classpath.txt" | while read -r j; do [ -n "$j" ] && cp "$j" "$work/lib/"; done
export BENCH_CP="$work/lib/*"
dist=$root/distribution/target/stowage
[ -x "$dist/bin/stowage" ] && export BENCH_STOWAGE=$dist/bin/stowage
[ "$shm_kib" -gt 1048576 ] && { export BENCH_SHM=/dev/shm/stowage-bench-$$; mkdir -p "$BENCH_SHM"; }
cleanup() {
  rm -f "$work"/src-* "$work"/time-v.txt; rm -rf "$work/store" "${BENCH_SHM:-/nonexistent}"
  [ $keep = 1 ] || true
}
trap cleanup EXIT

# machine
{
  echo "date_utc=$stamp"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem_gib=$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "java=$("$BENCH_JAVA" -version 2>&1 | head -2 | tail -1)"
  echo "python=$(/usr/bin/python3 --version 2>&1)"
  echo "glance_store=$(dpkg-query -W -f='${Version}' python3-glance-store 2>/dev/null)"
  echo "openssl=$(openssl version)"
  echo "fs=$(df -PT "$(dirname "$work")" | awk 'NR==2 {print $2" on "$1}')"
  echo "bench_jopts=${BENCH_JOPTS:--XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g}"
  echo "git=$(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- core drivers-file spi || echo ' (core/driver/spi edited since)')"
  echo "load_start=$(cat /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"

# sources: random, warmed
log "creating random sources ($sizes)"
for s in ${sizes//,/ }; do
  case $s in 64M) n=64 ;; 1G) n=1024 ;; 4G) n=4096 ;; esac
  dd if=/dev/urandom of="$work/src-$s" bs=1M count=$n status=none
  cat "$work/src-$s" >/dev/null
  md5sum "$work/src-$s" >>"$out/sums.txt"
  sha512sum "$work/src-$s" >>"$out/sums.txt"
done

yardsticks() {
  local tag=$1
  {
    echo "load=$(cut -d' ' -f1 /proc/loadavg)"
    for a in md5 sha512; do
      echo "openssl_$a $(openssl speed -seconds 2 -bytes 65536 -evp $a 2>/dev/null | awk '/^'$a' / {print $NF}')"
    done
    src=$work/src-1G; [ -f "$src" ] || src=$work/src-64M
    for i in 1 2 3; do
      cat "$src" >/dev/null
      echo "dd_write_64k $(LC_ALL=C dd if="$src" of="$work/store/dd-yardstick" bs=64K 2>&1 | awk '/copied/ {print $(NF-1), $NF}')"
      rm -f "$work/store/dd-yardstick"
      echo "dd_read_64k $(LC_ALL=C dd if="$src" of=/dev/null bs=64K 2>&1 | awk '/copied/ {print $(NF-1), $NF}')"
      echo "dd_read_1m $(LC_ALL=C dd if="$src" of=/dev/null bs=1M 2>&1 | awk '/copied/ {print $(NF-1), $NF}')"
    done
  } >"$out/yardsticks-$tag.txt"
  cat "$out/yardsticks-$tag.txt"
}
mkdir -p "$work/store"
log "yardsticks (before)"; yardsticks before

log "A/B pairs"
/usr/bin/python3 "$here/file_bench.py" "$out/runs.jsonl" "$work" | tee "$out/pairs.log"

log "yardsticks (after)"; yardsticks after
rm -f "$work"/src-*

log "start-up"
if [ -n "${BENCH_STOWAGE:-}" ]; then
  UPDATE=1 "$here/startup.sh" "$out" "${BENCH_STARTUP_RUNS:-15}" || echo "start-up part failed" >&2
fi
echo "load_end=$(cat /proc/loadavg)" >>"$out/machine.txt"

log "report"
/usr/bin/python3 "$here/file_report.py" "$out" ${jmh:+"$jmh"} >"$out/section.md"
/usr/bin/python3 "$here/update_results.py" file "$out/section.md"
log "done: $out"
