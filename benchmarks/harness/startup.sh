#!/bin/bash
# Whole-process start-up of `stowage --version` and `stowage stores` (the unpacked distribution, its
# embedded default configuration: two file stores) on JDK 17 and JDK 25, each with its start-up cache
# and without, beside each JDK's floor (java Hello), python3 -c pass, and glance_store's start-up
# (import, config, create_multi_stores, verify_store). Verdicts against the targets: `stores` with
# its cache <= 0.2 s, `--version` <= 0.1 s (median wall time).
# The caches: the one bin/stowage keeps in $XDG_CACHE_HOME/stowage per installation and JDK (made by
# a training run on the first start): an AOT cache on JDK 25 (JEP 483/514), a class-data-sharing
# archive on JDK 17; and the plugin index plugins/.stowage-driver-index (written when the
# distribution is packaged; without it every plugin is loaded). Variants per JDK: the cache; no cache
# (STOWAGE_NO_CDS=1); the first start after the cache directory was removed (the training run
# included); on JDK 17 also no plugin index. `--version` alone is answered by bin/stowage without a
# JVM; `--debug --version` is the JVM's path (picocli parses it), shown beside it.
# Every command runs once per round, in an order rotated each round (startup_rounds.py), so a load
# that drifts during the run weighs on all alike; wall and CPU time of each run, ratios per round.
# usage: benchmarks/harness/startup.sh OUTDIR [ROUNDS]
#   writes OUTDIR/startup-hyperfine.json (hyperfine's layout), startup-rss.txt, startup-meta.txt,
#   startup-section.md; with UPDATE=1 also the `startup` section of docs/benchmarks.md.
#   BENCH_JAVA (default JDK 17) and BENCH_JAVA25 (default Temurin 25) name the two java executables.
set -euo pipefail
out=${1:?usage: startup.sh OUTDIR [ROUNDS]}; runs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
dist=${STOWAGE_DIST:-$root/distribution/target/stowage}
java=${BENCH_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
java25=${BENCH_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$java25" ] || { echo "no JDK 25 at $java25: set BENCH_JAVA25" >&2; exit 1; }
[ -f "$dist/plugins/.stowage-driver-index" ] || { echo "$dist has no plugin index: build it with mvn package" >&2; exit 1; }
mkdir -p "$out"; out=$(cd "$out" && pwd); work=$(mktemp -d /tmp/stowage-startup.XXXXXX); trap 'rm -rf "$work"' EXIT
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
  echo "java=$("$java" -version 2>&1 | head -1)"
  echo "java25=$("$java25" -version 2>&1 | head -1)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/startup-meta.txt"
# hello world: the JVM floor (class file version 61, for both JDKs)
mkdir -p "$work/hello"; printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$work/hello/Hello.java"
"$(dirname "$java")/javac" --release 17 -d "$work/hello" "$work/hello/Hello.java"
# the same installation without its plugin index (cp -a keeps the times the index's fingerprint checks)
cp -a "$dist" "$work/noindex"; rm "$work/noindex/plugins/.stowage-driver-index"
# bin/stowage keeps its start-up caches in $XDG_CACHE_HOME/stowage and the default stores' data in
# $XDG_DATA_HOME/stowage: private ones here. Each command names its JDK with JAVA_HOME.
export XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
unset STOWAGE_NO_CDS STOWAGE_OPTS STOWAGE_CONFIG STOWAGE_JAVA JAVA_HOME
j17=$(dirname "$(dirname "$java")"); j25=$(dirname "$(dirname "$java25")")
for j in "$j17" "$j25"; do for d in "$dist" "$work/noindex"; do env JAVA_HOME="$j" "$d/bin/stowage" stores >/dev/null; done; done  # the caches
ls -la "$XDG_CACHE_HOME/stowage" >"$out/startup-cds.txt" 2>&1 || true
env JAVA_HOME="$j25" "$dist/bin/stowage" stores >"$out/startup-stores-output.txt" 2>&1
s="$dist/bin/stowage stores"; n="$work/noindex/bin/stowage stores"; v="$dist/bin/stowage --version"
first="stowage stores, first start (cache directory removed: training run included)"
/usr/bin/python3 "$here/startup_rounds.py" "$out/startup-hyperfine.json" "$runs" 1 \
  "JDK 25: stowage stores (AOT cache)|env JAVA_HOME=$j25 $s" \
  "JDK 25: stowage stores, STOWAGE_NO_CDS=1 (no cache)|env JAVA_HOME=$j25 STOWAGE_NO_CDS=1 $s" \
  "JDK 25: $first|env JAVA_HOME=$j25 XDG_CACHE_HOME=$work/cache-first25 $s" \
  "JDK 25: stowage --version|env JAVA_HOME=$j25 $v" \
  "JDK 25: stowage --debug --version (AOT cache; the JVM's path)|env JAVA_HOME=$j25 $dist/bin/stowage --debug --version" \
  "JDK 25: stowage --debug --version, STOWAGE_NO_CDS=1|env JAVA_HOME=$j25 STOWAGE_NO_CDS=1 $dist/bin/stowage --debug --version" \
  "JDK 25: java Hello (JVM floor)|$java25 -cp $work/hello Hello" \
  "JDK 17: stowage stores (CDS archive)|env JAVA_HOME=$j17 $s" \
  "JDK 17: stowage stores, STOWAGE_NO_CDS=1 (no cache)|env JAVA_HOME=$j17 STOWAGE_NO_CDS=1 $s" \
  "JDK 17: $first|env JAVA_HOME=$j17 XDG_CACHE_HOME=$work/cache-first17 $s" \
  "JDK 17: stowage stores, no plugin index|env JAVA_HOME=$j17 $n" \
  "JDK 17: stowage --version|env JAVA_HOME=$j17 $v" \
  "JDK 17: stowage --debug --version (CDS archive; the JVM's path)|env JAVA_HOME=$j17 $dist/bin/stowage --debug --version" \
  "JDK 17: stowage --debug --version, STOWAGE_NO_CDS=1|env JAVA_HOME=$j17 STOWAGE_NO_CDS=1 $dist/bin/stowage --debug --version" \
  "JDK 17: java Hello (JVM floor)|$java -cp $work/hello Hello" \
  "python3 -c pass|/usr/bin/python3 -c pass" \
  "glance_store start-up|/usr/bin/python3 $here/glance_file_bench.py startup --store $work/gstore" \
  --prepare "JDK 25: $first|rm -rf $work/cache-first25/stowage" \
  --prepare "JDK 17: $first|rm -rf $work/cache-first17/stowage" \
  | tee "$out/startup-rounds.log"
{
  for c in "env JAVA_HOME=$j25 $s" "env JAVA_HOME=$j17 $s" "$java25 -cp $work/hello Hello" "$java -cp $work/hello Hello" "/usr/bin/python3 $here/glance_file_bench.py startup --store $work/gstore"; do
    /usr/bin/time -a -o "$work/rss.txt" -f "%M KiB peak RSS, %e s wall: $c" $c >/dev/null 2>&1 || true
  done
  cat "$work/rss.txt"
} >"$out/startup-rss.txt"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/startup-meta.txt"
/usr/bin/python3 "$here/startup_report.py" "$out" >"$out/startup-section.md"
cat "$out/startup-section.md"
if [ "${UPDATE:-0}" = 1 ]; then /usr/bin/python3 "$here/update_results.py" startup "$out/startup-section.md"; fi
