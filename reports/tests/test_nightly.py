#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The nightly label: a short nightly writes every file, its JUnit XML is well
formed and consistent, its exit status follows the expectations, two shards
merge to the unsharded verdict matrix, and the report loads in headless
chromium with its matrix and plots.

Usage: test_nightly.py SOURCE_DIR TEST SGTORTURE
(SGTORTURE: the build's, for the registry's ports; the nightly builds its own.)
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SRC, TEST, SGTORTURE = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(SRC, "torture", "tests"))
# The shared helpers of every test script, after the path they live on.
from testlib import check, clean_port, fail, hazard, main  # noqa: E402
PY = "/usr/bin/python3"
# Two ports from the registry: the one declared clean, and H6's (it carries hazards).
CLEAN = clean_port(SGTORTURE)
CARRIER = hazard(SGTORTURE, "H6")["repro"]["strategy"]
PORTS = f"{CARRIER},{CLEAN}"
SHORT = {
    "SGT_NIGHTLY_SECONDS": "1", "SGT_NIGHTLY_STRATEGIES": PORTS,
    "SGT_NIGHTLY_HAZARDS": "H1 H6", "SGT_NIGHTLY_REPRO_BUDGET": "20", "SGT_NIGHTLY_TSAN": "0",
    "SGT_NIGHTLY_BENCH": "default",
    "SGT_NIGHTLY_BENCH_FILTER": f"floor|fastpath/({CARRIER}|{CLEAN})/shared",
    "SGT_NIGHTLY_BENCH_MIN_TIME": "0.002", "SGT_NIGHTLY_SEED": "1", "SGT_NIGHTLY_FUZZ": "0",
    "SGT_BENCH_INSTRUCTIONS_FILTER": f"floor/(empty|raw)|fastpath/({CARRIER}|{CLEAN})/shared",
    "SGT_BENCH_INSTRUCTIONS_THREADS": "1",
}
FILES = ["matrix-none.json", "matrix-faults.json", "repro-H1.json", "repro-H6.json",
         "bench.json", "instructions.json", "junit.xml", "summary.txt", "tsan-reports.json", "report.html"]


def nightly(out, **extra):
    env = {**os.environ, **SHORT, "SGT_NIGHTLY_OUT": out, **extra}
    p = subprocess.run([os.path.join(SRC, "scripts/nightly")], cwd=SRC, env=env,
                       capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def check_junit(path, want_failures):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail(f"JUnit root is <{root.tag}>")
    total = 0
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        fails = sum(1 for c in cases if c.find("failure") is not None)
        skips = sum(1 for c in cases if c.find("skipped") is not None)
        if int(suite.get("tests")) != len(cases) or int(suite.get("failures")) != fails or \
                int(suite.get("skipped")) != skips:
            fail(f"suite {suite.get('name')}: counts do not match its testcases")
        for c in cases:
            if not c.get("classname") or not c.get("name") or float(c.get("time")) < 0:
                fail(f"a testcase lacks classname, name or time: {c.attrib}")
        total += fails
    if (total > 0) != want_failures:
        fail(f"{total} JUnit failures, expected {'some' if want_failures else 'none'}")


def test_short():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "night")
        rc, log = nightly(out, SGT_NIGHTLY_FUZZ="1")
        if rc != 0:
            fail(f"clean short nightly exited {rc}:\n{log[-3000:]}")
        for f in FILES + ["fuzz.json", "list.json"]:
            if not os.path.exists(os.path.join(out, f)):
                fail(f"{f} missing from the folder")
        summary = open(os.path.join(out, "summary.txt")).read()
        if summary.count("\n") != 1 or "OK" not in summary or "hazards found 2/2" not in summary:
            fail(f"summary: {summary!r}")
        check_junit(os.path.join(out, "junit.xml"), want_failures=False)
        # Progress weighs the steps by kind: the step before the benchmarks expects
        # the benchmark step's own time (150 s until one has run), not a repro's.
        lines = [l for l in log.splitlines() if re.match(r"\[\d+/\d+\] fuzz threads ", l)]
        left = re.search(r"about (\d+) s left", lines[-1]) if lines else None
        if not left or int(left.group(1)) < 150:
            fail(f"the step before the benchmarks: {lines[-1:]}")
        fuzz = json.load(open(os.path.join(out, "fuzz.json")))
        if sorted(fuzz) != ["fault", "schedule", "threads"] or \
                any(r["exit_code"] or "Done" not in r["summary"] for r in fuzz.values()):
            fail(f"fuzz.json: {fuzz}")
        # A configuration that should be clean and is not: H6's port declared clean.
        p = subprocess.run([PY, os.path.join(SRC, "reports/nightly.py"), out,
                            "--expect-clean", f"{CLEAN},{CARRIER}", "--hazards", "H1 H6"],
                           capture_output=True, text=True)
        summary = open(os.path.join(out, "summary.txt")).read()
        if p.returncode != 1 or "REGRESSION" not in summary:
            fail(f"{CARRIER} declared clean: exit {p.returncode}, {summary!r}")
        check_junit(os.path.join(out, "junit.xml"), want_failures=True)
        # A known hazard no longer found: its repro result says not found.
        path = os.path.join(out, "repro-H6.json")
        doc = json.load(open(path))
        doc["exit_code"] = 1
        json.dump(doc, open(path, "w"))
        p = subprocess.run([PY, os.path.join(SRC, "reports/nightly.py"), out,
                            "--hazards", "H1 H6"], capture_output=True, text=True)
        if p.returncode != 1 or "H6 not found" not in open(os.path.join(out, "summary.txt")).read():
            fail(f"a lost hazard: exit {p.returncode}")


