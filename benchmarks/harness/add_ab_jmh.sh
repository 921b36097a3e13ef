#!/bin/bash
# Old against new for FileAddBench.stowageAdd (JMH, 64 MiB tmpfs -> tmpfs, in one warm JVM): one
# fork of A, one of B, alternately, ROUNDS times; prints each fork's score and the medians.
# usage: benchmarks/harness/add_ab_jmh.sh OUTDIR ROUNDS A_LABEL A_LIBDIR B_LABEL B_LIBDIR
# env: BENCH_JAVA, JMH_WI (5), JMH_I (8), JMH_R (2s)
set -euo pipefail
[ $# -ge 6 ] || { sed -n 2,6p "$0" >&2; exit 2; }
out=$1; rounds=$2; la=$3; a=$4; lb=$5; b=$6
java=${BENCH_JAVA:-java}
mkdir -p "$out"
fork() {
  local label=$1 lib=$2 n=$3
  echo "load $(cut -d' ' -f1 /proc/loadavg)" >"$out/$label-$n.load"
  "$java" -cp "$lib/*" org.openjdk.jmh.Main -f 1 -wi "${JMH_WI:-5}" -i "${JMH_I:-8}" -w 1s -r "${JMH_R:-2s}" \
    -rf json -rff "$out/$label-$n.json" 'FileAddBench.stowageAdd' >"$out/$label-$n.txt" 2>&1
  echo "$label $n $(cat "$out/$label-$n.load") $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]["primaryMetric"]; print("%.1f ms/64MiB +- %.1f" % (r["score"], r["scoreError"]))' "$out/$label-$n.json")"
}
for ((r = 0; r < rounds; r++)); do
  if ((r % 2 == 0)); then fork "$la" "$a" "$r"; fork "$lb" "$b" "$r"; else fork "$lb" "$b" "$r"; fork "$la" "$a" "$r"; fi
done
python3 - "$out" "$la" "$lb" <<'PY'
import glob, json, statistics, sys
out, labels = sys.argv[1], sys.argv[2:]
for lab in labels:
    s = [json.load(open(f))[0]["primaryMetric"]["score"] for f in sorted(glob.glob("%s/%s-*.json" % (out, lab)))]
    print("%s: forks %d, ms per 64 MiB median %.1f [%.1f-%.1f] = %.0f MiB/s" % (lab, len(s), statistics.median(s), min(s), max(s), 64000 / statistics.median(s)))
PY
