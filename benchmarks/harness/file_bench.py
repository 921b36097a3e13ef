#!/usr/bin/python3
"""Runs the whole-process A/B pairs of benchmarks/harness/file.sh and appends one JSON record per run.

usage: file_bench.py RESULTS.jsonl WORKDIR
Environment (set by file.sh): BENCH_JAVA (java binary), BENCH_CP (class path), BENCH_JOPTS (JVM
options, default those of bin/stowage), BENCH_PAIRS_SMALL/BIG/HUGE (pairs for 64 MiB, 1 GiB, 4 GiB),
BENCH_SIZES (which of 64M,1G,4G to run).

A = Stowage (org.stowage.benchmarks.Bench, one JVM per run), B = glance_store
(glance_file_bench.py, one python3 per run), W = Stowage in a JVM that has already done two 64 MiB
adds (warm JIT, a server's steady state), run A B W, A B W, ...
Gets: A (64 KiB reads), B, A1M (1 MiB reads). Every run is wrapped in /usr/bin/time -v (whole-process wall, CPU, peak RSS)
and preceded by a /proc/loadavg reading. Throughput ratios use the in-process phase (wall_s).
After the planned pairs, a pair whose A/B ratio is more than 25 % off the median is re-run once at
the end (at most two extra pairs per case), and both runs are kept and marked.
"""
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS, WORK = sys.argv[1], sys.argv[2]
JAVA = os.environ.get("BENCH_JAVA", "java")
CP = os.environ["BENCH_CP"]
JOPTS = shlex.split(os.environ.get("BENCH_JOPTS", "-XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g"))
PY = "/usr/bin/python3"
SIZES = os.environ.get("BENCH_SIZES", "64M,1G,4G").split(",")
PAIRS = {"64M": int(os.environ.get("BENCH_PAIRS_SMALL", 5)), "1G": int(os.environ.get("BENCH_PAIRS_BIG", 5)),
         "4G": int(os.environ.get("BENCH_PAIRS_HUGE", 2))}
STORE = os.path.join(WORK, "store")


def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def timed(cmd, env=None, json_out=True):
    """Runs cmd under /usr/bin/time -v; returns (stdout JSON, or nothing unless json_out, whole-process figures)."""
    tv = os.path.join(WORK, "time-v.txt")
    l0 = load1()
    p = subprocess.run(["/usr/bin/time", "-v", "-o", tv] + cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
        raise SystemExit("command failed (%d): %s" % (p.returncode, " ".join(cmd)))
    t = open(tv).read()

    def field(name):
        m = re.search(re.escape(name) + r": (.*)", t)
        return m.group(1).strip()

    el = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(el)))
    if not json_out:
        rec = {}
    else:
        try:
            rec = json.loads(p.stdout)
        except ValueError:
            rec = json.loads([x for x in p.stdout.splitlines() if x.startswith("{")][-1])
    rec.update(load1=l0, proc_wall_s=wall, proc_cpu_s=float(field("User time (seconds)")) + float(
        field("System time (seconds)")), proc_sys_s=float(field("System time (seconds)")),
        peak_rss_mib=int(field("Maximum resident set size (kbytes)")) / 1024.0)
    return rec


def java(*args, jopts=None):
    return [JAVA] + (JOPTS if jopts is None else jopts) + ["-cp", CP, "org.stowage.benchmarks.Bench"] + list(args)


def glance(*args):
    return [PY, os.path.join(HERE, "glance_file_bench.py")] + list(args)


def emit(rec, **extra):
    rec.update(extra)
    with open(RESULTS, "a") as f:
        f.write(json.dumps(rec) + "\n")
    keys = ("case", "who", "pair", "mib_s", "wall_s", "proc_wall_s", "peak_rss_mib", "load1")
    print("  " + "  ".join("%s=%s" % (k, round(rec[k], 3) if isinstance(rec.get(k), float) else rec.get(k))
                           for k in keys), flush=True)
    return rec


