#!/usr/bin/env python3
"""The `audit` section of docs/benchmarks.md from the JSON lines of audit.sh.

usage: audit_report.py AUDIT_JSONL    (markdown on stdout; env AUDIT_NOTE: a paragraph put under the heading)
"""
import json
import os
import statistics
import sys


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def rng(xs, fmt="{:.2f}"):
    return (fmt + " [" + fmt + "–" + fmt + "]").format(med(xs), min(xs), max(xs)) if xs else "–"


def load(path):
    lines = []
    for raw in open(path):
        raw = raw.strip()
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def header(rows, out):
    m = next((r for r in rows if r["step"] == "machine"), {})
    end = next((r for r in rows if r["step"] == "end"), {})
    out.append("## Integrity audit\n")
    out.append(f"Written by `benchmarks/harness/audit.sh` ({m.get('date', '?')} → {end.get('date', '?')}); "
               "`StoreAudit` in-process (`org.stowage.benchmarks.AuditBench`), on Glance schemas made by "
               "`glance-manage db_sync` (glance-common " + m.get("sqlite_glance_manage", "?") + "), rows written by "
               "plain JDBC in Glance's formats (`/work/shared/reference/glance-db.md`). Reproduce: "
               "`sudo benchmarks/harness/audit.sh` (as root: PostgreSQL runs as `postgres`; Cinder from "
               "`/work/shared/openstack/start-cinder.sh`).\n")
    out.append(f"**Machine.** {m.get('nproc', '?')} vCPU {m.get('cpu', '?')}; {m.get('java', '?')}; stores and "
               f"SQLite on {m.get('fs', '?')}; PostgreSQL {m.get('pg') or 'not run'} on loopback (`fsync = on`). "
               f"Load average (1, 5, 15 min) at start `{m.get('load', '?')}`, at end `{end.get('load', '?')}`.\n")
    note = os.environ.get("AUDIT_NOTE")
    if note:
        out.append(note + "\n")


