#!/usr/bin/python3
"""Turns a startup.sh result directory into the markdown of the `startup` section of docs/benchmarks.md.

usage: startup_report.py RESULT_DIR
"""
import json
import os
import sys

D = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(D, "startup-meta.txt")) if "=" in l)
hf = {x["command"]: x for x in json.load(open(os.path.join(D, "startup-hyperfine.json")))["results"]}
first = json.load(open(os.path.join(D, "startup-first.json")))["results"]
out = []
p = out.append

p("## Start-up: `stowage stores` with and without its caches")
p("")
p("Written by `benchmarks/harness/startup.sh` (%s). Whole process, hyperfine, %d runs each after 2 warm-ups, "
  "the embedded default configuration (two file stores). **Machine.** %s vCPU %s, %s GiB RAM, %s; load average "
  "(1, 5, 15 min) before `%s`, after `%s`; the machine is shared with other engineers' builds."
  % (meta.get("date"), len(next(iter(hf.values()))["times"]), meta.get("nproc"), meta.get("cpu"),
     meta.get("mem_gib"), meta.get("java"), meta.get("load_before"), meta.get("load_after")))
p("")
p("The caches: the class-data-sharing archive (AppCDS) `bin/stowage` keeps in `$XDG_CACHE_HOME/stowage`, made "
  "by a training run on the first start, and the plugin index `plugins/.stowage-driver-index`, written when the "
  "distribution is packaged (without it, every plugin is loaded, not only the file driver's). Neither is ever "
  "written into the installation.")
p("")
p("| command | median s | mean ± σ | min–max |")
p("|---|---|---|---|")
for c, x in list(hf.items()) + [(x["command"], x) for x in first]:
    p("| %s | **%.3f** | %.3f ± %.3f | %.3f–%.3f |" % (c, x["median"], x["mean"], x["stddev"], x["min"], x["max"]))
p("")


def ratio(a, b):
    return hf[a]["median"] / hf[b]["median"]


both = "stowage stores (AppCDS)"
rows = [("no AppCDS / both caches", ratio("stowage stores, STOWAGE_NO_CDS=1 (no AppCDS)", both)),
        ("no plugin index / both caches", ratio("stowage stores, no plugin index", both)),
        ("neither cache / both caches", ratio("stowage stores, no plugin index, no AppCDS", both)),
        ("first start (training included) / both caches", first[0]["median"] / hf[both]["median"])]
p("Ratios of the medians, same run: " + "; ".join("%s **%.2f**" % r for r in rows) + ".")
p("")
rf = os.path.join(D, "startup-rss.txt")
if os.path.exists(rf):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p("```")
    p(open(rf).read().strip().replace(root, "."))
    p("```")
print("\n".join(out))
