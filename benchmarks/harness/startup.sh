#!/bin/bash
# Whole-process start-up of `stowage stores` (the unpacked distribution, its embedded default
# configuration) with its caches present and removed, beside the JVM floor (hello world), python3 -c
# pass, and glance_store's start-up (import, config, create_multi_stores, verify_store).
# The caches: the class-data-sharing archive bin/stowage keeps in $XDG_CACHE_HOME/stowage (made by a
# training run on the first start), and the plugin index plugins/.stowage-driver-index (written when
# the distribution is packaged; without it every plugin is loaded). Variants: both caches; no archive
# (STOWAGE_NO_CDS=1); no index (a copy of the installation without it); neither; no CDS at all
# (-Xshare:off); the first start after the cache directory was removed (the training run included).
# Every command runs once per round, in an order rotated each round (startup_rounds.py), so a load
# that drifts during the run weighs on all alike; wall and CPU time of each run, ratios per round.
# usage: benchmarks/harness/startup.sh OUTDIR [ROUNDS]
#   writes OUTDIR/startup-hyperfine.json (hyperfine's layout), startup-rss.txt, startup-meta.txt,
#   startup-section.md; with UPDATE=1 also the `startup` section of docs/benchmarks.md.
set -euo pipefail
out=${1:?usage: startup.sh OUTDIR [ROUNDS]}; runs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
dist=${STOWAGE_DIST:-$root/distribution/target/stowage}
java=${BENCH_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
[ -f "$dist/plugins/.stowage-driver-index" ] || { echo "$dist has no plugin index: build it with mvn package" >&2; exit 1; }
mkdir -p "$out"; out=$(cd "$out" && pwd); work=$(mktemp -d /tmp/stowage-startup.XXXXXX); trap 'rm -rf "$work"' EXIT
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
  echo "java=$("$java" -version 2>&1 | head -1)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/startup-meta.txt"
# hello world: the JVM floor
mkdir -p "$work/hello"; printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$work/hello/Hello.java"
"$(dirname "$java")/javac" -d "$work/hello" "$work/hello/Hello.java"
# the same installation without its plugin index (cp -a keeps the times the index's fingerprint checks)
cp -a "$dist" "$work/noindex"; rm "$work/noindex/plugins/.stowage-driver-index"
# bin/stowage keeps its class-data-sharing archive in $XDG_CACHE_HOME/stowage and the default stores'
# data in $XDG_DATA_HOME/stowage: private ones here
export XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
export JAVA_HOME=$(dirname "$(dirname "$java")")
unset STOWAGE_NO_CDS STOWAGE_OPTS STOWAGE_CONFIG
for d in "$dist" "$work/noindex"; do "$d/bin/stowage" stores >/dev/null; done   # makes the archives
ls -la "$XDG_CACHE_HOME/stowage" >"$out/startup-cds.txt" 2>&1 || true
"$dist/bin/stowage" stores >"$out/startup-stores-output.txt" 2>&1
s="$dist/bin/stowage stores"; n="$work/noindex/bin/stowage stores"
/usr/bin/python3 "$here/startup_rounds.py" "$out/startup-hyperfine.json" "$runs" 1 \
  "stowage stores (AppCDS)|$s" \
  "stowage stores, STOWAGE_NO_CDS=1 (no AppCDS)|env STOWAGE_NO_CDS=1 $s" \
  "stowage stores, no plugin index|$n" \
  "stowage stores, no plugin index, no AppCDS|env STOWAGE_NO_CDS=1 $n" \
  "stowage stores, -Xshare:off (no CDS at all)|env STOWAGE_NO_CDS=1 STOWAGE_OPTS=-Xshare:off $s" \
  "stowage stores, first start (cache directory removed: training run included)|env XDG_CACHE_HOME=$work/cache-first $s" \
  "java Hello (JVM floor)|$java -cp $work/hello Hello" \
  "python3 -c pass|/usr/bin/python3 -c pass" \
  "glance_store start-up|/usr/bin/python3 $here/glance_file_bench.py startup --store $work/gstore" \
  --prepare "stowage stores, first start (cache directory removed: training run included)|rm -rf $work/cache-first/stowage" \
  | tee "$out/startup-rounds.log"
{
  for c in "$s" "$java -cp $work/hello Hello" "/usr/bin/python3 $here/glance_file_bench.py startup --store $work/gstore"; do
    /usr/bin/time -a -o "$work/rss.txt" -f "%M KiB peak RSS, %e s wall: $c" $c >/dev/null 2>&1 || true
  done
  cat "$work/rss.txt"
} >"$out/startup-rss.txt"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/startup-meta.txt"
/usr/bin/python3 "$here/startup_report.py" "$out" >"$out/startup-section.md"
cat "$out/startup-section.md"
if [ "${UPDATE:-0}" = 1 ]; then /usr/bin/python3 "$here/update_results.py" startup "$out/startup-section.md"; fi
