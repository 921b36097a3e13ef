#!/usr/bin/python3
"""Turns a startup.sh result directory into the markdown of the `startup` section of docs/benchmarks.md.

usage: startup_report.py RESULT_DIR
"""
import json
import os
import statistics
import sys

D = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(D, "startup-meta.txt")) if "=" in l)
data = json.load(open(os.path.join(D, "startup-hyperfine.json")))
res = data["results"]
out = []
p = out.append


def med_range(xs):
    return "**%.2f** [%.2f–%.2f]" % (statistics.median(xs), min(xs), max(xs))


TARGETS = (("stowage stores (", 0.2), ("stowage --version", 0.1))  # name prefix after "JDK nn: ", seconds


def target(name):
    short = name.split(": ", 1)[-1] if name.startswith("JDK ") else None
    for prefix, limit in TARGETS:
        if short is not None and (short.startswith(prefix) and (prefix != "stowage --version" or short == prefix)):
            return limit
    return None


p("## Start-up: `stowage --version` and `stowage stores` on JDK 17 and JDK 25, with and without their caches")
p("")
p("Written by `benchmarks/harness/startup.sh` (%s). Whole process, the embedded default configuration (two file "
  "stores); %d rounds after %d warm-up round, each round running every command once in an order rotated from round "
  "to round (`startup_rounds.py`), so a load that drifts during the run weighs on all alike. **Machine.** %s vCPU %s, "
  "%s GiB RAM, %s and %s; load average (1, 5, 15 min) before `%s`, after `%s`: the machine is shared with other "
  "engineers' builds, so wall times partly measure the wait for a core; the CPU times (user + sys of the process and "
  "its children) much less."
  % (meta.get("date"), data["rounds"], data["warmups"], meta.get("nproc"), meta.get("cpu"), meta.get("mem_gib"),
     meta.get("java"), meta.get("java25"), meta.get("load_before"), meta.get("load_after")))
p("")
p("The caches: the one `bin/stowage` keeps per installation and JDK in `$XDG_CACHE_HOME/stowage`, made by a "
  "training run on the first start (JDK 25: an AOT cache, JEP 483/514; JDK 17: a class-data-sharing archive), and the "
  "plugin index `plugins/.stowage-driver-index`, written when the distribution is packaged (without it every plugin "
  "is loaded, not only the file driver's). Neither is written into the installation. `stowage --version` alone is "
  "answered by `bin/stowage` from the installed jar's version, without a JVM; `--debug --version` is the JVM's path.")
p("")
p("**Verdicts** (median wall time of the whole process; CPU time beside it):")
p("")
for x in res:
    limit = target(x["command"])
    if limit is not None:
        p("- %s: %.3f s wall, %.3f s CPU: %s (target <= %.1f s)" % (
            x["command"], x["median"], statistics.median(x["cpu_times"]),
            "**met**" if x["median"] <= limit else "**not met**", limit))
p("")
p("| command | median s | mean ± σ | min–max | CPU s, median | wall / first row, per round | CPU / first row, per round |")
p("|---|---|---|---|---|---|---|")
for x in res:
    p("| %s | **%.3f** | %.3f ± %.3f | %.3f–%.3f | %.3f | %s | %s |" % (
        x["command"], x["median"], x["mean"], x["stddev"], x["min"], x["max"], statistics.median(x["cpu_times"]),
        med_range(x["wall_ratios"]), med_range(x["cpu_ratios"])))
p("")
rf = os.path.join(D, "startup-rss.txt")
if os.path.exists(rf):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p("```")
    p(open(rf).read().strip().replace(root, "."))
    p("```")
print("\n".join(out))
