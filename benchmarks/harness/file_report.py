#!/usr/bin/python3
"""Turns a benchmarks/harness/file.sh result directory (and optionally a file_jmh.sh JSON) into the markdown of
the `file` section of docs/benchmarks.md, on stdout.

usage: file_report.py RESULT_DIR [JMH.json] [--analysis FILE.md]
"""
import glob
import json
import os
import re
import statistics
import sys

args = sys.argv[1:]
analysis = None
if "--analysis" in args:
    i = args.index("--analysis")
    analysis = args[i + 1]
    del args[i:i + 2]
D = args[0]
JMH = args[1] if len(args) > 1 else None
runs = [json.loads(l) for l in open(os.path.join(D, "runs.jsonl"))]
machine = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(D, "machine.txt")) if "=" in l)
MIB = 1048576.0
out = []
p = out.append


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def rng(xs, fmt="%.0f"):
    return ("[" + fmt + "–" + fmt + "]") % (min(xs), max(xs)) if xs else ""


def case_runs(case, who):
    return [r for r in runs if r["case"] == case and r["who"] == who]


def pair_ratios(case, a, b, key=lambda r: r["wall_s"]):
    """Throughput ratio a/b per pair = b's time / a's time."""
    by = {}
    for r in runs:
        if r["case"] == case:
            by.setdefault(r["pair"], {})[r["who"]] = r
    return [(pr, key(v[b]) / key(v[a]), max(v[a]["load1"], v[b]["load1"])) for pr, v in by.items() if a in v and b in v]


def verdict(ok):
    return "**met**" if ok else "**missed**"


sizes = [s for s in ("64M", "1G", "4G") if case_runs("add-" + s, "A")]
label = {"64M": "64 MiB", "1G": "1 GiB", "4G": "4 GiB"}
names = {"CLI": "`bin/stowage` (whole process)", "G": "glance_store (whole process)", "A": "Stowage (Java 17)", "B": "glance_store 4.1.0", "A1M": "Stowage, 1 MiB reads",
         "W": "Stowage, warm JVM (after two 64 MiB adds)"}

# ------------------------------------------------------------------ header
p("## File driver: Stowage vs glance_store")
p("")
p("Written by `benchmarks/harness/file.sh` (whole-process A/B pairs, yardsticks, start-up) and `benchmarks/harness/file_jmh.sh` (JMH); "
  "run %s. Re-run both and this section is replaced." % machine.get("date_utc", "?"))
p("")
p("**Machine.** %s vCPU %s, %s GiB RAM, kernel %s; %s; %s; glance_store %s (%s), %s. Store and sources on %s. "
  "Java runs use the JVM options of `bin/stowage` (`%s`). Load average (1 min) at start `%s`, at end `%s`. "
  "The machine is shared with other engineers' builds: the load average is listed beside every figure."
  % (machine.get("nproc"), machine.get("cpu"), machine.get("mem_gib"), machine.get("kernel"), machine.get("java"),
     machine.get("openssl"), machine.get("glance_store"), machine.get("python"), "source tree " + machine.get("git", "?"),
     machine.get("fs"), machine.get("bench_jopts"), machine.get("load_start", "?").split()[0],
     machine.get("load_end", "? ?").split()[0]))
p("")

sums = {}
for l in open(os.path.join(D, "sums.txt")):
    h, f = l.split()
    sums.setdefault(os.path.basename(f).replace("src-", ""), []).append(h)
bad = []
for r in runs:
    if r["case"].startswith("add-") or r["case"].startswith("verify-get-"):
        s = r["case"].split("-")[-1]
        if r.get("md5") not in sums[s] or r.get("sha512") not in sums[s]:
            bad.append("%s %s pair %s" % (r["case"], r["who"], r["pair"]))
