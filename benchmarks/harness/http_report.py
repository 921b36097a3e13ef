#!/usr/bin/env python3
"""Summarises benchmarks/harness/http.sh's raw lines into the markdown section `http` of docs/benchmarks.md.

usage: http_report.py RAW_LINES_FILE META_FILE OUT_MARKDOWN
RAW lines: "<tag> <name> bytes=.. seconds=.. mibps=.. cpu=.. [sha256=..]" where tag is pairN, alt, hash.
"""
import statistics
import sys


def parse(line):
    parts = line.split()
    tag, name = parts[0], parts[1]
    kv = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    return tag, name, kv


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    raw, meta, out = sys.argv[1:4]
    rows = [parse(l) for l in open(raw) if l.strip()]
    m = dict(l.rstrip("\n").split("=", 1) for l in open(meta) if "=" in l)
    pairs = {}
    for tag, name, kv in rows:
        if tag.startswith("pair"):
            pairs.setdefault(tag, {})[name] = float(kv["mibps"])
    ratios, ratios_raw, ratios_ch = [], [], []
    A, B, R, C, Z = [], [], [], [], []
    for tag in sorted(pairs, key=lambda t: int(t[4:])):
        p = pairs[tag]
        a, b = p.get("java-driver"), p.get("glance_store")
        if a and b:
            ratios.append(a / b)
            A.append(a)
            B.append(b)
        if a and p.get("rawsocket"):
            ratios_raw.append(a / p["rawsocket"])
            R.append(p["rawsocket"])
        if p.get("curl"):
            C.append(p["curl"])
        if p.get("java-driver-channel") and b:
            Z.append(p["java-driver-channel"])
            ratios_ch.append(p["java-driver-channel"] / b)
    alts = {}
    for tag, name, kv in rows:
        if tag == "alt":
            alts.setdefault(name, []).append(float(kv["mibps"]))
    hashes = {name: kv.get("sha256") for tag, name, kv in rows if tag == "hash"}
    target = med(ratios)
    met = target >= 1.0
    L = []
    L.append("## http: full read of %s MiB from loopback nginx" % m.get("size_mib", "?"))
    L.append("")
    L.append("Written by `benchmarks/harness/http.sh` (%s). In-process read time only: A = `java-driver` "
             "(`HttpStoreDriver.get` through the factory, read into a 4 MiB array), B = `glance_store` "
             "(`multi_backend.get(url, 'web')` with `enabled_backends = web:http`, iterating the chunks), "
             "alternated A B / B A in %d pairs. In the same pairs: `java-driver-channel` (the driver's "
             "zero-copy `BodyStream.transferTo(WritableByteChannel)`, no copy into a byte array) and the "
             "yardsticks, a raw Python socket (`recv_into` 4 MiB) and `curl -o /dev/null`." % (
                 m.get("date", "?"), len(ratios)))
    L.append("")
    L.append("* Machine: %s, nproc %s, load average before %s, after %s." % (
        m.get("cpu", "?"), m.get("nproc", "?"), m.get("load_before", "?"), m.get("load_after", "?")))
    L.append("* %s; %s; %s; glance_store %s; file %s MiB random, page cache warm; nginx 1 worker, `sendfile on`." % (
        m.get("java", "?"), m.get("python", "?"), m.get("nginx", "?"), m.get("glance_store", "?"),
        m.get("size_mib", "?")))
    try:
        load1 = float(m.get("load_before", "0").split()[0])
        cores = int(m.get("nproc", "0"))
    except ValueError:
        load1, cores = 0.0, 0
    if cores and load1 > cores:
        L.append("* **Busy machine:** the 1-minute load average (%.2f) exceeded the %d cores: other work shared "
                 "them, so single figures swing widely and only the per-pair ratios are comparable." % (load1, cores))
    L.append("")
    L.append("| pair | java-driver MiB/s | glance_store MiB/s | A/B | java-driver-channel MiB/s | raw socket MiB/s | curl MiB/s |")
    L.append("|---|---|---|---|---|---|---|")
    for tag in sorted(pairs, key=lambda t: int(t[4:])):
        p = pairs[tag]
        a, b = p.get("java-driver"), p.get("glance_store")
        L.append("| %s | %.0f | %.0f | %.3f | %s | %s | %s |" % (
            tag[4:], a or 0, b or 0, (a / b) if a and b else float("nan"),
            "%.0f" % p["java-driver-channel"] if p.get("java-driver-channel") else "-",
            "%.0f" % p["rawsocket"] if p.get("rawsocket") else "-", "%.0f" % p["curl"] if p.get("curl") else "-"))
    L.append("")
    L.append("| figure | median | min | max |")
    L.append("|---|---|---|---|")
    L.append("| java-driver MiB/s | %.0f | %.0f | %.0f |" % (med(A), min(A), max(A)))
    L.append("| glance_store MiB/s | %.0f | %.0f | %.0f |" % (med(B), min(B), max(B)))
    if Z:
        L.append("| java-driver-channel MiB/s | %.0f | %.0f | %.0f |" % (med(Z), min(Z), max(Z)))
    if R:
        L.append("| raw socket MiB/s | %.0f | %.0f | %.0f |" % (med(R), min(R), max(R)))
    if C:
        L.append("| curl MiB/s | %.0f | %.0f | %.0f |" % (med(C), min(C), max(C)))
    L.append("| **per-pair ratio java-driver / glance_store** | **%.3f** | %.3f | %.3f |" % (
        target, min(ratios), max(ratios)))
    if ratios_ch:
        L.append("| per-pair ratio java-driver-channel / glance_store | %.3f | %.3f | %.3f |" % (
            med(ratios_ch), min(ratios_ch), max(ratios_ch)))
    if ratios_raw:
        L.append("| per-pair ratio java-driver / raw socket | %.3f | %.3f | %.3f |" % (
            med(ratios_raw), min(ratios_raw), max(ratios_raw)))
    L.append("")
    L.append("**Target: median per-pair ratio java-driver (InputStream reads) / glance_store ≥ 1.0× — "
             "%s (%.3f).**%s" % ("met" if met else "NOT met", target,
                                 (" Zero-copy channel path: %.3f×." % med(ratios_ch)) if ratios_ch else ""))
    L.append("")
    if hashes:
        ok = len(set(hashes.values())) == 1
        L.append("Identical bytes: sha256 of the file and of a full read by each client (untimed) — %s (`%s`)." % (
            "all equal" if ok else "MISMATCH: " + ", ".join("%s=%s" % kv for kv in hashes.items()),
            next(iter(hashes.values()))[:16] + "…"))
        L.append("")
    if alts:
        L.append("Alternatives measured in the same run (in-process, %s runs each, not paired):" %
                 max(len(v) for v in alts.values()))
        L.append("")
        L.append("| reader | median MiB/s | min | max | vs glance_store median |")
        L.append("|---|---|---|---|---|")
        for name, xs in alts.items():
            L.append("| %s | %.0f | %.0f | %.0f | %.2f× |" % (name, med(xs), min(xs), max(xs), med(xs) / med(B)))
        L.append("")
    open(out, "w").write("\n".join(L) + "\n")
    print("\n".join(L))
    return 0


if __name__ == "__main__":
    sys.exit(main())