# The scale-out docs/sgtorture.md shows, with the short settings: four shards, two
# at a time under GNU parallel, merged by report.py.
PARALLEL = ("parallel -j2 'SGT_SHARD={}/4 SGT_NIGHTLY_OUT=%s/{} SGT_NIGHTLY_BENCH=none "
            "./scripts/nightly' ::: 1 2 3 4")


def test_shards():
    with tempfile.TemporaryDirectory() as tmp:
        matrices = {}
        rc, log = nightly(os.path.join(tmp, "all"), SGT_SHARD="1/1", SGT_NIGHTLY_HAZARDS="",
                          SGT_NIGHTLY_BENCH="none")
        if rc != 0:
            fail(f"the unsharded nightly exited {rc}:\n{log[-2000:]}")
        env = {**os.environ, **SHORT, "SGT_NIGHTLY_HAZARDS": ""}
        p = subprocess.run(PARALLEL % tmp, shell=True, cwd=SRC, env=env, capture_output=True,
                           text=True, timeout=900)
        if p.returncode != 0:
            fail(f"{PARALLEL % tmp} exited {p.returncode}:\n{(p.stdout + p.stderr)[-2000:]}")
        parts = [str(i) for i in (1, 2, 3, 4)]
        for name, folders in [("all", ["all"]), ("merged", parts)]:
            m = os.path.join(tmp, f"{name}.json")
            subprocess.run([PY, os.path.join(SRC, "reports/report.py"),
                            *[os.path.join(tmp, f) for f in folders], "-o",
                            os.path.join(tmp, f"{name}.html"), "--matrix-json", m], check=True)
            # Pass or not: a port's free-running run may end as FAIL in one night
            # and as CRASH (a SEGV on memory it freed) in another; what merging
            # must keep is every cell and its pass/fail.
            matrices[name] = {setting: {cell: v == "PASS" for cell, v in cells.items()}
                              for setting, cells in json.load(open(m)).items()}
        if matrices["all"] != matrices["merged"] or not matrices["all"]:
            fail(f"merged shards {matrices['merged']} != unsharded {matrices['all']}")
        seen = [{(r["strategy"], r["devres_model"]) for r in
                 json.load(open(os.path.join(tmp, i, "matrix-none.json")))["runs"]} for i in parts]
        if any(not s for s in seen) or any(a & b for i, a in enumerate(seen)
                                           for b in seen[i + 1:]):
            fail(f"the shards did not split the matrix into four disjoint parts: {seen}")


def test_browser():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "night")
        rc, log = nightly(out, SGT_NIGHTLY_HAZARDS="H1")
        page = os.path.join(out, "report.html")
        p = subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + page],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            fail(f"chromium exited {p.returncode}: {p.stderr[-1000:]}")
        console = [l for l in p.stderr.splitlines() if "CONSOLE" in l]
        if console:
            fail("console messages: " + "\n".join(console))
        dom = p.stdout
        if "verdict-matrix-none" not in dom or "class=\"PASS\"" not in dom:
            fail("the page has no verdict matrix")
        if dom.count("data:image/png;base64,") < 3:
            fail("the page shows fewer than 3 plots")
        if "fast path: time against threads, and instructions per call\"" not in dom:
            fail("the benchmark plot lacks its instruction counts")
        if "http://" in dom or "https://" in dom:
            fail("the page loads something from the network: it must be self-contained")


main({"short": test_short, "shards": test_shards, "browser": test_browser}, TEST)