checked = sum(1 for r in runs if r["case"].startswith("add-") or r["case"].startswith("verify-get-"))
p("**Method.** A = Stowage (`org.stowage.benchmarks.Bench`, one JVM per run), B = glance_store's file store "
  "(`benchmarks/harness/glance_file_bench.py`, glance_store's multi-store setup, `enabled_backends = fast:file, slow:file`, one python3 per run), "
  "W = Stowage in a JVM that already did two 64 MiB adds (warm JIT); adds run A B W, A B W, …, gets A B A1M "
  "(A1M: 1 MiB reads); whole-process pairs CLI = the shipped `bin/stowage add FILE` / `bin/stowage get -o FILE` "
  "(its JVM options and start-up cache), G = glance_store in one python3 per run (get writing into a file), alternated. "
  "Throughput is the **in-process** phase (for CLI and G: the whole process) (open the source → add returns; get → last chunk); "
  "whole-process wall, CPU and peak RSS come from `/usr/bin/time -v` around each run. Ratios are per pair (A and B "
  "of the same round), reported as median [min–max]. A pair more than 25 %% off the median ratio is re-run at the "
  "end and both are kept (*rerun*). Sources are random, warm in the page cache; outputs are deleted after each run. "
  "Checksums: the md5 and sha512 of %d adds and verified gets (Stowage and glance_store) were "
  "compared with `md5sum`/`sha512sum` of the source: %s."
  % (checked, "all agree" if not bad else "**MISMATCH** in " + ", ".join(bad)))
p("")

def yard(tag):
    f = os.path.join(D, "yardsticks-%s.txt" % tag)
    if not os.path.exists(f):
        return {}
    d = {}
    for l in open(f):
        l = l.strip()
        if l.startswith("load="):
            d["load"] = [float(l[5:])]
            continue
        k, _, v = l.partition(" ")
        if k.startswith("openssl_"):
            try:
                d.setdefault(k, []).append(float(v.rstrip("k")) * 1000 / MIB)
            except ValueError:
                pass
        else:
            m = re.match(r"([\d.]+) (\w+)/s", v)
            if m:
                x = float(m.group(1)) * {"kB": 1e3, "MB": 1e6, "GB": 1e9}[m.group(2)] / MIB
                d.setdefault(k, []).append(x)
    return d


# ------------------------------------------------------------------ targets
# The targets of the second performance round (issue 15); start-up and small adds have their own sections.
targets = []
def yard_med(key):
    """The median of a yardstick over the readings before and after the pairs."""
    return med(yard("before").get(key, []) + yard("after").get(key, []))


bound = 2 / (1 / yard_med("openssl_md5") + 1 / yard_med("openssl_sha512") + 1 / yard_med("dd_write_64k"))
rate = {s: med([r["mib_s"] for r in case_runs("add-" + s, "A")]) for s in sizes}


def ratio_row(what, case, a, b, goal, key=lambda r: r["wall_s"]):
    rs = [x[1] for x in pair_ratios(case, a, b, key)]
    if rs:
        targets.append((what, "%.2f× [%.2f–%.2f], %d pairs" % (med(rs), min(rs), max(rs), len(rs)), med(rs) >= goal))
    return rs


if "1G" in sizes:
    rs = ratio_row("in-process add 1 GiB ≥ 1.8× glance_store (same run)", "add-1G", "A", "B", 1.8)
    if bound == bound:
        targets.append(("in-process add 1 GiB ≥ 90 %% of the 2-core bound measured in the same run (%.0f MiB/s)" % bound,
                        "%.0f MiB/s = %.0f %%" % (rate["1G"], 100 * rate["1G"] / bound), rate["1G"] >= 0.9 * bound))
if "4G" in rate and "1G" in rate:
    targets.append(("4 GiB add rate ≥ 0.9× the 1 GiB rate",
                    "%.2f× (%.0f / %.0f MiB/s)" % (rate["4G"] / rate["1G"], rate["4G"], rate["1G"]),
                    rate["4G"] / rate["1G"] >= 0.9))
for s in sizes:
    ratio_row("whole-process `stowage add` %s ≥ 2.0× glance_store's whole-process add" % label[s], "wp-add-" + s,
              "CLI", "G", 2.0)
get_ratio = {}
for s in sizes:
    get_ratio[s] = ratio_row("in-process get %s, 64 KiB reads ≥ 1.0× glance_store" % label[s], "get-" + s, "A", "B", 1.0)
    ratio_row("in-process get %s, 1 MiB reads ≥ 1.0× glance_store" % label[s], "get-" + s, "A1M", "B", 1.0)
for s in sizes:
    ratio_row("whole-process `stowage get -o` %s ≥ 2.0× glance_store (get into a file)" % label[s], "wp-get-" + s,
              "CLI", "G", 2.0)


def rss_of(case, who):
    return {s: [r["peak_rss_mib"] for r in case_runs("%s-%s" % (case, s), who)] for s in sizes}


