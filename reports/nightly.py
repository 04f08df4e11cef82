#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one nightly folder (scripts/nightly): JUnit XML, TSan reports
deduplicated by stack, a one-line summary, and the exit status.

Usage: nightly.py FOLDER [--expect-clean STRATEGY,...] [--hazards "ID ..."]
(default: the registries in FOLDER/list.json)

Exit 1 when a should-be-clean configuration was not clean, or a known hazard
of the catalogue was not found again (a regression in the harness); 0 else.
A step the nightly skipped (over its time budget, another shard's, no tsan
build) is reported as skipped, not as a failure.
"""
import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET

from sgt_results import load, registry_of, runs_of


def kinds(run):
    return sorted(run.get("violations", {}))


def testcase(suite, classname, name, seconds, failure=None, out=None):
    tc = ET.SubElement(suite, "testcase", classname=classname, name=name,
                       time=f"{seconds:.3f}")
    if failure:
        f = ET.SubElement(tc, "failure", message=failure[0], type=failure[1])
        f.text = failure[2]
    if out:
        ET.SubElement(tc, "system-out").text = out
    return tc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    # Default: from the folder's list.json (`sgtorture list --json`): the ports
    # that carry no hazard must be clean, and every hazard must be found.
    ap.add_argument("--expect-clean")
    ap.add_argument("--hazards")
    a = ap.parse_args()
    if not os.path.isdir(a.folder):
        print(f"nightly.py: '{a.folder}' is not a folder", file=sys.stderr)
        return 2
    reg = registry_of(a.folder)
    if (a.expect_clean is None or a.hazards is None) and not reg:
        print(f"nightly.py: {a.folder} has no list.json: give --expect-clean and --hazards",
              file=sys.stderr)
        return 2
    if a.expect_clean is None:
        a.expect_clean = ",".join(s["name"] for s in reg["strategies"] if not s["inherent"])
    if a.hazards is None:
        a.hazards = " ".join(h["name"] for h in reg["hazards"] + reg.get("reported_races", []))
    clean = set(a.expect_clean.replace(",", " ").split())
    root = ET.Element("testsuites", name="sgtorture nightly")
    problems, tsan = [], {}

    suite = ET.SubElement(root, "testsuite", name="torture-matrix")
    for setting, run in runs_of(a.folder):
        name = f"{run['devres_model']}/{setting}"
        for u in run.get("tsan", {}).get("unique", []):
            key = (u["type"], u["stacks"])
            entry = tsan.setdefault(key, {"type": u["type"], "stacks": u["stacks"],
                                          "count": 0, "runs": []})
            entry["count"] += u["count"]
            entry["runs"].append(f"{run['strategy']}/{name}")
        detail = (f"violations: {', '.join(kinds(run)) or 'none'}; tsan reports: "
                  f"{run['tsan']['reports']}; exit: {run['exit_reason']}\n"
                  f"replay: {run.get('replay', '')}")
        if run["strategy"] in clean and run["failed"]:
            problems.append(f"{run['strategy']}/{name} failed")
            testcase(suite, run["strategy"], name, run["duration"],
                     ("should be clean", "unexpected-failure", detail))
        else:
            verdict = "fails as its hazards predict" if run["failed"] else "clean"
            testcase(suite, run["strategy"], name, run["duration"], out=f"{verdict}\n{detail}")

    suite = ET.SubElement(root, "testsuite", name="repro")
    found = skipped = 0
    wanted = a.hazards.split()
    for h in wanted:
        doc = load(os.path.join(a.folder, f"repro-{h}.json"))
        if doc is None:
            skipped += 1
            tc = testcase(suite, "repro", h, 0)
            ET.SubElement(tc, "skipped", message="not run here (budget, shard or build)")
            continue
        run = doc["runs"][0]
        for u in run.get("tsan", {}).get("unique", []):
            entry = tsan.setdefault((u["type"], u["stacks"]), {"type": u["type"],
                                    "stacks": u["stacks"], "count": 0, "runs": []})
            entry["count"] += u["count"]
            entry["runs"].append(f"repro {h}")
        if doc["exit_code"] == 0:
            found += 1
            testcase(suite, "repro", h, run.get("found_at", run["duration"]),
                     out=f"found after {run.get('found_at', 0):.4f} s\nreplay: {run.get('replay')}")
        else:
            problems.append(f"{h} not found")
            testcase(suite, "repro", h, run["duration"],
                     (f"{h} no longer found", "regression",
                      f"exit {run['exit_reason']}; replay: {run.get('replay')}"))

    # The reported races after their fix: never found, the bound exhausted.
    for h in wanted:
        after = load(os.path.join(a.folder, f"after-{h}.json"))
        if after is None:
            continue
        if after["found"] or not after["exhausted"]:
            problems.append(f"{h} after its fix: {after['found']} found, "
                            f"{'exhausted' if after['exhausted'] else 'not exhausted'}")
            testcase(suite, "reported", f"{h} after", after["seconds"],
                     (f"{h} on {after['devres_model']}", "regression",
                      f"{after['schedules']} schedules; see after-{h}.log"))
        else:
            testcase(suite, "reported", f"{h} after", after["seconds"],
                     out=f"{after['schedules']} schedules on {after['devres_model']}, "
                         f"exhausted, never found: {after.get('covers', '')}")

    # The fuzz targets' longer runs (scripts/nightly, SGT_NIGHTLY_FUZZ seconds each).
    fuzz = load(os.path.join(a.folder, "fuzz.json")) or {}
    if fuzz:
        suite = ET.SubElement(root, "testsuite", name="fuzz")
        for target, r in sorted(fuzz.items()):
            if r["exit_code"]:
                problems.append(f"fuzz {target} failed")
                testcase(suite, "fuzz", target, r["seconds"],
                         (f"fuzz {target}: exit {r['exit_code']}", "fuzz",
                          f"see fuzz-{target}.log; crash inputs in fuzz-found-{target}/"))
            else:
                testcase(suite, "fuzz", target, r["seconds"], out=r.get("summary", ""))

    for s in root.findall("testsuite"):
        cases = s.findall("testcase")
        s.set("tests", str(len(cases)))
        s.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        s.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        s.set("errors", "0")
        s.set("time", f"{sum(float(c.get('time')) for c in cases):.3f}")
    ET.ElementTree(root).write(os.path.join(a.folder, "junit.xml"), encoding="utf-8",
                               xml_declaration=True)
    with open(os.path.join(a.folder, "tsan-reports.json"), "w") as f:
        json.dump(sorted(tsan.values(), key=lambda e: -e["count"]), f, indent=2)

    bench = load(os.path.join(a.folder, "bench.json"))
    nbench = len({b["run_name"] for b in (bench or {}).get("benchmarks", [])})
    runs = runs_of(a.folder)
    line = (f"{os.path.basename(os.path.normpath(a.folder))}: "
            f"{'OK' if not problems else 'REGRESSION'}; {len(runs)} torture runs, "
            f"{sum(1 for _, r in runs if r['failed'])} failing "
            f"({sum(1 for _, r in runs if r['failed'] and r['strategy'] in clean)} of them "
            f"should be clean); hazards found {found}/{len(wanted) - skipped}"
            f"{f' ({skipped} skipped)' if skipped else ''}; {len(tsan)} distinct TSan reports; "
            f"{nbench} benchmarks" + (f"; problems: {'; '.join(problems)}" if problems else ""))
    with open(os.path.join(a.folder, "summary.txt"), "w") as f:
        f.write(line + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
