#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables from the benchmarks' Google Benchmark JSON (scripts/bench).

Usage: bench_report.py BENCH.json [LIST.json]

LIST.json is `sgtorture list --json` (scripts/bench writes it beside the
benchmarks): which strategies take a lock on the fast path, and which is the
reference, come from the registry; without it, from bench.json's folder.

Every figure is the median of the repetitions with their min..max, so noise
shows.  Google Benchmark's real time for a threaded run is the wall time
over all threads' calls: at N threads it is the throughput's inverse (a
lock-free path on 2 cores halves it from 1 to 2 threads, then stays).  Each
fast-path figure is also given as a ratio to the floor (an RCU read section
around an acquire load) at the same thread count, and the locked strategies
as a ratio to the reference (the first lock-free port with a plain mutex:
v19, the version under review).  The review's targets are checked at the end.
"""
import json
import statistics
import sys
from collections import defaultdict

import os

THREADS = [1, 2, 4, 8]
TARGETS = {1: 1.5, 2: 2.0}   # lock-free fast path vs floor, at 1 and 2 threads


def lock_choices(registry):
    """(locked fast paths, lock-free ones, the reference, the ports the targets are for)."""
    strategies = registry["strategies"]
    locked = [s["name"] for s in strategies if not s["lockfree_fast_path"]]
    free = [s["name"] for s in strategies if s["lockfree_fast_path"]]
    ref = next(s["name"] for s in strategies
               if s["lockfree_fast_path"] and s["lock_choice"] == "mutex")
    targeted = [s["name"] for s in strategies if s["lockfree_fast_path"] and s["inherent"]]
    return locked, free, ref, targeted


def load(path):
    with open(path) as f:
        doc = json.load(f)
    runs = defaultdict(list)    # run_name -> [real_time ns per repetition]
    extra = defaultdict(list)   # run_name -> [the run's counters]
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
    for b in doc["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        runs[b["run_name"]].append(b["real_time"] * scale[b["time_unit"]])
        extra[b["run_name"]].append(b)
    return doc["context"], runs, extra


def med(xs):
    return statistics.median(xs)


def fmt(xs):
    if not xs:
        return "-"
    return f"{med(xs):.2f} ({min(xs):.2f}..{max(xs):.2f})"


def fmt_us(xs):
    if not xs:
        return "-"
    return f"{med(xs) / 1e3:.1f} ({min(xs) / 1e3:.1f}..{max(xs) / 1e3:.1f})"


def main(path):
    ctx, runs, extra = load(path)
    strategies = sorted({n.split("/")[1] for n in runs if n.startswith("fastpath/")},
                        key=lambda s: (LOCKED + LOCK_FREE).index(s)
                        if s in LOCKED + LOCK_FREE else 99)
    reps = max((len(v) for v in runs.values()), default=0)
    print(f"Google Benchmark {ctx.get('google_benchmark_version', '?')}, "
          f"{ctx.get('num_cpus', '?')} CPUs, {reps} repetitions; ns per call: median (min..max)\n")

    floor = {t: runs.get(f"floor/real_time/threads:{t}", []) for t in THREADS}
    print("Fast path, `sg_table` on a populated object (real time per call over all threads)\n")
    print("| benchmark | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}" for t in THREADS) + " |")
    print("|---|" + "---|" * len(THREADS))
    print("| floor | " + " | ".join(fmt(floor[t]) for t in THREADS) + " |")
    ratio = {}
    for s in strategies:
        for shape in ["shared", "per_thread"]:
            cells = []
            for t in THREADS:
                xs = runs.get(f"fastpath/{s}/{shape}/real_time/threads:{t}", [])
                if xs and floor[t]:
                    ratio[(s, shape, t)] = med(xs) / med(floor[t])
                    cells.append(f"{fmt(xs)}, {ratio[(s, shape, t)]:.2f}x floor")
                else:
                    cells.append("-")
            print(f"| {s} {shape} | " + " | ".join(cells) + " |")

    print(f"\nLocked fast paths against {REF}'s (median over median)\n")
    print("| strategy | " + " | ".join(f"{t} thr shared | {t} thr per-thread" for t in THREADS) + " |")
    print("|---|" + "---|" * (2 * len(THREADS)))
    for s in LOCKED:
        cells = []
        for t in THREADS:
            for shape in ["shared", "per_thread"]:
                a = runs.get(f"fastpath/{s}/{shape}/real_time/threads:{t}")
                b = runs.get(f"fastpath/{REF}/{shape}/real_time/threads:{t}")
                cells.append(f"{med(a) / med(b):.1f}x" if a and b else "-")
        if any(c != "-" for c in cells):
            print(f"| {s} | " + " | ".join(cells) + " |")

    print("\nSlow path, churn, revocation (us; churn's reader calls per second: median)\n")
    print("| strategy | slow path | churn | churn reader calls/s | unbind, 16 objects | "
          "unbind, 256 objects | violations seen |")
    print("|---|---|---|---|---|---|---|")
    for s in strategies:
        churn = f"churn/{s}/real_time"
        calls = [b.get("reader_calls", 0) for b in extra.get(churn, [])]
        viol = sum(b.get("violations", 0) for n, bs in extra.items() if f"/{s}/" in n + "/"
                   for b in bs)
        print(f"| {s} | {fmt_us(runs.get(f'slowpath/{s}', []))} | {fmt_us(runs.get(churn, []))} | "
              f"{med(calls) / 1e6:.1f} M | " if calls else f"| {s} | - | - | - | ", end="")
        print(f"{fmt_us(runs.get(f'revocation/{s}/16/real_time', []))} | "
              f"{fmt_us(runs.get(f'revocation/{s}/256/real_time', []))} | {viol:.0f} |")

    print(f"\nTargets: lock-free fast paths ({', '.join(TARGETED)}) within 1.5x of the floor "
          "at 1 thread and 2x at 2 threads")
    ok = True
    for s in TARGETED:
        for t, limit in TARGETS.items():
            for shape in ["shared", "per_thread"]:
                r = ratio.get((s, shape, t))
                if r is None:
                    continue
                good = r <= limit
                ok &= good
                print(f"  {s} {shape} {t} thread{'s' if t > 1 else ''}: {r:.2f}x "
                      f"(target <= {limit}x): {'met' if good else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print("usage: bench_report.py BENCH.json [LIST.json]", file=sys.stderr)
        sys.exit(2)
    reg_path = sys.argv[2] if len(sys.argv) == 3 else \
        os.path.join(os.path.dirname(sys.argv[1]), "list.json")
    with open(reg_path) as f:
        LOCKED, LOCK_FREE, REF, TARGETED = lock_choices(json.load(f))
    sys.exit(main(sys.argv[1]))