for what, case, who in (("`bin/stowage add`", "wp-add", "CLI"), ("`bin/stowage get -o`", "wp-get", "CLI"),
                        ("Bench add (bin/stowage's JVM options)", "add", "A"), ("Bench get (file driver)", "get", "A")):
    rs = rss_of(case, who)
    if not all(rs.values()):
        continue
    meds = [med(rs[s]) for s in sizes]
    mx = max(x for s in sizes for x in rs[s])
    ok = mx <= 80 and max(meds) - min(meds) <= 5
    targets.append(("peak RSS ≤ 80 MiB and flat (medians within 5 MiB) at every size: %s" % what,
                    "medians " + ", ".join("%s %.1f" % (label[s], med(rs[s])) for s in sizes)
                    + " MiB (max of any run %.1f)" % mx, ok))
hf = None
hfp = os.path.join(D, "startup-hyperfine.json")
if os.path.exists(hfp):
    hf = {x["command"]: x for x in json.load(open(hfp))["results"]}
p("### Targets")
p("")
p("| target | measured | verdict |")
p("|---|---|---|")
for t, m, ok in targets:
    p("| %s | %s | %s |" % (t, m, verdict(ok)))
p("")
if "1G" in sizes and bound == bound:
    cpu = med([r["cpu_s"] for r in case_runs("add-1G", "A")])
    fixed = 1024 / yard_med("openssl_md5") + 1024 / yard_med("openssl_sha512") + 1024 / yard_med("dd_write_64k")
    p("CPU per GiB of the in-process 1 GiB add: Stowage %.2f s, glance_store %.2f s; the two digests and the kernel's "
      "write alone (openssl and dd above) cost %.2f s: %.2f s per GiB beyond them (the JDK's digests against "
      "OpenSSL's, the copies into and out of the page cache, the pipeline)."
      % (cpu, med([r["cpu_s"] for r in case_runs("add-1G", "B")]), fixed, cpu - fixed))
    p("")


# ------------------------------------------------------------------ add / get tables
def op_table(op, whos, rows_extra):
    for s in sizes:
        case = "%s-%s" % (op, s)
        if not any(r["case"] == case for r in runs):
            continue
        p("#### %s %s" % (op, label[s]))
        p("")
        p("| who | in-process MiB/s, median [range] | in-process s | CPU s (in-process) | whole-process s | "
          "whole-process CPU s | peak RSS MiB | load (1 min) | runs |")
        p("|---|---|---|---|---|---|---|---|---|")
        for w in whos:
            rr = case_runs(case, w)
            if not rr:
                continue
            p("| %s | **%.0f** %s | %.3f | %.2f | %.3f | %.2f | %.1f %s | %s | %d |" % (
                names[w], med([r["mib_s"] for r in rr]), rng([r["mib_s"] for r in rr]),
                med([r["wall_s"] for r in rr]), med([r["cpu_s"] for r in rr]),
                med([r["proc_wall_s"] for r in rr]), med([r["proc_cpu_s"] for r in rr]),
                med([r["peak_rss_mib"] for r in rr]), rng([r["peak_rss_mib"] for r in rr], "%.1f"),
                rng([r["load1"] for r in rr], "%.1f"), len(rr)))
        p("")
        p("| per-pair ratio | median | min | max | pairs |")
        p("|---|---|---|---|---|")
        for a, b, what in rows_extra:
            rs = [x[1] for x in pair_ratios(case, a, b)]
            if rs:
                p("| %s | **%.2f** | %.2f | %.2f | %d |" % (what, med(rs), min(rs), max(rs), len(rs)))
            rw = [x[1] for x in pair_ratios(case, a, b, key=lambda r: r["proc_wall_s"])]
            if rw and (a, b) == ("A", "B"):
                p("| same, whole-process wall (start-up included) | %.2f | %.2f | %.2f | %d |"
                  % (med(rw), min(rw), max(rw), len(rw)))
        p("")
        p("<details><summary>every run (%s)</summary>" % case)
        p("")
        p("| pair | who | MiB/s | in-process s | CPU s | whole s | RSS MiB | load |")
        p("|---|---|---|---|---|---|---|---|")
        for r in runs:
            if r["case"] == case:
                p("| %s%s | %s | %.0f | %.3f | %.2f | %.3f | %.1f | %.2f |" % (
                    r["pair"], " (rerun of %s)" % r["rerun_of"] if "rerun_of" in r else "", r["who"], r["mib_s"],
                    r["wall_s"], r["cpu_s"], r["proc_wall_s"], r["peak_rss_mib"], r["load1"]))
        p("")
        p("</details>")
        p("")


