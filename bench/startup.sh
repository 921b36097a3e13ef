#!/bin/bash
# Whole-process start-up of `stowage stores` (the unpacked distribution) beside the JVM floor
# (hello world), python3 -c pass, and glance_store's start-up (import, config, create_multi_stores,
# verify_store), with hyperfine; plus the same without Stowage's class-data-sharing archive.
# usage: bench/startup.sh OUTDIR [RUNS]   (writes OUTDIR/startup-*.json and startup-rss.txt)
set -euo pipefail
out=${1:?usage: startup.sh OUTDIR [RUNS]}; runs=${2:-15}
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
dist=${STOWAGE_DIST:-$root/distribution/target/stowage}
java=${BENCH_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
mkdir -p "$out"; work=$(mktemp -d /tmp/stowage-startup.XXXXXX); trap 'rm -rf "$work"' EXIT
# hello world: the JVM floor
mkdir -p "$work/hello"; printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$work/hello/Hello.java"
"$(dirname "$java")/javac" -d "$work/hello" "$work/hello/Hello.java"
# bin/stowage keeps its class-data-sharing archive in $XDG_CACHE_HOME/stowage: a private one here
export XDG_CACHE_HOME="$work/cache"
export JAVA_HOME=$(dirname "$(dirname "$java")")
"$dist/bin/stowage" stores >/dev/null   # makes the archive, so the timed runs use it
ls -la "$XDG_CACHE_HOME/stowage" >"$out/startup-cds.txt" 2>&1 || true
"$dist/bin/stowage" stores >"$out/startup-stores-output.txt" 2>&1
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/startup-hyperfine.json" \
  -n "stowage stores (AppCDS)" "$dist/bin/stowage stores" \
  -n "stowage stores, STOWAGE_NO_CDS=1 (no AppCDS)" "env STOWAGE_NO_CDS=1 $dist/bin/stowage stores" \
  -n "stowage stores, -Xshare:off (no CDS at all)" "env STOWAGE_NO_CDS=1 STOWAGE_OPTS=-Xshare:off $dist/bin/stowage stores" \
  -n "java Hello (JVM floor)" "$java -cp $work/hello Hello" \
  -n "python3 -c pass" "/usr/bin/python3 -c pass" \
  -n "glance_store start-up" "/usr/bin/python3 $here/glance_file_bench.py startup --store $work/gstore" \
  >"$out/startup-hyperfine.txt" 2>&1 || { cat "$out/startup-hyperfine.txt"; exit 1; }
{
  for c in "$dist/bin/stowage stores" "$java -cp $work/hello Hello" "/usr/bin/python3 $here/glance_file_bench.py startup --store $work/gstore"; do
    /usr/bin/time -a -o "$work/rss.txt" -f "%M KiB peak RSS, %e s wall: $c" $c >/dev/null 2>&1 || true
  done
  cat "$work/rss.txt"
} >"$out/startup-rss.txt"
cat "$out/startup-hyperfine.txt"
