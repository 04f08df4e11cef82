#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge the JSON of the parts of one `sgtorture check --shard I/N` search.

Usage: check_merge.py PART.json... [-o MERGED.json]

Every part runs the same first schedules (`shared`), then keeps its share
of what is left: with plain enumeration, every Nth queued schedule and its
subtree; with DPOR, every Nth untried branch of the path, plus whatever the
part's own executions add (parts may repeat a little of each other's work,
never skip any: docs/design.md).  So the whole search is exhausted exactly
when every part exhausted its share (`part_exhausted`); only this script
says so, and then what the whole covers.  The first counterexample is the
one with the fewest preemptions over the parts; what the executions saw is
the union of the parts'.  Exit 0 when the parts are one search (same
scenario, strategy, model, bound, operations, search, and shards 1..N all
there).
"""
import argparse
import json
import sys

KEYS = ("scenario", "strategy", "devres_model", "preemptions", "ops", "dpor")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("parts", nargs="+")
    ap.add_argument("-o", dest="out")
    a = ap.parse_args()
    parts = [json.load(open(p)) for p in a.parts]
    first = parts[0]
    for p, path in zip(parts, a.parts):
        for k in KEYS:
            if p[k] != first[k]:
                print(f"check_merge.py: {path}: {k} {p[k]!r}, not {first[k]!r} as in "
                      f"{a.parts[0]}", file=sys.stderr)
                return 2
    n = int(first["shard"].split("/")[1])
    have = sorted(int(p["shard"].split("/")[0]) for p in parts)
    if have != list(range(1, n + 1)):
        print(f"check_merge.py: shards {have} of {n}: every part 1..{n} is needed",
              file=sys.stderr)
        return 2
    found = [p["first_found"] for p in parts if p.get("first_found")]
    merged = {k: first[k] for k in KEYS}
    merged.update({
        "shards": n,
        # Every part ran the shared schedules: count them once.
        "schedules": sum(p["schedules"] for p in parts) - (n - 1) * first["shared"],
        "exhausted": all(p["part_exhausted"] for p in parts),
        "found": sum(p["found"] for p in parts) - (n - 1) * first["shared_found"],
        "failed": sum(p["failed"] for p in parts) - (n - 1) * first["shared_failed"],
        "seconds": max(p["seconds"] for p in parts),
        "first_found": min(found, key=lambda e: e["preemptions"]) if found else None,
        "pruned": any(p.get("pruned", False) for p in parts),
        "violations_seen": sorted({v for p in parts for v in p["violations_seen"]}),
        "outcomes_seen": sorted({o for p in parts for o in p["outcomes_seen"]}),
    })
    if merged["exhausted"]:
        # A part whose bound pruned a race says so in its text: the whole claims no more.
        says = next((p for p in parts if p.get("pruned")), first)
        merged["covers"] = says["covers_when_merged"]
    text = json.dumps(merged, indent=2)
    if a.out:
        open(a.out, "w").write(text + "\n")
    print(f"check {merged['scenario']} on {merged['strategy']}/{merged['devres_model']}, "
          f"{'DPOR' if merged['dpor'] else 'K=' + str(merged['preemptions'])}: "
          f"{merged['schedules']} schedules over {n} parts, "
          f"{'EXHAUSTED' if merged['exhausted'] else 'not exhausted'}; "
          f"{merged['found']} found, {merged['failed']} failed on any oracle")
    if merged["exhausted"]:
        print(f"covers: {merged['covers']}")
    return 0


sys.exit(main())
