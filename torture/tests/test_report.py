#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sgtorture report: the layout a kernel list reads (title, stacks, interleaving,
versions, schedule and replay, Fixed by / Still present in), checked on its lines and
fields, never on timings.  Every report comes from check's bounded search: the same
counterexample on every run.

Usage: test_report.py SGTORTURE TEST [BUILD]
"""
import os
import re
import subprocess
import sys
import tempfile

from testlib import fail, main, registry, run, run_json

SGTORTURE, TEST = sys.argv[1], sys.argv[2]
RULE = "=" * 66


def report(args, tmp, expect_rc=0):
    """Run sgtorture report ARGS; the lines of its stdout."""
    rc, out, err = run([SGTORTURE, "report", *args, "--sched-dir", tmp], timeout=280)
    if rc != expect_rc:
        fail(f"report {' '.join(args)}: exit {rc}, expected {expect_rc}:\n{out[-1500:]}{err}")
    return out.splitlines()


def section(lines, head):
    """The lines after the one starting with head, up to the next blank line."""
    for i, line in enumerate(lines):
        if line.startswith(head):
            body = []
            for b in lines[i + 1:]:
                if not b.strip():
                    break
                body.append(b)
            return line, body
    fail(f"no line starting with {head!r} in:\n" + "\n".join(lines))


def field(lines, name):
    """The value of the line 'name: value' (the first)."""
    for line in lines:
        if line.startswith(name + ":"):
            return line[len(name) + 1:].strip()
    fail(f"no {name}: line in:\n" + "\n".join(lines))


def check_layout(lines, title, reporter, tmp):
    """What every report has, in order: rules, title, the report's stack, the
    interleaving with a source line under each event, versions, schedule, replay."""
    if lines[0] != RULE or lines[-1] != RULE:
        fail("the report is not between two rules:\n" + "\n".join(lines[:3] + lines[-3:]))
    if lines[1] != title:
        fail(f"title {lines[1]!r}, expected {title!r}")
    if reporter:
        head, stack = section(lines, f"{reporter}, at the report:")
        if not stack or not all(re.match(r"^ \S+( \(inlined\))? \S+\.[ch]:\d+$", f) for f in stack):
            fail(f"{head}: frames not 'function file:line':\n" + "\n".join(stack))
    head, steps = section(lines, "The interleaving")
    # every event line but the last, which is the report itself
    events = [s for s in steps[:-1] if re.match(r"^ +\d+  ", s)]
    if not re.match(r"^ +\d+  \S", steps[-1] if steps else ""):
        fail("the interleaving does not end at the report:\n" + "\n".join(steps))
    sources = [s for s in steps if re.match(r"^ +\S+\.[ch]:\d+ \w+$", s)]
    if not events or len(sources) != len(events):
        fail(f"{len(events)} events, {len(sources)} source lines:\n" + "\n".join(steps))
    sched = field(lines, "Schedule")
    if not os.path.exists(sched):
        fail(f"Schedule: {sched} does not exist")
    replay = field(lines, "Replay")
    if sched not in replay:
        fail(f"Replay: {replay} does not replay {sched}")
    return sched


def replayed_violations(sched, tmp):
    """The violations the schedule file gives when replayed (its Replay: line's run)."""
    rc, out, doc = run_json([SGTORTURE, "replay", sched, "--sched-dir", tmp], tmp)
    if rc != 1 or not doc:
        fail(f"replay {sched}: exit {rc}, expected 1 (the violation)")
    return set(doc["runs"][0]["violations"])


def test_h7_merged():
    """H7 on the shipped code with the Devres before R2/R3: the use-after-free in
    SGTableMap::drop, the unbinding and the freeing threads' stacks, the versions with
    their commits, and the Devres fix as Fixed by, checked clean."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = report(["H7", "--strategy", "merged", "--devres-model", "devres-2026"], tmp)
        sched = check_layout(lines, "BUG: use-after-free in SGTableMap::drop", "Revokers-0", tmp)
        _, stack = section(lines, "Revokers-0, at the report:")
        for fn in ("sgtable_map_drop", "device_unbind"):
            if not any(f.split()[0] == fn for f in stack):
                fail(f"the unbinding thread's stack has no {fn}:\n" + "\n".join(stack))
        _, freer = section(lines, "Freers-0, its deepest event on the object")
        if not freer or freer[0].split()[0] != "sgtable_object_free":
            fail("the freeing thread's stack does not start at the free:\n" + "\n".join(freer))
        _, versions = section(lines, "Versions:")
        if not re.match(r"^  merged +616c229ab010", versions[0]) or \
                not re.match(r"^  devres-2026 +9aa64d2503c6", versions[1]):
            fail("versions:\n" + "\n".join(versions))
        fixed = field(lines, "Fixed by")
        if not fixed.startswith("merged on devres-2026-fixed: acc516dfa197"):
            fail(f"Fixed by: {fixed}")
        after = lines[lines.index("Fixed by: " + fixed) + 1]
        if "never fired, every schedule" not in after or "bound exhausted" not in after:
            fail(f"the fix's check does not say what it covered: {after}")
        if not any(l.startswith("Not present in today's code: merged on devres-2026-fixed")
                   for l in lines):
            fail("no line on today's code")
        if "use-after-free" not in replayed_violations(sched, tmp):
            fail(f"the Replay: line's schedule {sched} does not give the use-after-free")


def test_r4():
    """R4 (v14's LazyInit): found without a race, the next version (v19) as its fix,
    the shipped code clean of it."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = report(["R4"], tmp)
        sched = check_layout(lines, "BUG: use-after-unmap in dma_debug_check_sgtable",
                             "Accessors-0", tmp)
        if not field(lines, "Scenario").startswith("R4 v16"):
            fail(f"Scenario: {field(lines, 'Scenario')}")
        if not re.search(r"schedule \d+ of \d+, 0 preemptions", field(lines, "Found by")):
            fail(f"R4 needs no race, yet: {field(lines, 'Found by')}")
        if not field(lines, "Fixed by").startswith("v19 on devres-2026-fixed"):
            fail(f"Fixed by: {field(lines, 'Fixed by')}")
        if not any(l.startswith("Not present in today's code: merged") for l in lines):
            fail("no line on today's code")
        if "use-after-unmap" not in replayed_violations(sched, tmp):
            fail("the Replay: line's schedule does not give the use-after-unmap")


def test_still_present():
    """H11 on the shipped code: no upstream fix, this project's fix clean, and the
    shipped code named as still carrying it."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = report(["H11"], tmp)
        check_layout(lines, "BUG: use-after-unmap in dma_debug_check_sgtable", "Accessors-0",
                     tmp)
        if "Still present in: merged on devres-2026-fixed (this report)" not in lines:
            fail("H11 is in the shipped code, and the report does not say so")
        if not any(l.startswith("Fixed by (this project's proposal, not upstream): fixed")
                   for l in lines):
            fail("no proposed fix line")


def test_every_scenario():
    """Every hazard and reported race gives a report (a TSan-only one in the tsan
    build; elsewhere exit 2 naming that build)."""
    tsan = len(sys.argv) > 3 and sys.argv[3] == "tsan"
    reg = registry(SGTORTURE)
    with tempfile.TemporaryDirectory() as tmp:
        for h in reg["hazards"] + reg["reported_races"]:
            tsan_only = h.get("repro", {}).get("sched_oracle") == "never"
            if tsan_only and not tsan:
                rc, out, err = run([SGTORTURE, "report", h["name"], "--sched-dir", tmp])
                if rc != 2 or "tsan build" not in err:
                    fail(f"report {h['name']} outside the tsan build: exit {rc}: {err}")
                continue
            if tsan and not tsan_only:
                continue  # the default build's test covers it
            # --budget: the related checks stop there and say so; the layout is the test
            lines = report([h["name"], "--budget", "400"], tmp)
            if not re.match(r"^BUG: [-a-z]+ in \S+", lines[1]):
                fail(f"report {h['name']}: title {lines[1]!r}")
            check_layout(lines, lines[1], None, tmp)
            if not any(l.startswith(("Fixed by", "Still present in", "Not present", "Not shown",
                                     "Not fixed", "Not found")) for l in lines):
                fail(f"report {h['name']}: no Fixed by / Still present in line")


def test_no_counterexample():
    """The clean port has no H7 counterexample: report says so, with what it covered,
    and exits 1; bad input exits 2 before anything runs."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = report(["H7", "--strategy", "fixed"], tmp, expect_rc=1)
        if not lines or "no counterexample" not in lines[0] or "bound exhausted" not in lines[0]:
            fail("\n".join(lines))
        rc, out, err = run([SGTORTURE, "report", "H99"])
        if rc != 2 or "H99" not in err or "accepted" not in err:
            fail(f"report H99: exit {rc}: {err}")
        rc, out, err = run([SGTORTURE, "report", "H7", "--strategy", "v19,merged"])
        if rc != 2 or "one strategy" not in err:
            fail(f"report on two ports: exit {rc}: {err}")


TESTS = {f.__name__[5:]: f for f in
         [test_h7_merged, test_r4, test_still_present, test_every_scenario,
          test_no_counterexample]}

if __name__ == "__main__":
    main(TESTS, TEST)
