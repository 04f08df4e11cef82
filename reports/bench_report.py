#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tables from the benchmarks' Google Benchmark JSON (scripts/bench).

Usage: bench_report.py BENCH.json [LIST.json]

LIST.json is `sgtorture list --json` (scripts/bench writes it beside the
benchmarks): the lock choice of each strategy, which take a lock on the fast
path, and the reference (the port whose registry entry says bench_reference:
the version under review) come from the registry; without it, from the
list.json in BENCH.json's folder.  An instructions.json there (scripts/bench
--instructions) adds the instruction counts beside the times.

Every time is the median of the repetitions with their min..max, so noise
shows.  Google Benchmark's real time for a threaded run is the wall time
over all threads' calls: at N threads it is the throughput's inverse.  A
ratio between two benchmarks is the median of the per-repetition ratios
(repetition i of one over repetition i of the other) with their min..max,
and a Mann-Whitney U-test p-value (scipy, two-sided, as Google Benchmark's
tools/compare.py) says whether the two samples differ at all.  The JSON's
context holds the machine's load average before the first benchmark; above
the number of CPUs, the report says so: the times are then not a quiet
machine's.
"""
import json
import os
import statistics
import sys
from collections import defaultdict

from scipy.stats import mannwhitneyu

THREADS = [1, 2, 4, 8]
SHAPES = ["shared", "per_thread"]
TIME_TARGET = 1.5      # ported lock-free fast paths vs floor/raw at 1 thread, quiet machine
SCALE = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}


def lock_choices(registry):
    """{name: lock choice}, the locked fast paths, the lock-free ones, the
    reference, and the ported lock-free ones the targets are for."""
    strategies = registry["strategies"]
    choice = {s["name"]: s["lock_choice"] for s in strategies}
    locked = [s["name"] for s in strategies if not s["lockfree_fast_path"]]
    free = [s["name"] for s in strategies if s["lockfree_fast_path"]]
    ref = next(s["name"] for s in strategies if s["bench_reference"])
    targeted = [s["name"] for s in strategies if s["lockfree_fast_path"] and s["inherent"]]
    return choice, locked, free, ref, targeted


def load(path):
    """(context, {run_name: [real ns per repetition]}, {run_name: [the runs]})."""
    with open(path) as f:
        doc = json.load(f)
    runs, extra = defaultdict(list), defaultdict(list)
    for b in doc["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        runs[b["run_name"]].append(b["real_time"] * SCALE[b["time_unit"]])
        extra[b["run_name"]].append(b)
    return doc["context"], runs, extra


def load_instructions(path):
    """{benchmark name: instructions per call} from instructions.json, or {}."""
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)["instructions"]


def med(xs):
    return statistics.median(xs)


def fmt(xs, scale=1.0, digits=2):
    if not xs:
        return "-"
    return f"{med(xs) / scale:.{digits}f} ({min(xs) / scale:.{digits}f}..{max(xs) / scale:.{digits}f})"


def ratio(a, b):
    """(median, min, max) of the per-repetition ratios a[i] / b[i], or None."""
    n = min(len(a), len(b))
    if not n:
        return None
    rs = [a[i] / b[i] for i in range(n)]
    return med(rs), min(rs), max(rs)


def fmt_ratio(r):
    return "-" if r is None else f"{r[0]:.2f}x ({r[1]:.2f}..{r[2]:.2f})"


def p_value(a, b):
    if len(a) < 2 or len(b) < 2 or a == b:
        return None
    return mannwhitneyu(a, b, alternative="two-sided").pvalue


def fastpath(runs, s, shape, t):
    return runs.get(f"fastpath/{s}/{shape}/real_time/threads:{t}", [])


def floor(runs, kind, t):
    return runs.get(f"floor/{kind}/real_time/threads:{t}", [])


def load_warning(ctx):
    """A line when the machine was busy before the run, else None."""
    load_avg, cpus = ctx.get("load_avg") or [], ctx.get("num_cpus")
    if load_avg and cpus and load_avg[0] > cpus:
        return (f"WARNING: load average {load_avg[0]:.2f} on {cpus} CPUs before the run: "
                "another program was running; the times are not a quiet machine's "
                "(the instruction counts do not move with load)")
    return None


def header(ctx, runs):
    reps = max((len(v) for v in runs.values()), default=0)
    load_avg = " ".join(f"{x:.2f}" for x in ctx.get("load_avg") or []) or "?"
    print(f"Google Benchmark {ctx.get('google_benchmark_version', '?')} "
          f"({ctx.get('library_build_type', '?')} build), {ctx.get('num_cpus', '?')} CPUs, "
          f"{ctx.get('date', '?')}, load average {load_avg} before the run, {reps} repetitions; "
          "ns per call: median (min..max)")
    warning = load_warning(ctx)
    if warning:
        print(warning)


def fast_table(runs, strategies, choice, ins):
    print("\nFast path, `sg_table` on a populated object (real time per call over all threads; "
          "ratios to floor/raw and floor/model at the same thread count)\n")
    print("| benchmark | lock | " + " | ".join(f"{t} thr" for t in THREADS) +
          " | instructions, 1 thr |")
    print("|---|---|" + "---|" * len(THREADS) + "---|")
    for kind in ["raw", "model"]:
        i = ins.get(f"floor/{kind}/real_time/threads:1")
        icell = f"{i:.0f}" if i is not None else "-"
        print(f"| floor/{kind} | - | " + " | ".join(fmt(floor(runs, kind, t)) for t in THREADS) +
              f" | {icell} |")
    for s in strategies:
        for shape in SHAPES:
            cells = []
            for t in THREADS:
                xs = fastpath(runs, s, shape, t)
                raw, model = ratio(xs, floor(runs, "raw", t)), ratio(xs, floor(runs, "model", t))
                cells.append(f"{fmt(xs)}, {raw[0]:.2f}x raw, {model[0]:.2f}x model"
                             if xs and raw and model else fmt(xs))
            i = ins.get(f"fastpath/{s}/{shape}/real_time/threads:1")
            raw_i = ins.get("floor/raw/real_time/threads:1")
            icell = f"{i:.0f}, {i / raw_i:.2f}x raw" if i is not None and raw_i else "-"
            print(f"| {s} {shape} | {choice.get(s, '?')} | " + " | ".join(cells) + f" | {icell} |")


def against_reference(runs, strategies, ref, ins):
    print(f"\nEach strategy's fast path against {ref}'s: the ratio of times (median of the "
          "per-repetition ratios, min..max), the U-test's p-value, and the ratio of "
          "instructions per call where counted\n")
    print("| strategy | shape | " + " | ".join(f"{t} thr" for t in THREADS) + " |")
    print("|---|---|" + "---|" * len(THREADS))
    for s in strategies:
        if s == ref:
            continue
        for shape in SHAPES:
            cells = []
            for t in THREADS:
                a, b = fastpath(runs, s, shape, t), fastpath(runs, ref, shape, t)
                r, p = ratio(a, b), p_value(a, b)
                cell = "-" if r is None else \
                    f"{fmt_ratio(r)}, p={p:.3g}" if p is not None else fmt_ratio(r)
                ia = ins.get(f"fastpath/{s}/{shape}/real_time/threads:{t}")
                ib = ins.get(f"fastpath/{ref}/{shape}/real_time/threads:{t}")
                if ia and ib:
                    cell += f"; {ia / ib:.2f}x instr ({ia:.0f}/{ib:.0f})"
                cells.append(cell)
            print(f"| {s} | {shape} | " + " | ".join(cells) + " |")


def other_table(runs, extra, strategies, ins):
    print("\nSlow path, churn, revocation (us; churn's reader calls per second: median)\n")
    print("| strategy | slow path | slow path instructions | churn | churn reader calls/s | "
          "unbind, 16 objects | unbind, 256 objects | violations seen |")
    print("|---|---|---|---|---|---|---|---|")
    for s in strategies:
        churn = f"churn/{s}/real_time"
        calls = [b.get("reader_calls", 0) for b in extra.get(churn, [])]
        viol = sum(b.get("violations", 0) for n, bs in extra.items() if f"/{s}/" in n + "/"
                   for b in bs)
        i = ins.get(f"slowpath/{s}")
        print(f"| {s} | {fmt(runs.get(f'slowpath/{s}', []), 1e3, 1)} | "
              f"{f'{i:.0f}' if i is not None else '-'} | {fmt(runs.get(churn, []), 1e3, 1)} | "
              f"{f'{med(calls) / 1e6:.1f} M' if calls else '-'} | "
              f"{fmt(runs.get(f'revocation/{s}/16/real_time', []), 1e3, 1)} | "
              f"{fmt(runs.get(f'revocation/{s}/256/real_time', []), 1e3, 1)} | {viol:.0f} |")


def targets(runs, ctx, targeted):
    print(f"\nTime target: the ported lock-free fast paths ({', '.join(targeted)}) within "
          f"{TIME_TARGET}x floor/raw at 1 thread, on a quiet machine "
          "(instructions: bench/instructions.py --gate)")
    quiet = load_warning(ctx) is None
    for s in targeted:
        for shape in SHAPES:
            r = ratio(fastpath(runs, s, shape, 1), floor(runs, "raw", 1))
            if r is None:
                continue
            verdict = "met" if r[0] <= TIME_TARGET else "MISSED" if quiet else \
                "missed, on a busy machine"
            print(f"  {s} {shape}: {fmt_ratio(r)}: {verdict}")


def main(path, registry, ins_path):
    choice, locked, free, ref, targeted = lock_choices(registry)
    ctx, runs, extra = load(path)
    ins = load_instructions(ins_path)
    order = locked + free
    strategies = sorted({n.split("/")[1] for n in runs if n.startswith("fastpath/")},
                        key=lambda s: order.index(s) if s in order else 99)
    header(ctx, runs)
    fast_table(runs, strategies, choice, ins)
    against_reference(runs, strategies, ref, ins)
    other_table(runs, extra, strategies, ins)
    targets(runs, ctx, targeted)
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print("usage: bench_report.py BENCH.json [LIST.json]", file=sys.stderr)
        sys.exit(2)
    folder = os.path.dirname(sys.argv[1])
    reg_path = sys.argv[2] if len(sys.argv) == 3 else os.path.join(folder, "list.json")
    with open(reg_path) as f:
        reg = json.load(f)
    sys.exit(main(sys.argv[1], reg, os.path.join(folder, "instructions.json")))
