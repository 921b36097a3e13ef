#!/bin/bash
# Old against new for the file add, whole-process (org.stowage.benchmarks.Bench add, one JVM per
# run): two frozen class paths A and B are run alternately, in ABBA order (so a drift in the
# machine's load hits both alike), each run into an empty store; after each run the image is
# deleted and, with --sync, the page cache is written back (`sync`) outside the timed region, so a
# run does not pay for the previous run's writeback. Prints one JSON line per run (with the load
# average before it and the label) and, at the end, medians and ranges per label
# (add_ab_report.py).
#
# usage: benchmarks/harness/add_ab.sh OUT.jsonl STORE_DIR SRC_FILE ROUNDS A_LABEL A_LIBDIR B_LABEL B_LIBDIR [--sync]
#   A_LIBDIR, B_LIBDIR: directories holding the benchmarks jar and its class path (see file.sh)
#   ROUNDS: ABBA rounds (each round runs A twice and B twice)
# env: BENCH_JAVA, BENCH_JOPTS (default -XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g, bin/stowage's),
#      BENCH_WARMUP (adds before the measured one in the same JVM, default 0) of BENCH_WARMUP_SRC
#      (default SRC_FILE),
#      BENCH_THREADS=1 (adds each thread's CPU time, user and system, to the line)
set -euo pipefail
[ $# -ge 8 ] || { sed -n 2,15p "$0" >&2; exit 2; }
out=$1; store=$2; src=$3; rounds=$4; la=$5; a=$6; lb=$7; b=$8; sync=${9:-}
java=${BENCH_JAVA:-java}
read -r -a jopts <<<"${BENCH_JOPTS:--XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g}"
size=$(stat -c %s "$src")
cat "$src" >/dev/null # the source comes from the page cache in every run
one() {
  local label=$1 lib=$2 load id line
  rm -rf "$store"; mkdir -p "$store"
  [ -n "$sync" ] && sync
  load=$(cut -d' ' -f1 /proc/loadavg)
  id=$(cat /proc/sys/kernel/random/uuid)
  line=$("$java" "${jopts[@]}" -cp "$lib/*" org.stowage.benchmarks.Bench add --store "$store" --src "$src" \
    --size "$size" --id "$id" ${BENCH_WARMUP:+--warmup "$BENCH_WARMUP"} ${BENCH_WARMUP_SRC:+--warmup-src "$BENCH_WARMUP_SRC"} ${BENCH_THREADS:+--threads})
  echo "{\"label\": \"$label\", \"load1\": $load, \"fs\": \"$(df -PT "$store" | awk 'NR==2 {print $2}')\", ${line#\{}" | tee -a "$out"
  rm -rf "$store"
  [ -n "$sync" ] && sync
  return 0
}
for ((r = 0; r < rounds; r++)); do
  one "$la" "$a"; one "$lb" "$b"; one "$lb" "$b"; one "$la" "$a"
done
python3 "$(dirname "$0")/add_ab_report.py" "$out"