p("### Add (md5 + sha512, page-cache destination, no fsync)")
p("")
op_table("add", ["A", "B", "W"], [("A", "B", "Stowage / glance_store throughput"),
                                  ("W", "B", "Stowage warm JVM / glance_store throughput")])
p("### Get (warm, the same stored file for both; read to the end)")
p("")
op_table("get", ["A", "B", "A1M"], [("A", "B", "Stowage (64 KiB reads) / glance_store (64 KiB chunks)"),
                                    ("A1M", "B", "Stowage (1 MiB reads) / glance_store")])

p("### Whole process: `bin/stowage add FILE` and `bin/stowage get -o FILE` against glance_store (start-up included)")
p("")
op_table("wp-add", ["CLI", "G"], [("CLI", "G", "bin/stowage add / glance_store add, whole process")])
op_table("wp-get", ["CLI", "G"], [("CLI", "G", "bin/stowage get -o / glance_store get into a file, whole process")])

# ------------------------------------------------------------------ RSS
p("### Peak RSS (whole process, `/usr/bin/time -v`)")
p("")
p("| process | %s |" % " | ".join(label[s] for s in sizes))
p("|---|%s" % ("---|" * len(sizes)))
for case, who, what in (("add", "A", "Bench add, bin/stowage's JVM options"), ("wp-add", "CLI", "`bin/stowage add` (the shipped CLI)"),
                        ("wp-get", "CLI", "`bin/stowage get -o` (the shipped CLI)"),
                        ("jvmdefault-add", "A", "Bench add, JVM defaults (G1, heap from RAM)"),
                        ("add", "W", "Bench add after two warm-up adds"),
                        ("add", "B", "glance_store add"),
                        ("get", "A", "Bench get (file driver, positional reads)"),
                        ("get", "B", "glance_store get"), ("wp-get", "G", "glance_store get into a file")):
    cells = []
    for s in sizes:
        xs = [r["peak_rss_mib"] for r in case_runs("%s-%s" % (case, s), who)]
        cells.append("%.1f %s" % (med(xs), rng(xs, "%.1f")) if xs else "–")
    p("| %s | %s |" % (what, " | ".join(cells)))
p("")

# ------------------------------------------------------------------ small adds
sm = {r["who"]: r for r in runs if r["case"] == "small-4K"}
if sm:
    p("### Small adds: rounds of 1000 × 4 KiB on tmpfs (µs per add; round 1 is the cold JIT / first imports)")
    p("")
    p("| who | add µs per round | raw create+write+md5+sha512 µs per round | warm add (median of rounds 2–) | warm raw | add/raw |")
    p("|---|---|---|---|---|---|")
    for w in ("A", "B"):
        if w in sm:
            r = sm[w]
            wa, wr = med(r["add_us"][1:]), med(r["raw_us"][1:])
            p("| %s | %s | %s | **%.1f** | %.1f | %.2f |" % (names[w], ", ".join("%.1f" % x for x in r["add_us"]),
                                                          ", ".join("%.1f" % x for x in r["raw_us"]), wa, wr, wa / wr))
    if "A" in sm and "B" in sm:
        p("")
        p("Warm Stowage / glance_store time per add: **%.2f** (target ≤ 0.8, ≤ 30 µs)."
          % (med(sm["A"]["add_us"][1:]) / med(sm["B"]["add_us"][1:])))
    p("")

# ------------------------------------------------------------------ yardsticks
p("### Yardsticks (same run)")
p("")
p("| yardstick | before the pairs | after the pairs |")
p("|---|---|---|")


yb, ya = yard("before"), yard("after")
for k, what in (("openssl_md5", "openssl speed -evp md5, 64 KiB (MiB/s)"),
                ("openssl_sha512", "openssl speed -evp sha512, 64 KiB (MiB/s)"),
                ("dd_write_64k", "dd page-cache write 1 GiB, bs=64K, no sync (MiB/s, 3 runs)"),
                ("dd_read_64k", "dd warm read 1 GiB, bs=64K (MiB/s)"),
                ("dd_read_1m", "dd warm read 1 GiB, bs=1M (MiB/s)"), ("load", "load average (1 min)")):
    def cell(d):
        xs = d.get(k, [])
        if not xs:
            return "–"
        return ("%.1f" if k == "load" else "%.0f") % med(xs) + (" " + rng(xs) if len(xs) > 1 else "")
    p("| %s | %s | %s |" % (what, cell(yb), cell(ya)))
