#!/usr/bin/env python3
"""Summarises a JFR recording of `Bench small`: where the time of an add goes.

usage: jfr_top.py RECORDING.jfr [--us-per-add X] [--root METHOD] [--top N] [--periods J,N]

Reads jdk.ExecutionSample and jdk.NativeMethodSample (a thread in a system call shows as a native
sample) of the threads, keeps the samples whose stack holds ROOT (default
org.stowage.core.Stowage.add: the add itself, not the benchmark's deletes or raw writes), and prints
  - the top frames (the method on top of the stack; native samples name the system call),
  - the inclusive share of the main org.stowage methods,
  - the share of samples on other threads while adds run (hand-offs to hashing, call or timer threads),
  - the allocation samples (jdk.ObjectAllocationSample weight) by class and by allocating stowage frame,
with % of the kept time and, given --us-per-add, microseconds per add (share x time per add).
JFR samples one thread in Java code every J ms and one thread in native code every N ms
(settings=profile: 10 and 20, the default of --periods), so a native sample stands for N/J times
the time of a Java sample: the shares weigh each sample by its period (the sample counts are raw).
"""
import collections
import json
import subprocess
import sys

JFR = "/usr/lib/jvm/java-17-openjdk-amd64/bin/jfr"


def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames") or []:
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out


def load(path, events):
    raw = subprocess.run([JFR, "print", "--json", "--stack-depth", "200", "--events", events, path], check=True, capture_output=True).stdout
    return json.loads(raw)["recording"]["events"]


def thread_of(ev):
    t = ev["values"].get("sampledThread") or ev["values"].get("eventThread") or {}
    return t.get("javaName") or t.get("osName") or "?"


def main(argv):
    path = argv[0]
    us = None
    root = "org.stowage.core.Stowage.add"
    top = 25
    wj, wn = 10.0, 20.0
    for i, a in enumerate(argv):
        if a == "--us-per-add":
            us = float(argv[i + 1])
        elif a == "--root":
            root = argv[i + 1]
        elif a == "--top":
            top = int(argv[i + 1])
        elif a == "--periods":
            wj, wn = (float(x) for x in argv[i + 1].split(","))
    samples = load(path, "jdk.ExecutionSample,jdk.NativeMethodSample")
    kept, other_threads, total = [], collections.Counter(), 0
    main_thread = None
    for ev in samples:
        fr = frames(ev)
        total += 1
        if root in fr:
            kept.append((ev["type"], fr))
            main_thread = thread_of(ev)
    for ev in samples:
        th = thread_of(ev)
        if th != main_thread and not th.startswith("JFR"):
            other_threads[th.rstrip("0123456789-")] += 1
    self_c, incl_c, self_n, incl_n = (collections.Counter() for _ in range(4))
    n = 0.0
    for typ, fr in kept:
        native = typ == "jdk.NativeMethodSample"
        w = wn if native else wj
        n += w
        top_frame = fr[0] + ("  [native]" if native else "")
        self_c[top_frame] += w
        self_n[top_frame] += 1
        seen = set()
        for f in fr:
            if f.startswith("org.stowage.") and f not in seen:
                seen.add(f)
                incl_c[f] += w
                incl_n[f] += 1
    n = n or 1.0

    def row(name, c, counts):
        pct = 100.0 * c / n
        return "| `%s` | %d | %.1f%% | %s |" % (name, counts[name], pct, "%.1f" % (us * c / n) if us else "")

    print("samples in %s: %d, of them in %s: %d (java %d, native %d)" % (
        path, total, root, len(kept), sum(1 for t, _ in kept if t == "jdk.ExecutionSample"),
        sum(1 for t, _ in kept if t != "jdk.ExecutionSample")))
    print()
    print("Top frames (top of stack) of the add samples:\n")
    print("| frame | samples | % of time | µs per add |\n|---|---|---|---|")
    for name, c in self_c.most_common(top):
        print(row(name, c, self_n))
    print()
    print("Inclusive, org.stowage methods:\n")
    print("| method | samples | % of time | µs per add |\n|---|---|---|---|")
    for name, c in incl_c.most_common(top):
        print(row(name, c, incl_n))
    print()
    print("Samples on other threads (not the adding one), by thread pool: %s" % (
        ", ".join("%s %d" % kv for kv in other_threads.most_common(8)) or "none"))
    alloc(path, top, root)


def alloc(path, top, root):
    evs = load(path, "jdk.ObjectAllocationSample")
    by_class, by_frame, tot = collections.Counter(), collections.Counter(), 0
    for ev in evs:
        fr = frames(ev)
        if root not in fr:
            continue
        w = ev["values"].get("weight", 0)
        tot += w
        cls = (ev["values"].get("objectClass") or {}).get("name", "?").replace("/", ".")
        by_class[cls] += w
        first = next((f for f in fr if f.startswith("org.stowage.")), fr[0] if fr else "?")
        by_frame[first] += w
    print()
    print("Allocation samples within %s: %.1f MiB sampled weight\n" % (root, tot / 1048576))
    print("| class | share |\n|---|---|")
    for k, w in by_class.most_common(12):
        print("| `%s` | %.1f%% |" % (k, 100.0 * w / (tot or 1)))
    print()
    print("| first org.stowage frame | share |\n|---|---|")
    for k, w in by_frame.most_common(12):
        print("| `%s` | %.1f%% |" % (k, 100.0 * w / (tot or 1)))


if __name__ == "__main__":
    main(sys.argv[1:])
