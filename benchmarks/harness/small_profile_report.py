#!/usr/bin/env python3
"""Markdown for the `small-add-profile` section from a small_profile.sh run.

usage: small_profile_report.py RESULTS_DIR BEFORE.md
RESULTS_DIR holds machine.txt, runs.jsonl (alternated Stowage (A) / glance_store (B) runs of
`small`), small.jfr and jfr-run.json (the recorded Stowage run). BEFORE.md is the fixed profile
from before the small-add work, included as it is.
"""
import json
import os
import statistics
import subprocess
import sys

out, before = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
machine = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(out, "machine.txt")) if "=" in line)
setup = dict(kv.split("=", 1) for kv in ("pairs=" + machine.get("pairs", "")).split() if "=" in kv)
runs = [json.loads(line) for line in open(os.path.join(out, "runs.jsonl")) if line.strip()]


def warm(run):
    """The median of the rounds after the first (the first is the cold JIT / first imports)."""
    return statistics.median(run["add_us"][1:])


pairs = {}
for r in runs:
    pairs.setdefault(r["pair"], {})[r["who"]] = r
rows, ratios, a_all, b_all = [], [], [], []
for p in sorted(pairs):
    a, b = pairs[p].get("A"), pairs[p].get("B")
    if not a or not b:
        continue
    wa, wb = warm(a["run"]), warm(b["run"])
    a_all.append(wa)
    b_all.append(wb)
    ratios.append(wa / wb)
    rows.append("| %d | %.1f | %.1f | %.1f | %.1f | %.2f | %s / %s |" % (
        p, wa, statistics.median(a["run"]["raw_us"][1:]), wb, statistics.median(b["run"]["raw_us"][1:]),
        wa / wb, a["load"], b["load"]))
jrun = json.load(open(os.path.join(out, "jfr-run.json")))
jwarm = warm(jrun)
prof = subprocess.run([sys.executable, os.path.join(here, "jfr_top.py"), os.path.join(out, "small.jfr"),
                       "--us-per-add", "%.3f" % jwarm, "--top", "15"], check=True, capture_output=True, text=True).stdout

print("## Small adds with their profile (`small_profile.sh`)\n")
print("Run %s on %s vCPU (%s), %s, %s; %s on %s; glance_store %s (%s); git %s." % (
    machine.get("date_utc"), machine.get("nproc"), machine.get("cpu"), machine.get("kernel"), machine.get("java"),
    "`" + machine.get("jopts", "") + "`", machine.get("fs"), machine.get("glance_store"), machine.get("python"),
    machine.get("git")))
print("Load average (1, 5, 15 min): %s at the start, %s at the end.\n" % (machine.get("load_start"),
                                                                           machine.get("load_end")))
print("Method: %s pairs, each a Stowage JVM (`Bench small`) then a glance_store process (`glance_file_bench.py "
      "small`), each doing %s rounds of %s adds of 4 KiB on tmpfs through the library's add (`Stowage.add` to the "
      "file store `fast`, sha512; glance_store's `add` with the same INI); a run's figure is the median of its "
      "rounds 2 to the last (round 1 is the cold JIT / first imports); raw = create + write + close + md5 + "
      "sha512 in the same language. The ratio is taken per pair, then its median.\n" % (
          len(rows), setup.get("rounds", "?"), setup.get("count", "?")))
print("| pair | Stowage µs per add | Stowage raw | glance_store µs per add | glance_store raw | Stowage / glance_store "
      "| load A / B |\n|---|---|---|---|---|---|---|")
print("\n".join(rows))
if ratios:
    print("\nMedian over the pairs: Stowage **%.1f µs**, glance_store **%.1f µs** per add; Stowage / glance_store "
          "per pair: median **%.2f** (min %.2f, max %.2f; target ≤ 0.8).\n" % (
              statistics.median(a_all), statistics.median(b_all), statistics.median(ratios), min(ratios), max(ratios)))
print("### Profile after (this run: JFR settings=profile, `jfr_top.py`)\n")
print("One more `Bench small` run (%s adds × %s rounds) under JFR; its warm median is %.1f µs per add (rounds: %s). Samples are "
      "kept when their stack holds `Stowage.add`; a native sample (a system call) counts twice a Java sample's "
      "time (JFR samples Java code every 10 ms, native code every 20 ms); µs per add = share × the run's warm "
      "median. JFR misses samples in the digest intrinsics, so hashing shows less than it costs.\n" % (
          jrun.get("count"), len(jrun["add_us"]), jwarm, ", ".join("%.0f" % x for x in jrun["add_us"])))
print(prof.strip().replace("samples in " + os.path.join(out, "small.jfr"), "Samples in the recording") + "\n")
print(open(before).read().strip())
