#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Operations per second per role, from sgtorture --json results.

Usage: torture_rates.py LABEL=RESULT.json [LABEL=RESULT.json ...]

Prints one Markdown table: a row per (label, strategy, devres model), and
for each role the operations per second per thread (what the README's
performance table quotes), plus the verdict, so a rate is never read
without knowing whether the run it came from was clean.
"""
import json
import sys

ROLES = ["Accessors", "Creators", "Revokers", "Freers"]


def rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.0f}"


def main(argv):
    if not argv or any("=" not in a for a in argv):
        print("usage: torture_rates.py LABEL=RESULT.json ...", file=sys.stderr)
        return 2
    print("| build | strategy | devres model | threads | "
          + " | ".join(f"{r} /s/thread" for r in ROLES) + " | verdict |")
    print("|---|---|---|---|" + "---|" * len(ROLES) + "---|")
    for arg in argv:
        label, path = arg.split("=", 1)
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"torture_rates: cannot read '{path}': {e}", file=sys.stderr)
            return 1
        threads = ",".join(f"{k[0].lower()}{v}" for k, v in doc["config"]["threads"].items())
        for run in doc["runs"]:
            cells = []
            for r in ROLES:
                role = run["roles"].get(r, {})
                n = len(role.get("per_thread", []))
                cells.append(rate(role["per_thread_per_second"]) if n else "-")
            verdict = "clean" if not run["failed"] else "fails (" + run["exit_reason"] + ")"
            print(f"| {label} | {run['strategy']} | {run['devres_model']} | {threads} | "
                  + " | ".join(cells) + f" | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
