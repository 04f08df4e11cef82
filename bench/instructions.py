#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per call of the benchmarks, counted by valgrind: a metric that
does not move with the machine's load.

Usage: instructions.py BUILD_DIR [--filter REGEX] [--threads 1,2,4,8]
                       [--json OUT] [--gate [--limit X]] [--jobs N]
       instructions.py BUILD_DIR --from-json FILE --gate [--limit X]

Each benchmark runs under `valgrind --tool=cachegrind` (Debian's valgrind;
no cache simulation, only the instruction count) twice, with two fixed
iteration counts (sgt_bench --cbench_iterations=N).  Everything done once
per process -- loading, Google Benchmark's bookkeeping, setting the stage --
cancels in the difference; what is left is the loop, from which the empty
loop (floor/empty, counted the same way) is subtracted.  So a figure is the
instructions of one call of what the loop body does, in the build given.

Valgrind runs one thread at a time: at N threads a count is the work per call
without contention (no cache line moves, a lock is always free); the time
benchmarks show contention.  Counts at N threads may vary by a few
instructions with valgrind's thread switches; at 1 thread they repeat.

--gate checks the target in instructions (docs/bench.md): the lock-free fast
paths of the ported versions (from `sgtorture list --json`: lock-free and
carrying upstream hazards, v19 and setonce-init) at 1 thread, shared and per
thread, within 1.5x floor/raw.  The others are reported, not gated: the
locked ones, and fixed, whose fast path adds the H5 and H6 checks to v19's.
Exit 0 met, 1 missed, 2 bad usage.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reports"))
from sgt_results import sgtorture_list  # noqa: E402  (the registries, read once for all scripts)

GATE = 1.5                       # lock-free fast path vs floor/raw, instructions
# Two iteration counts per family: enough calls that the difference is the
# loop's, few enough that valgrind takes about a second per run.
COUNTS = {"floor": (20000, 220000), "fastpath": (20000, 220000), "slowpath": (200, 2200)}
FAMILIES = r"^(floor|fastpath|slowpath)/"


def die(msg):
    print(f"instructions.py: {msg}", file=sys.stderr)
    sys.exit(2)


def pattern(name):
    """The --benchmark_filter (a POSIX regex) for name once --cbench_iterations
    adds /iterations:N to it."""
    esc = re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", name)
    return "^" + re.sub(r"(/real_time|/threads:[0-9]+|$)", r"(/iterations:[0-9]+)?\1", esc,
                        count=1) + "$"


def threads_of(name):
    m = re.search(r"/threads:(\d+)$", name)
    return int(m.group(1)) if m else 1


def count(binary, name, iterations):
    """Instructions of a whole run of name at a fixed iteration count."""
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--branch-sim=no",
           "--cachegrind-out-file=/dev/null", binary, f"--benchmark_filter={pattern(name)}",
           f"--cbench_iterations={iterations}", "--benchmark_format=json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    m = re.search(r"I\s+refs:\s+([\d,]+)", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"{name}: valgrind exited {p.returncode}: {p.stderr[-500:]}")
    ran = [b["name"] for b in json.loads(p.stdout)["benchmarks"]]
    if len(ran) != 1:
        raise RuntimeError(f"{name}: the filter ran {ran or 'nothing'}, not one benchmark")
    return int(m.group(1).replace(",", ""))


def per_call(binary, name):
    """(instructions per iteration of name's loop, the loop's own included)."""
    lo, hi = COUNTS[name.split("/")[0]]
    a, b = count(binary, name, lo), count(binary, name, hi)
    return (b - a) / ((hi - lo) * threads_of(name))


