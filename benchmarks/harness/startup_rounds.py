#!/usr/bin/python3
"""Times whole-process commands in interleaved rounds: each round runs every command once, in an order
rotated from round to round, so a load that drifts during the run (a shared machine) weighs on every
command alike. Wall time and the child's CPU time (user + sys, from wait4) of every run; per-round
ratios to the first command. Writes hyperfine's JSON layout (results: command, mean, stddev, median,
min, max, user, system, times) plus cpu_times and, per command, ratios to the first.

usage: startup_rounds.py OUT.json ROUNDS WARMUPS NAME|COMMAND... [--prepare NAME|SHELL_COMMAND]...
A command is split on blanks; a prepare command runs (untimed, through sh) before each run of NAME;
--prepare may be repeated, and may be followed by several NAME|SHELL_COMMAND.
"""
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(argv):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("exit %d: %s" % (p.returncode, " ".join(argv)))
    return wall, ru.ru_utime, ru.ru_stime


def main():
    out, rounds, warmups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    args = sys.argv[4:]
    cut = args.index("--prepare") if "--prepare" in args else len(args)
    cmds = [a.split("|", 1) for a in args[:cut]]
    prepare = dict(a.split("|", 1) for a in args[cut + 1:] if a != "--prepare")
    names = [n for n, _ in cmds]
    runs = {n: [] for n in names}
    for r in range(-warmups, rounds):
        k = r % len(cmds)
        for name, cmd in cmds[k:] + cmds[:k]:
            if name in prepare:
                subprocess.run(prepare[name], shell=True, check=True)
            m = run(shlex.split(cmd))
            if r >= 0:
                runs[name].append(m)
        print("round %d of %d done" % (r + 1, rounds), flush=True)
    results = []
    first = runs[names[0]]
    for name in names:
        walls = [w for w, _, _ in runs[name]]
        cpus = [u + s for _, u, s in runs[name]]
        results.append({
            "command": name, "times": walls, "cpu_times": cpus,
            "mean": statistics.mean(walls), "stddev": statistics.stdev(walls) if len(walls) > 1 else 0.0,
            "median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "user": statistics.mean(u for _, u, _ in runs[name]), "system": statistics.mean(s for _, _, s in runs[name]),
            "wall_ratios": [w / f[0] for w, f in zip(walls, first)],
            "cpu_ratios": [c / (f[1] + f[2]) for c, f in zip(cpus, first)],
        })
    json.dump({"rounds": rounds, "warmups": warmups, "results": results}, open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
