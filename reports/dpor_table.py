#!/usr/bin/env python3
"""DPOR against plain enumeration, per hazard and reported race: a Markdown table.

For each scenario of `sgtorture list --json` with an oracle under controlled
schedules, on its registry configuration:
  - found: the executions `check ID` needs to find it, with DPOR (the default)
    and plain (`--no-dpor`, iterative context bounding at K = 2, 3), and the
    counterexample's preemptions;
  - clean: `check ID --strategy fixed --ops 1` with DPOR (one unbounded pass),
    and plain at K = 2, 3 and 16 (no bound in effect), each within --budget
    executions: how many it ran and whether it exhausted.

    reports/dpor_table.py build/default/torture/sgtorture [--budget N]
                          [--dpor-budget N] [-o FILE]

--dpor-budget (default: --budget) bounds DPOR's clean search only, so that
its unbounded search may run longer than plain enumeration's cells.

Every cell is one run of the command beside the table; a run that did not
exhaust within the budget says so ("> N").
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time


def check(sgt, args, tmp):
    path = os.path.join(tmp, "c.json")
    if os.path.exists(path):
        os.unlink(path)
    t0 = time.monotonic()
    subprocess.run([sgt, "check", *args, "--sched-dir", tmp, "--json", path],
                   capture_output=True, text=True, timeout=3600)
    secs = time.monotonic() - t0
    doc = json.load(open(path)) if os.path.exists(path) else None
    return doc, secs


def found_cell(doc, budget):
    if not doc:
        return "error"
    if doc["found"]:
        return f"{doc['first_found']['schedule']} (K={doc['first_found']['preemptions']})"
    return f"not found in {doc['schedules']}" + (" (exhausted)" if doc["exhausted"] else "")


def clean_cell(doc, secs):
    if not doc:
        return "error"
    if doc["failed"]:
        return f"FAILED after {doc['schedules']}"
    if doc["exhausted"]:
        return f"{doc['schedules']} exhausted, {secs:.0f} s"
    return f"> {doc['schedules']} ({secs:.0f} s)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sgtorture")
    ap.add_argument("--budget", type=int, default=20000)
    ap.add_argument("--dpor-budget", type=int)
    ap.add_argument("--only", help="comma-separated scenario IDs")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    reg = json.loads(subprocess.run([a.sgtorture, "list", "--json"], capture_output=True,
                                    text=True, check=True).stdout)
    ids = [h["name"] for h in reg["hazards"] if h["repro"]["sched_oracle"] != "never"]
    ids += [r["name"] for r in reg["reported_races"]]
    if a.only:
        ids = [i for i in ids if i in a.only.split(",")]
    budget = ["--budget", str(a.budget)]
    dpor_budget = ["--budget", str(a.dpor_budget or a.budget)]
    out = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.node()} "
           f"({os.cpu_count()} cores) with `reports/dpor_table.py {a.sgtorture} --budget "
           f"{a.budget}" + (f" --dpor-budget {a.dpor_budget}" if a.dpor_budget else "") +
           "`.", "",
           "| ID | found: DPOR | plain K=2 | plain K=3 | clean (fixed, --ops 1): DPOR | "
           "plain K=2 | plain K=3 | plain K=16 |", "|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for i in ids:
            cells = []
            for extra in ([], ["--no-dpor", "--preemptions", "2"],
                          ["--no-dpor", "--preemptions", "3"]):
                doc, _ = check(a.sgtorture, [i, *extra, *budget], tmp)
                cells.append(found_cell(doc, a.budget))
            for extra in ([], ["--no-dpor", "--preemptions", "2"],
                          ["--no-dpor", "--preemptions", "3"],
                          ["--no-dpor", "--preemptions", "16"]):
                doc, secs = check(a.sgtorture, [i, "--strategy", "fixed", "--ops", "1",
                                                *extra, *(budget if extra else dpor_budget)],
                                  tmp)
                cells.append(clean_cell(doc, secs))
            out.append(f"| {i} | " + " | ".join(cells) + " |")
            print(out[-1], file=sys.stderr)
    text = "\n".join(out) + "\n"
    if a.output:
        open(a.output, "w").write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