def measure(binary, names, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {n: pool.submit(per_call, binary, n) for n in names}
        raw = {n: f.result() for n, f in futures.items()}
    # The loop's own instructions, at the same thread count (slowpath: 1).
    return {n: v if n.startswith("floor/empty/") else
            v - raw[f"floor/empty/real_time/threads:{threads_of(n)}"] for n, v in raw.items()}


def table(ins, reg):
    raw, model = ins.get("floor/raw/real_time/threads:1"), ins.get("floor/model/real_time/threads:1")
    print("Instructions per call (valgrind, the empty loop subtracted)\n")
    print("| benchmark | instructions | x floor/raw | x floor/model |")
    print("|---|---|---|---|")
    for n, v in ins.items():
        r = f"{v / raw:.2f}x" if raw and not n.startswith("floor/empty") else "-"
        m = f"{v / model:.2f}x" if model and not n.startswith("floor/empty") else "-"
        print(f"| {n} | {v:.1f} | {r} | {m} |")


def gate(ins, reg, limit):
    raw = ins.get("floor/raw/real_time/threads:1")
    gated = [s["name"] for s in reg["strategies"] if s["lockfree_fast_path"] and s["inherent"]]
    ok, seen = True, 0
    print(f"\nTarget: the ported lock-free fast paths ({', '.join(gated)}) within {limit}x "
          "floor/raw in instructions, 1 thread")
    for s in gated:
        for shape in ("shared", "per_thread"):
            v = ins.get(f"fastpath/{s}/{shape}/real_time/threads:1")
            if v is None or not raw:
                continue
            seen += 1
            good = v <= limit * raw
            ok &= good
            print(f"  {s} {shape}: {v:.1f} instructions, {v / raw:.2f}x floor/raw "
                  f"({raw:.1f}): {'met' if good else 'MISSED'}")
    if not seen:
        print("  nothing measured: the filter left out floor/raw or the fast paths")
        return False
    return ok


def main():
    ap = argparse.ArgumentParser(description="instructions per call, counted by valgrind")
    ap.add_argument("build")
    ap.add_argument("--filter", default=FAMILIES, help="which benchmarks (a regex)")
    ap.add_argument("--threads", default="1", help="thread counts, e.g. 1,2,4,8")
    ap.add_argument("--json", help="write {context, instructions} here")
    ap.add_argument("--gate", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--limit", type=float, default=GATE, help="the gate's ratio to floor/raw")
    ap.add_argument("--from-json", help="gate counts written before by --json: no valgrind")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    binary = os.path.join(a.build, "bench", "sgt_bench")
    if not os.access(binary, os.X_OK):
        die(f"'{binary}': no sgt_bench there; accepted is a build folder (build/release)")
    try:
        threads = {int(t) for t in a.threads.split(",")}
        flt = re.compile(a.filter)
    except (ValueError, re.error) as e:
        die(f"--threads '{a.threads}' / --filter '{a.filter}': {e}; accepted: 1,2,4,8 and a regex")
    if not threads <= {1, 2, 4, 8} or a.jobs < 1 or not 0 < a.limit < 100:
        die(f"--threads '{a.threads}' --jobs {a.jobs} --limit {a.limit}: accepted threads "
            "1, 2, 4, 8, jobs >= 1, 0 < limit < 100")
    reg = sgtorture_list(os.path.join(a.build, "torture", "sgtorture"))
    if a.from_json:
        with open(a.from_json) as f:
            ins = json.load(f)["instructions"]
        table(ins, reg)
        return 0 if gate(ins, reg, a.limit) else 1
    listed = subprocess.run([binary, "--benchmark_list_tests"], capture_output=True,
                            text=True, check=True).stdout.split()
    names = [n for n in listed if re.match(FAMILIES, n) and flt.search(n)
             and threads_of(n) in threads]
    # The empty loop at each thread count measured is what every count subtracts.
    names = sorted(set(names) | {f"floor/empty/real_time/threads:{t}" for t in threads},
                   key=listed.index)
    ins = measure(binary, names, a.jobs)
    table(ins, reg)
    ok = gate(ins, reg, a.limit) if a.gate else True
    if a.json:
        ver = subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout
        with open(a.json, "w") as f:
            json.dump({"context": {"build": os.path.abspath(a.build), "valgrind": ver.strip(),
                                   "counts": COUNTS}, "instructions": ins}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