def meta(rows, out):
    engines = [e for e in ("sqlite", "postgresql") if any(r["step"] == "meta" and r.get("engine") == e for r in rows)]
    if not engines:
        return
    seed = next(r for r in rows if r["step"] == "seed")
    out.append(f"### Metadata audit of {seed['images']:,} images (file store)\n")
    out.append(f"{seed['images']:,} images of 1–4 KiB ({seed['bytes'] / 1048576:.1f} MiB) added with `Stowage.add` "
               f"to the file store `a` and recorded as Glance records them (active, size, md5, sha512, one location "
               f"row); then the data of {seed['missing']} removed (*missing*) and {seed['orphans']} images added "
               "that no row names (*orphans*; grace period 0, so each is checked against the database). "
               "Audit options: store `a`, inventory pages of 1000, database batches of 500. *In one JVM*: "
               "consecutive audits (run 1 includes the JIT warm-up), each opening its own connection; *fresh "
               "JVM*: one audit per process with `bin/stowage`'s JVM options, process time = `java` start to "
               "exit. Beside each run, the store's listing alone and the database pass alone.\n")
    out.append("| database | audit in one JVM, s (runs) | median s | images/s | DB round trips | listing calls "
               "(pages) | remote calls | findings | listing alone, s | DB pass alone, s | fresh JVM: audit s | "
               "fresh JVM: process s |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for e in engines:
        runs = [r for r in rows if r["step"] == "meta" and r.get("engine") == e]
        lists = [r for r in rows if r["step"] == "listing" and r.get("engine") == e]
        passes = [r for r in rows if r["step"] == "db-pass" and r.get("engine") == e]
        once = [r for r in rows if r["step"] == "once" and r.get("engine") == e]
        secs = [r["seconds"] for r in runs]
        findings = ", ".join(f"{k} {v}" for k, v in runs[-1]["findings"].items()) or "none"
        out.append(f"| {e} | {', '.join(f'{s:.2f}' for s in secs)} | **{med(secs):.2f}** | "
                   f"{med([r['images_per_s'] for r in runs]):,.0f} | {runs[-1]['db_round_trips']} | "
                   f"{lists[-1]['pages']} | {runs[-1]['remote_calls']} | {findings} | "
                   f"{rng([r['seconds'] for r in lists], '{:.3f}')} | {rng([r['seconds'] for r in passes], '{:.3f}')} | "
                   f"{rng([r['seconds'] for r in once])} | **{rng([r['process_seconds'] for r in once])}** |")
    out.append("")
    lists = [r for r in rows if r["step"] == "list"]
    if lists:
        out.append("The file store's listing alone (what the audit's inventory pass costs), by page size, "
                   "3 runs each (the file driver lists and sorts the whole directory again for every page):\n")
        out.append("| page size | pages | median s | s per page |")
        out.append("|---|---|---|---|")
        for page in sorted({r["page"] for r in lists}):
            rs = [r for r in lists if r["page"] == page]
            m = med([r["seconds"] for r in rs])
            out.append(f"| {page} | {rs[0]['pages']} | {m:.3f} | {m / rs[0]['pages']:.4f} |")
        out.append("")
    reads = [r for r in rows if r["step"] == "glance-read"]
    if reads:
        out.append("Row formats checked: Glance's own DB API (`glance.db.sqlalchemy.api.image_get`, Debian's "
                   "glance-common) read seeded images back as active with their one location in store `a`: "
                   + ", ".join(f"{r['engine']} {r['ok']} of {r['read']}" for r in reads) + ".\n")
    worst = max(max(r["seconds"] for r in rows if r["step"] == "meta"),
                max([r["process_seconds"] for r in rows if r["step"] == "once"] or [0]))
    out.append(f"**Target: metadata audit of {seed['images']:,} images in ≤ 10 s — "
               f"{'met' if worst <= 10 else 'NOT met'}** (slowest run of any kind, whole process included: "
               f"{worst:.2f} s).\n")


def cinder(rows, out):
    runs = [r for r in rows if r["step"] == "cinder"]
    skipped = next((r for r in rows if r["step"] == "cinder-skipped"), None)
    if skipped:
        out.append(f"### Cinder store\n\nNot run: {skipped['why']}.\n")
    if not runs:
        return
    seed = next(r for r in rows if r["step"] == "cinder-seed")
    clean = next((r for r in rows if r["step"] == "cinder-cleanup"), {})
    gone = next((r for r in rows if r["step"] == "cinder-gone"), {})
    out.append("### Metadata audit of a cinder store: remote calls per page of volumes\n")
    out.append(f"{seed['images']} image-volumes of 4 KiB added with `Stowage.add` to the cinder store `c` (type "
               f"glance-fast, local Cinder; {seed['seconds_per_add']:.2f} s per add) and recorded in the SQLite "
               "Glance database; the audit (store `c`) run at two inventory page sizes. *Remote calls* = the "
               "store's own count of HTTP calls to Keystone and Cinder during the audit. The listing pages over "
               "every volume of the project (other tests' volumes too), so the expected count is "
               "⌊project volumes / page⌋ + 1 (the last page is short). "
               f"Afterwards all {clean.get('deleted', '?')} volumes were deleted ({clean.get('failed', '?')} "
               f"failed; {gone.get('volumes_left', '?')} still listed by Cinder at the end).\n")
    out.append("| page size | images | project volumes | remote calls (runs) | of them Keystone | expected pages | "
               "DB round trips | audit s (runs) |")
    out.append("|---|---|---|---|---|---|---|---|")
    ok = True
    for page in sorted({r["page"] for r in runs}):
        rs = [r for r in runs if r["page"] == page]
        ok &= all(r["remote_calls"] == r["pages_of_project"] + r["keystone_calls"] for r in rs)
        vols = sorted({r["project_volumes_before"] for r in rs} | {r["project_volumes_after"] for r in rs})
        out.append(f"| {page} | {rs[0]['images']} | {', '.join(map(str, vols))} | "
                   f"{', '.join(str(r['remote_calls']) for r in rs)} | {', '.join(str(r['keystone_calls']) for r in rs)} | "
                   f"{', '.join(str(r['pages_of_project']) for r in rs)} | {rs[0]['db_round_trips']} | "
                   f"{', '.join('%.2f' % r['seconds'] for r in rs)} |")
    out.append("")
    out.append(f"**Target: Cinder calls proportional to pages of volumes, not images — "
               f"{'met' if ok else 'NOT met'}**: every run made exactly one call per page of the project's volumes "
               f"(plus Keystone's, if any){'' if ok else ' — not so in some runs, see the table'}; no call per "
               "image (no volume show, no attachment).\n")


def deep(rows, out):
    rs = [r for r in rows if r["step"] == "deep"]
    if not rs:
        return
    seed = next(r for r in rows if r["step"] == "deep-seed")
    rounds = sorted({r["round"] for r in rs if r["round"] > 0})
    by = {(r["round"], r["what"]): r for r in rs}
    out.append("### `--deep` against `stowage add` of the same bytes and the 2-core hashing limit\n")
    out.append(f"{seed['images']} images × {seed['bytes'] // seed['images'] >> 20} MiB "
               f"({seed['bytes'] >> 20} MiB) in the file store `a` on disk, one JVM. Per round, in an order reversed "
               "from round to round: **add** = `Stowage.add` of each stored file (read from the page cache, as "
               "`stowage add FILE`) into the file store `b` on the same disk (the copies deleted afterwards, "
               "untimed); **deep 1 / deep 2** = `StoreAudit` with `deep(true)`, 1 / 2 workers (the default is 2), "
               "rate = bytes re-hashed / audit time; **limit** = MD5 and SHA-512 of the same number of bytes "
               "in memory on two threads at once (1 MiB updates), the most two cores can hash. `sync` between "
               f"measurements, untimed. Round 0 (warm-up) not counted. MiB/s, process CPU s in brackets; the load average "
               "counts the benchmark's own threads (2–4 busy during each measurement).\n")
    out.append("| round | add | deep 1 | deep 2 | limit | deep 1 / add | deep 2 / add | deep 2 / limit | add / limit | load1 (min–max) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    ratios = {"d1": [], "d2": [], "d2l": [], "al": [], "d1l": []}
    for n in rounds:
        a, d1, d2, lim = (by[(n, w)] for w in ("add", "deep1", "deep2", "limit"))
        loads = [float(x["load1"]) for x in (a, d1, d2, lim)]
        r = {"d1": d1["mib_per_s"] / a["mib_per_s"], "d2": d2["mib_per_s"] / a["mib_per_s"],
             "d2l": d2["mib_per_s"] / lim["mib_per_s"], "al": a["mib_per_s"] / lim["mib_per_s"],
             "d1l": d1["mib_per_s"] / lim["mib_per_s"]}
        for k, v in r.items():
            ratios[k].append(v)
        out.append(f"| {n} | {a['mib_per_s']:.0f} ({a['cpu_seconds']:.1f}) | {d1['mib_per_s']:.0f} "
                   f"({d1['cpu_seconds']:.1f}) | {d2['mib_per_s']:.0f} ({d2['cpu_seconds']:.1f}) | "
                   f"{lim['mib_per_s']:.0f} ({lim['cpu_seconds']:.1f}) | {r['d1']:.2f} | {r['d2']:.2f} | "
                   f"{r['d2l']:.2f} | {r['al']:.2f} | {min(loads)}–{max(loads)} |")
    col = lambda w: [by[(n, w)]["mib_per_s"] for n in rounds]
    out.append(f"| **median** | {med(col('add')):.0f} | {med(col('deep1')):.0f} | {med(col('deep2')):.0f} | "
               f"{med(col('limit')):.0f} | **{med(ratios['d1']):.2f}** | **{med(ratios['d2']):.2f}** | "
               f"{med(ratios['d2l']):.2f} | {med(ratios['al']):.2f} | |")
    out.append("")
    d2, d1 = med(ratios["d2"]), med(ratios["d1"])
    out.append(f"**Target: `--deep` ≥ 0.9× the rate of `stowage add` of the same bytes — "
               f"{'met' if d2 >= 0.9 else 'NOT met'} with the default 2 workers ({d2:.2f}, per-round range "
               f"{min(ratios['d2']):.2f}–{max(ratios['d2']):.2f}), {'met' if d1 >= 0.9 else 'not met'} with 1 worker "
               f"({d1:.2f}).** Against the 2-core hashing limit measured in the same rounds: deep (2 workers) "
               f"{med(ratios['d2l']):.2f}×, deep (1 worker) {med(ratios['d1l']):.2f}×, add {med(ratios['al']):.2f}×.\n")


def order(rows, out):
    rs = [r for r in rows if r["step"] == "order-deep"]
    if not rs:
        return
    rounds = sorted({r["round"] for r in rs if r["round"] > 0})
    out.append("**Order check (same run, same JVM setup, a second JVM):** every round runs deep 2, add, add, deep 2 "
               "(round 0 a warm-up), so each round has an add right after a deep audit and one right after an add. "
               "MiB/s (process CPU s):\n")
    out.append("| round | deep 2 (first) | add after deep | add after add | deep 2 (last) |")
    out.append("|---|---|---|---|---|")
    cols = {"d": [], "ad": [], "aa": [], "d2": []}
    for n in rounds:
        m = [r for r in rs if r["round"] == n]
        if len(m) != 4:
            continue
        for k, r in zip(cols, m):
            cols[k].append(r)
        out.append("| " + str(n) + " | " + " | ".join(f"{r['mib_per_s']:.0f} ({r['cpu_seconds']:.1f})" for r in m) + " |")
    if cols["d"]:
        cell = lambda k: f"{med([r['mib_per_s'] for r in cols[k]]):.0f} ({med([r['cpu_seconds'] for r in cols[k]]):.1f})"
        out.append(f"| **median** | {cell('d')} | {cell('ad')} | {cell('aa')} | {cell('d2')} |")
        deep = med([r["mib_per_s"] for r in cols["d"] + cols["d2"]])
        out.append("")
        out.append(f"Deep 2 (median of both positions, {deep:.0f} MiB/s) / the add after an add (its better position, "
                   f"{med([r['mib_per_s'] for r in cols['aa']]):.0f}): "
                   f"**{deep / med([r['mib_per_s'] for r in cols['aa']]):.2f}**; / the add after a deep audit: "
                   f"{deep / med([r['mib_per_s'] for r in cols['ad']]):.2f}.\n")


def main():
    rows = load(sys.argv[1])
    out = []
    header(rows, out)
    meta(rows, out)
    cinder(rows, out)
    deep(rows, out)
    order(rows, out)
    print("\n".join(out).rstrip())


main()
