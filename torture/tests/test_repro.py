#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The repro label: `sgtorture repro ID` finds each hazard with its expected
oracle, and the same configuration on the port declared clean runs clean.

Deterministic: the port's repro runs under controlled random schedules from
a fixed seed (its attempts are the same every time; TSan sees the program's
races there too), and the clean twin is a fixed number of such schedules
counting every oracle, not a time.

Usage: test_repro.py SGTORTURE ID BUILD

The expectations below are written out here, not read from the program's
own table, so a change to that table that stops finding a hazard fails.
"""
import json
import os
import subprocess
import sys
import tempfile

from testlib import check, clean_port, fail, main, registry, sgtorture

SGTORTURE, HAZARD, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
CLEAN = clean_port(SGTORTURE)  # the registry's declared-clean port
BUDGET = 120         # seconds: room for the few deterministic attempts, never reached
TWIN_SCHEDULES = 10  # the clean twin: controlled schedules of the same configuration

# id -> (violation kind, or "tsan" with frames its report must show)
EXPECT = {
    "H1": ("destroyed-lock-used", None),
    "H2": ("recursive-lock", None),
    "H3": ("page-count", None),
    "H4": ("foreign-device", None),
    "H5": ("double-unmap", None),
    "H6": ("use-after-unmap", None),
    "H7": ("use-after-free", None),
    "H8": ("tsan", ["v12_owned_deref"]),
    "H9": ("tsan", ["set_once_populate", "dma_debug_check_sgtable"]),
    "H10": ("tsan", ["access_owned", "devres_action_cb"]),
    "H11": ("use-after-unmap", None),
    # The reported races, on the Devres model before their fix.
    "R1": ("mapping-after-unbind", None),
    "R2": ("use-after-free", None),
    "R3": ("mapping-after-unbind", None),
    "R4": ("use-after-unmap", None),
    "R5": ("page-count", None),
    "R6": ("use-after-unmap", None),
}
# The findings of H3, H6 and H7 must come with a timeline that shows
# the interleaving: these events must be in it.
TIMELINE_MUST_SHOW = {
    "H3": ["injected error", "put"],
    "H6": ["device_unbind", "device_bind", "sg_table"],
    "H7": ["revoke-grace-period", "last put", "object freed"],
    "H11": ["madvise(DONTNEED)", "purge", "sg_table"],
}


def repro(*args, timeout):
    rc, out, err, doc = sgtorture(SGTORTURE, "repro", HAZARD, "--seed", "1", *args,
                                  timeout=timeout)
    return rc, out, doc


def test_repro():
    oracle, frames = EXPECT[HAZARD]
    rc, out, doc = repro("--budget", str(BUDGET), "--sched", "random", timeout=BUDGET + 120)
    if rc != 0:
        fail(f"not found (exit {rc}):\n{out[-3000:]}")
    run = doc["runs"][0]
    if oracle == "tsan":
        stacks = [u["stacks"] for u in run["tsan"]["unique"]]
        if not any(all(f in s for f in frames) for s in stacks):
            fail(f"no TSan report shows {frames}:\n" + "\n".join(stacks))
    elif oracle not in run["violations"]:
        fail(f"expected {oracle}, found {sorted(run['violations'])}")
    for line in ("found: ", "first report: ", "Replay: "):
        if line not in out:
            fail(f"the output has no '{line}' line:\n{out[-2000:]}")
    timeline = run.get("timeline") or ""
    for event in TIMELINE_MUST_SHOW.get(HAZARD, []):
        if event not in timeline:
            fail(f"the timeline does not show '{event}':\n{timeline}")
    spent = float(out.split("FOUND by attempt ")[1].split(", ")[1].split(" s")[0])

    if HAZARD.startswith("R"):
        return after_the_fix(spent)
    # The clean twin: the same configuration on the clean port, under as many controlled
    # schedules every time, every oracle counted.
    rc, out, err, doc = sgtorture(SGTORTURE, "explore", HAZARD, "--strategy", CLEAN,
                                  "--sched", "random", "--seed", "1", "--no-shrink",
                                  "--budget", str(TWIN_SCHEDULES), timeout=600)
    if rc != 0 or f"{TWIN_SCHEDULES} schedules" not in out or \
            " 0 failed on any oracle" not in out or "clean on every oracle" not in out:
        fail(f"fixed: expected {TWIN_SCHEDULES} schedules clean on every oracle (exit 0), got "
             f"exit {rc}:\n{out[-2000:]}")
    print(f"repro {HAZARD}: found in {spent:.3f} s of running; fixed clean under "
          f"{TWIN_SCHEDULES} schedules")


def after_the_fix(spent):
    """A reported race on the model after its fix: check's DPOR within two
    preemptions exhausted, and the race's oracle never fires."""
    race = next(r for r in registry(SGTORTURE)["reported_races"] if r["name"] == HAZARD)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "check.json")
        p = subprocess.run([SGTORTURE, "check", HAZARD, *race["after_args"],
                            "--preemptions", "2", "--sched-dir", tmp, "--json", path],
                           capture_output=True, text=True, timeout=600)
        doc = json.load(open(path))
    if not doc["exhausted"] or doc["found"]:
        fail(f"{race['after']}: {doc['schedules']} schedules, exhausted {doc['exhausted']}, "
             f"{doc['found']} found:\n{p.stdout[-1500:]}")
    print(f"repro {HAZARD}: found before {race['commit']} in {spent:.3f} s; after it, "
          f"{doc['schedules']} schedules (DPOR within K = 2, exhausted) never fire "
          f"{race['oracle']}")


main({HAZARD: test_repro}, HAZARD)