def rm(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def image_id(label=None):
    """An image id Stowage accepts (a UUID, as Glance's): random, or stable for a label."""
    return str(uuid.uuid4() if label is None else uuid.uuid5(uuid.NAMESPACE_URL, "stowage-bench/" + label))


def add_run(who, src, size, case, pair, **extra):
    image = image_id()
    if who == "A":
        cmd = java("add", "--store", STORE, "--src", src, "--size", str(size), "--id", image)
    elif who == "W":
        cmd = java("add", "--store", STORE, "--src", src, "--size", str(size), "--id", image, "--warmup", "2",
                   "--warmup-src", os.path.join(WORK, "src-64M"))
    else:
        cmd = glance("add", "--store", STORE, "--src", src, "--size", str(size), "--id", image)
    rec = timed(cmd)
    rm(os.path.join(STORE, image))  # outside the timed region, and before the next run
    return emit(rec, case=case, who=who, pair=pair, **extra)


def get_run(who, location, case, pair, **extra):
    cmd = java("get", "--store", STORE, "--location", location) if who == "A" else \
        java("get", "--store", STORE, "--location", location, "--buf", "1048576") if who == "A1M" else \
        glance("get", "--store", STORE, "--location", location)
    return emit(timed(cmd), case=case, who=who, pair=pair, **extra)


def ratios(recs, case, a="A", b="B"):
    """Time ratio a/b per pair (the throughput ratio b/a's inverse)."""
    by = {}
    for r in recs:
        if r["case"] == case:
            by.setdefault(r["pair"], {})[r["who"]] = r
    return {p: v[a]["wall_s"] / v[b]["wall_s"] for p, v in by.items() if a in v and b in v}


def pairs(case, n, run_pair, a="A", b="B"):
    recs = []
    for i in range(n):
        recs += run_pair(i, {})
    extra = 0
    while extra < 2:
        rs = ratios(recs, case, a, b)
        med = statistics.median(rs.values())
        bad = [p for p, r in rs.items() if abs(r / med - 1) > 0.25 and not str(p).startswith("rerun")]
        already = {r.get("rerun_of") for r in recs}
        bad = [p for p in bad if p not in already]
        if not bad:
            break
        p = bad[0]
        print("  pair %s of %s is an outlier (%s/%s %.3f vs median %.3f): re-running it" % (p, case, a, b, rs[p], med))
        recs += run_pair("rerun%d" % extra, {"rerun_of": p})
        extra += 1
    return recs


def whole_process(cli, srcs):
    """Whole-process pairs: CLI = the shipped `bin/stowage add FILE` / `bin/stowage get -o FILE` (its own JVM
    options and start-up cache), G = glance_store in one python3 per run (add; get writing to a file), alternated.
    wall_s is the whole process here (start-up included), which is what these targets are about."""
    conf = os.path.join(WORK, "cli.conf")
    with open(conf, "w") as f:
        f.write("[DEFAULT]\nenabled_backends = fast:file, slow:file\n\n[glance_store]\n"
                "default_backend = fast\n\n[fast]\nfilesystem_store_datadir = %s\n\n[slow]\n"
                "filesystem_store_datadir = %s/slow\n" % (STORE, STORE))
    subprocess.run([cli, "--config", conf, "stores"], capture_output=True)  # the start-up cache's training run
    n_pairs = {"64M": 5, "1G": 3, "4G": 1}
    out = os.path.join(WORK, "get-out")

    def rec_of(rec, size, **extra):
        rec.update(extra)
        rec.update(wall_s=rec["proc_wall_s"], cpu_s=rec["proc_cpu_s"], mib_s=size / 1048576.0 / rec["proc_wall_s"])
        return rec

    for s in SIZES:
        size = os.path.getsize(srcs[s])
        print("whole-process add %s pairs (CLI=bin/stowage add, G=glance_store)" % s, flush=True)

        def add_pair(i, extra, s=s, size=size):
            image = image_id()
            cli_rec = timed([cli, "--config", conf, "add", "--no-progress", "--store", "fast", "--image-id", image,
                             srcs[s]], json_out=False)
            rm(os.path.join(STORE, image))
            image = image_id()
            g_rec = timed(glance("add", "--store", STORE, "--src", srcs[s], "--size", str(size), "--id", image))
            rm(os.path.join(STORE, image))
            return [emit(rec_of(cli_rec, size, **extra), case="wp-add-" + s, who="CLI", pair=i),
                    emit(rec_of(g_rec, size, **extra), case="wp-add-" + s, who="G", pair=i)]
        pairs("wp-add-" + s, n_pairs[s], add_pair, "CLI", "G")
        image = image_id("wp-get-" + s)
        rm(os.path.join(STORE, image))
        loc = timed(java("add", "--store", STORE, "--src", srcs[s], "--size", str(size), "--id", image))["location"]
        print("whole-process get %s pairs (CLI=bin/stowage get -o FILE, G=glance_store get into a file)" % s, flush=True)

        def get_pair(i, extra, loc=loc, s=s, size=size):
            cli_rec = timed([cli, "--config", conf, "get", "--no-progress", "-o", out, loc], json_out=False)
            rm(out)
            g_rec = timed(glance("get", "--store", STORE, "--location", loc, "--out", out))
            rm(out)
            return [emit(rec_of(cli_rec, size, **extra), case="wp-get-" + s, who="CLI", pair=i),
                    emit(rec_of(g_rec, size, **extra), case="wp-get-" + s, who="G", pair=i)]
        pairs("wp-get-" + s, n_pairs[s], get_pair, "CLI", "G")
        rm(os.path.join(STORE, image))


def main():
    os.makedirs(STORE, exist_ok=True)
    srcs = {"64M": os.path.join(WORK, "src-64M"), "1G": os.path.join(WORK, "src-1G"), "4G": os.path.join(WORK, "src-4G")}
    # verification: one add each, checksums against md5sum/sha512sum of the source (untimed, informative)
    for s in SIZES:
        size = os.path.getsize(srcs[s])
        print("add %s pairs (A=stowage, B=glance_store, W=stowage after 2 warm-up adds)"
              % s, flush=True)
        run = lambda i, extra, s=s, size=size: [add_run(w, srcs[s], size, "add-" + s, i, **extra) for w in ("A", "B", "W")]
        pairs("add-" + s, PAIRS[s], run)
    for s in SIZES:
        size = os.path.getsize(srcs[s])
        image = image_id("get-" + s)
        rm(os.path.join(STORE, image))
        rec = timed(java("add", "--store", STORE, "--src", srcs[s], "--size", str(size), "--id", image))
        loc = rec["location"]
        subprocess.run(["cat", os.path.join(STORE, image)], stdout=subprocess.DEVNULL, check=True)
        print("get %s pairs (A=stowage 64 KiB reads, B=glance_store ChunkedFile 64 KiB, A1M=stowage 1 MiB reads)" % s,
              flush=True)
        n = max(PAIRS[s], 5) + (2 if s != "4G" else 0)
        run = lambda i, extra, loc=loc, s=s: [get_run(w, loc, "get-" + s, i, **extra) for w in ("A", "B", "A1M")]
        pairs("get-" + s, n, run)
        # checksums of the bytes each side reads (untimed)
        for who, cmd in (("A", java("get", "--store", STORE, "--location", loc, "--verify")),
                         ("B", glance("get", "--store", STORE, "--location", loc, "--verify"))):
            emit(timed(cmd), case="verify-get-" + s, who=who, pair=0)
        rm(os.path.join(STORE, image))
    cli = os.environ.get("BENCH_STOWAGE")
    if cli:
        whole_process(cli, srcs)
    print("peak RSS of the Bench add with default JVM options", flush=True)
    for s in SIZES:
        image = image_id("jdef-" + s)
        rec = timed(java("add", "--store", STORE, "--src", srcs[s], "--id", image, jopts=[]))
        rm(os.path.join(STORE, image))
        emit(rec, case="jvmdefault-add-" + s, who="A", pair=0)
    shm = os.environ.get("BENCH_SHM")
    if shm:
        print("small adds: rounds of 1000 x 4 KiB on tmpfs (first round = cold JIT / cold imports)", flush=True)
        for who, cmd in (("A", java("small", "--store", os.path.join(shm, "a"), "--count", "1000", "--rounds", "6")),
                         ("B", glance("small", "--store", os.path.join(shm, "b"), "--count", "1000", "--rounds", "6"))):
            emit(timed(cmd), case="small-4K", who=who, pair=0)


if __name__ == "__main__":
    main()