p("")
md5y = med(yb.get("openssl_md5", []) + ya.get("openssl_md5", []))
shay = med(yb.get("openssl_sha512", []) + ya.get("openssl_sha512", []))
wry = med(yb.get("dd_write_64k", []) + ya.get("dd_write_64k", []))
if md5y == md5y and shay == shay:
    par = min(md5y, shay, wry) if wry == wry else min(md5y, shay)
    ser = 1 / (1 / md5y + 1 / shay + (1 / wry if wry == wry else 0))
    p("Limits re-derived from these yardsticks: parallel max(T_md5, T_sha512, T_write) = **%.0f MiB/s**; serial "
      "T_md5 + T_sha512 + T_write = **%.0f MiB/s**; on 2 vCPUs all three must share two cores, so the CPU bound is "
      "about 2 / (1/md5 + 1/sha512 + 1/write) = **%.0f MiB/s**." % (par, ser, 2 * ser))
    for s in sizes:
        b = med([r["mib_s"] for r in case_runs("add-" + s, "B")])
        a = rate[s]
        p("For %s: glance_store %.0f MiB/s is %.2f of the serial limit; Stowage %.0f MiB/s is %.2f of the 2-vCPU bound "
          "(2.0× glance_store would need %.0f MiB/s = %.2f of it)." % (label[s], b, b / ser, a, a / (2 * ser), 2 * b,
                                                                       2 * b / (2 * ser)))
    p("")

# ------------------------------------------------------------------ start-up
if hf:
    p("### Start-up (whole process, `startup.sh`: %d interleaved rounds after a warm-up round)"
      % len(next(iter(hf.values()))["times"]))
    p("")
    p("| command | median s | mean ± σ | min–max |")
    p("|---|---|---|---|")
    for c, x in hf.items():
        p("| %s | **%.3f** | %.3f ± %.3f | %.3f–%.3f |" % (c, x["median"], x["mean"], x["stddev"], x["min"], x["max"]))
    p("")
    sa = [r["startup_s"] for r in runs if r["who"] == "A" and "startup_s" in r]
    sb = [r["startup_s"] for r in runs if r["who"] == "B" and "startup_s" in r]
    if sa:
        p("In-process start-up (build `Stowage` with two file stores, the Bench's class path, no CDS): median "
          "%.3f s %s over %d runs; glance_store (import + config + create_multi_stores + verify_store): %.3f s %s."
          % (med(sa), rng(sa, "%.3f"), len(sa), med(sb), rng(sb, "%.3f")))
        p("")
    rf = os.path.join(D, "startup-rss.txt")
    if os.path.exists(rf):
        p("```")
        p(open(rf).read().strip().replace(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "."))
        p("```")
        p("")

# ------------------------------------------------------------------ JMH
if JMH and os.path.exists(JMH):
    res = json.load(open(JMH))
    p("### JMH (`benchmarks/harness/file_jmh.sh`: forks %s, %s warm-up + %s measured iterations of 1 s)" % (
        res[0]["forks"], res[0]["warmupIterations"], res[0]["measurementIterations"]))
    lf = JMH[:-5] + ".load"
    if os.path.exists(lf):
        p("")
        p("Load: " + "; ".join(l.strip() for l in open(lf)))
    p("")
    p("| benchmark | params | score ± 99.9 % error | unit | MiB/s |")
    p("|---|---|---|---|---|")
    sizes_mib = {"DigestBench": 64, "PipelineBench": 64, "FileAddBench": 64, "FileGetBench": 256}
    for r in res:
        name = r["benchmark"].replace("org.stowage.benchmarks.", "")
        cls = name.split(".")[0]
        sc = r["primaryMetric"]
        unit = sc["scoreUnit"]
        mibs = ""
        if cls in sizes_mib and unit == "ms/op":
            mibs = "%.0f" % (sizes_mib[cls] / (sc["score"] / 1000))
        params = ", ".join("%s=%s" % kv for kv in (r.get("params") or {}).items())
        err = sc["scoreError"]
        p("| %s | %s | %.2f ± %s | %s | %s |" % (name, params, sc["score"], "%.2f" % err if err == err else "–", unit, mibs))
    p("")

if analysis:
    p(open(analysis).read().rstrip())
    p("")
print("\n".join(out))
