#!/usr/bin/env python3
"""Medians and ranges per label of add_ab.sh's runs (a JSON line each): MiB/s, wall s, CPU s, and
the 1-minute load average before each run; then the ratio of the medians (second label / first)
and a permutation test of the difference of the MiB/s medians (how often a random relabelling of
the same runs gives a difference as large): a small p says the difference is not noise.

usage: add_ab_report.py RUNS.jsonl [RUNS.jsonl ...]
"""
import json
import random
import statistics
import sys


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs += [json.loads(line) for line in f if line.strip()]
    return runs


def perm_p(a, b, n=20000, seed=1):
    """Two-sided p of |median(b) - median(a)| under random relabelling."""
    observed = abs(statistics.median(b) - statistics.median(a))
    pooled = a + b
    rnd = random.Random(seed)
    hits = 0
    for _ in range(n):
        rnd.shuffle(pooled)
        if abs(statistics.median(pooled[len(a):]) - statistics.median(pooled[:len(a)])) >= observed:
            hits += 1
    return hits / n


def main():
    runs = load(sys.argv[1:])
    labels = list(dict.fromkeys(r["label"] for r in runs))
    for lab in labels:
        rs = [r for r in runs if r["label"] == lab]
        row = [lab, "n=%d" % len(rs)]
        for key, fmt in (("mib_s", "%.0f"), ("wall_s", "%.2f"), ("cpu_s", "%.2f"), ("load1", "%.2f")):
            v = [r[key] for r in rs]
            row.append("%s %s [%s-%s]" % (key, fmt % statistics.median(v), fmt % min(v), fmt % max(v)))
        print("  ".join(row))
    if len(labels) == 2:
        a = [r["mib_s"] for r in runs if r["label"] == labels[0]]
        b = [r["mib_s"] for r in runs if r["label"] == labels[1]]
        ca = [r["cpu_s"] for r in runs if r["label"] == labels[0]]
        cb = [r["cpu_s"] for r in runs if r["label"] == labels[1]]
        print("%s/%s median MiB/s ratio %.3f (permutation p=%.3f); CPU s ratio %.3f (p=%.3f)" % (
            labels[1], labels[0], statistics.median(b) / statistics.median(a), perm_p(a, b),
            statistics.median(cb) / statistics.median(ca), perm_p(ca, cb)))


if __name__ == "__main__":
    main()
