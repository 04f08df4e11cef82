#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The torture label: short sgtorture runs whose verdicts are asserted.

Usage: test_torture.py SGTORTURE TEST [BUILD]
Each TEST is one ctest.  BUILD is the preset (default, tsan, asan): a few
expectations differ by build, and say why where they do.

Each run is a few seconds; runs use a fixed seed so a failure replays, and
every assertion names the run's replay command.
"""
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

from testlib import Failed, check, clean_port, hazard, main, registry
from testlib import sgtorture as run_sgtorture

SGTORTURE = sys.argv[1]
CLEAN = clean_port(SGTORTURE)  # the registry's declared-clean port
# The ports a hazard's smallest configuration runs on: the registry names them.
H6_PORT = hazard(SGTORTURE, "H6")["repro"]["strategy"]
H9_PORT = hazard(SGTORTURE, "H9")["repro"]["strategy"]
TEST = sys.argv[2]
BUILD = sys.argv[3] if len(sys.argv) > 3 else "default"
FAULTS = ["devres-alloc=0.01", "devm-add-action=0.01", "page-alloc=0.01",
          "eintr=0.01", "ww-edeadlk=0.01"]

# What a port carries (its ops table's inherent hazards, from `sgtorture list`)
# shows in any few-second run on every devres model as the hazards' repro
# oracles -- except what its registry entry says a short run may miss
# (rare_in_short_runs), and the racy ones (H7), which show in some runs only.
# Those are asserted by the strategies and repro labels instead.
# A run without purgers cannot show a hazard whose repro needs them (H11).
def carries(strategy, without=("purgers",)):
    s = next(s for s in registry(SGTORTURE)["strategies"] if s["name"] == strategy)
    return {hazard(SGTORTURE, h)["repro"]["oracle"] for h in s["inherent"]
            if not hazard(SGTORTURE, h)["race"] and h not in s["rare_in_short_runs"]
            and not any(hazard(SGTORTURE, h)["repro"]["threads"][r] for r in without)}


# Runs that assert other hazards leave purgers out: a purge puts the pages H3
# leaked (hiding its page count) and hands out NULL tables of its own (H11's
# oracle, asserted by repro.H11 and check).
NO_PURGERS = ["--threads", "purgers=0"]


def sgtorture(*args, timeout=300):
    return run_sgtorture(SGTORTURE, *args, timeout=timeout)


def faults():
    out = []
    for f in FAULTS:
        out += ["--fault", f]
    return out


# Tests that assert a race or a clean result run under controlled random schedules
# from a fixed seed: the same interleavings every time (free-running races are
# the nightly's).  CONTROLLED is that, for 20000 schedule points a run.
CONTROLLED = ["--sched", "random", "--sched-steps", "20000"]


def test_fixed_clean():
    """fixed: clean on every devres model, with every fault point on and imports."""
    rc, out, err, doc = sgtorture("--strategy", CLEAN, "--devres-model", "all",
                                  "--imports", *faults(), *CONTROLLED,
                                  "--seed", "11", "--quiet")
    check(doc is not None, "no JSON written")
    for run in doc["runs"]:
        check(not run["failed"] and run["exit_code"] == 0,
              f"{CLEAN}/{run['devres_model']} failed: {run['violations']} "
              f"tsan={run['tsan']['reports']} exit={run['exit_reason']}", run)
        check(run["roles"]["Accessors"]["ops"] > 300,
              f"{CLEAN}/{run['devres_model']}: accessors barely ran", run)
        check(run["outcomes"].get("table", {}).get("count", 0) > 0,
              f"{CLEAN}/{run['devres_model']}: never got a table", run)
        check(run["outcomes"].get("-ENODEV", {}).get("count", 0) > 0,
              f"{CLEAN}/{run['devres_model']}: never raced an unbind", run)
        check(any(w["contended"] > 0 for w in run["windows"]),
              f"{CLEAN}/{run['devres_model']}: no race window was ever contended", run)
        check(all(v == 0 for v in run["leaks"].values()),
              f"{CLEAN}/{run['devres_model']}: leaks {run['leaks']}", run)
    check(rc == 0, f"exit {rc}, expected 0\n{out[-2000:]}")
    check("PASS" in out and "FAIL" not in out, "verdict table does not say PASS")


def test_verdict(strategy):
    """A port's verdict on every model holds the kinds of the hazards it carries."""
    rc, out, err, doc = sgtorture("--strategy", strategy, "--devres-model", "all",
                                  "--fault", "devres-alloc=0.02", *CONTROLLED, *NO_PURGERS,
                                  "--seed", "1", "--quiet")
    check(rc == 1, f"{strategy}: exit {rc}, expected 1")
    check(doc is not None and doc["verdict"] == "FAILURE", "JSON verdict is not FAILURE")
    for run in doc["runs"]:
        kinds = set(run["violations"])
        check(run["failed"], f"{strategy}/{run['devres_model']} passed", run)
        if run["exit_reason"].startswith("crash"):
            # A port's use of memory it freed can end the run: a SEGV, or
            # a sanitizer stopping at the first use (ASan) or faulting on a
            # destroyed lock (TSan).  The verdict is right; the other kinds
            # had no time to show.
            check(kinds or run["tsan"]["reports"] or run["exit_reason"] == "crash-exit-1",
                  f"{strategy}/{run['devres_model']}: crashed with nothing counted", run)
            continue
        missing = carries(strategy) - kinds
        check(not missing, f"{strategy}/{run['devres_model']}: expected {sorted(missing)} "
              f"among the violations, saw {sorted(kinds)} ({run['exit_reason']})", run)
        check("Replay: " in out, f"{strategy}: no Replay line printed")


def test_known_bad_variant():
    """H9's port with H9 (no sgt_lock): TSan reports the race in the tsan build
    (TSan sees the program's synchronisation only, under controlled schedules);
    elsewhere the losing populator's map drop unmaps a table in use, which the
    port on devres-6.17 never does without the variant."""
    args = ["--strategy", H9_PORT, "--devres-model", "devres-6.17", *CONTROLLED, *NO_PURGERS,
            "--seed", "1", "--quiet"]
    rc, out, err, doc = sgtorture(*args, "--hazard", "H9")
    check(rc == 1, f"exit {rc}, expected 1")
    run = doc["runs"][0]
    if BUILD == "tsan":
        check(any(u["type"] == "data-race" and
                  ("sgtable_map.c" in u["stacks"] or "gem_shmem.c" in u["stacks"])
                  for u in run["tsan"]["unique"]),
              "H9: no data race in the map's code among the TSan reports", run)
    check("double-unmap" in run["violations"],
          f"H9: no double-unmap in {sorted(run['violations'])}", run)
    # The twin: the same configuration without the variant has none of it.
    rc, out, err, doc = sgtorture(*args)
    run = doc["runs"][0]
    check("double-unmap" not in run["violations"] and run["tsan"]["reports"] == 0,
          f"{H9_PORT} without H9 shows H9's oracle: {sorted(run['violations'])} "
          f"tsan={run['tsan']['reports']}", run)


BAD_USAGE = [
    (["--strategy", "v20"], "'v20'", CLEAN),
    (["--strategy", f"{CLEAN},bogus"], "'bogus'", CLEAN),
    (["--duration", "-1"], "'-1'", "0.001 to 86400"),
    (["--duration", "soon"], "'soon'", "0.001 to 86400"),
    # Hostile numbers: strtod takes these, and a NaN duration would run for ever.
    (["--duration", "nan"], "'nan'", "0.001 to 86400"),
    (["--duration", "inf"], "'inf'", "0.001 to 86400"),
    (["--duration", "1e999"], "'1e999'", "0.001 to 86400"),
    (["--jitter", "-nan"], "'-nan'", "0 to 1"),
    (["--stutter", "infinity"], "'infinity'", "0 to 3600"),
    (["--objects", "99999999999999999999"], "'99999999999999999999'", "4096"),
    (["--seed", "99999999999999999999999"], "'99999999999999999999999'", "whole number"),
    (["--threads", "accessors=1e3"], "'1e3'", "0 to 64"),
    # Outputs are checked before anything runs, so a result is never lost at the end.
    (["--json", "/nonexistent/dir/x.json"], "/nonexistent/dir/x.json", "cannot write"),
    (["--sched-dir", "/nonexistent/dir"], "/nonexistent/dir", "writable directory"),
    (["frobnicate"], "'frobnicate'", "explore"),
    (["repro", "H99"], "'H99'", "H1..H11"),
    (["list", "--strategy"], "'--strategy'", "--json"),
    (["--progress", "3/3"], "'3/3'", "DONE/TOTAL"),
    (["--threads", "accessors=0"], "accessors=0", "1 to 64"),
    (["--threads", "readers=2"], "readers=2", "accessors=N"),
    (["--devres-model", "devres-5"], "'devres-5'", "devres-2026"),
    (["--hazard", "H12"], "H12", "H11"),
    (["--fault", "nope=0.1"], "nope=0.1", "devres-alloc"),
    (["--jitter", "2"], "'2'", "0 to 1"),
    (["--objects", "0"], "'0'", "4096"),
    (["--bogus"], "--bogus", "--help"),
    (["--sched", "fifo"], "'fifo'", "pct"),
    (["--sched", "replay:/nonexistent.sched"], "/nonexistent.sched", "cannot read"),
    (["--shard", "3/2"], "'3/2'", "I/N"),
    (["--until", "explosion"], "'explosion'", "use-after-free"),
    (["--until-match", "x"], "'x'", "--until KIND"),
    (["--seed", "-3"], "'-3'", "whole number"),
]


def test_bad_usage():
    for args, bad, accepted in BAD_USAGE:
        p = subprocess.run([SGTORTURE, *args], capture_output=True, text=True, timeout=30)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == 2, f"{args}: exit {p.returncode}, expected 2")
        check(len(lines) == 1, f"{args}: {len(lines)} lines on stderr, expected one:\n"
              + p.stderr)
        check(bad in lines[0] and accepted in lines[0],
              f"{args}: '{lines[0]}' does not name {bad} and the accepted {accepted}")
        check(p.stdout == "", f"{args}: ran anyway:\n{p.stdout[:500]}")
    p = subprocess.run([SGTORTURE, "--help"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, "--help did not exit 0")
    for opt in ["--strategy", "--devres-model", "--hazard", "--threads", "--objects",
                "--devices", "--duration", "--seed", "--fault", "--stutter", "--jitter",
                "--stat-interval", "--json", "--quiet", "--watchdog"]:
        check(opt in p.stdout, f"--help does not list {opt}")


def test_watchdog():
    """An accessor that hangs holding a resv: the watchdog stops the run, exit 3,
    and the dump, printed once, names the stuck thread, its operation and the lock
    it holds."""
    # The hang comes at once, long before the 2 s watchdog: on a loaded machine a
    # later hang (0.5 s, with a 1 s watchdog) once lost to another thread's slow
    # wait, and the dump was taken before the accessor had hung.
    t0 = time.monotonic()
    rc, out, err, doc = sgtorture("--strategy", CLEAN, "--inject-hang", "0.01",
                                  "--watchdog", "2", "--duration", "60", "--seed", "3",
                                  "--stat-interval", "0")
    check(rc == 3, f"exit {rc}, expected 3\n{err[-1000:]}")
    check(time.monotonic() - t0 < 30, "the watchdog took longer than 30 s")
    run = doc["runs"][0]
    check(run["exit_reason"] == "watchdog", f"exit_reason {run['exit_reason']}", run)
    dump = run["watchdog_dump"]
    # Either watchdog may fire first: the progress watchdog on the hung
    # thread, or the wait watchdog on any thread blocked behind it.
    check(dump.startswith("watchdog: ") and ("no progress in" in dump or " waited for " in dump),
          f"dump does not say what stopped:\n{dump}")
    check("Accessors-0: op=injected hang" in dump and "reservation_ww_class_mutex" in dump,
          f"dump does not show the stuck thread's operation and held lock:\n{dump}")
    check("Replay: " in out, "no Replay line")
    # Printed once, by the parent with the result (what a sleeping thread waits for:
    # core.test_mutex, deterministically).
    check((out + err).count(dump.splitlines()[0]) == 1,
          f"the dump is printed {(out + err).count(dump.splitlines()[0])} times")


def test_crash():
    """A crash (an injected write through NULL) is a CRASH verdict; outside the
    sanitizer builds, whose own handler reports it, the result names the
    crashing thread and gives its symbolized stack, from the faulting function."""
    rc, out, err, doc = sgtorture("--strategy", CLEAN, "--inject-crash", "0.01",
                                  "--duration", "30", "--seed", "3", "--quiet")
    run = doc["runs"][0]
    check(rc == 1 and run["exit_reason"].startswith("crash-"),
          f"exit {rc}, {run['exit_reason']}", run)
    if BUILD != "default":
        return
    crash = run.get("crash")
    check(crash and crash["signal"] == "SEGV" and crash["thread"] == "Accessors-0" and
          crash["stack"].lstrip().startswith("#0 inject_crash run.c:"),
          f"crash report: {crash}", run)
    rc, out, err, doc = sgtorture("--strategy", CLEAN, "--inject-crash", "0.01",
                                  "--duration", "30", "--seed", "3", "--stat-interval", "0")
    check("  crash: SEGV in Accessors-0:" in out, f"no crash report in the output:\n{out[-1500:]}")


def test_scripts_repro():
    """scripts/repro takes a reported race's id as well as a hazard's, and names
    every accepted id for an unknown one (exit 2)."""
    if BUILD != "default":
        return
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = subprocess.run([os.path.join(root, "scripts", "repro"), "X9"], capture_output=True,
                       text=True, timeout=600)
    names = [e["name"] for e in registry(SGTORTURE)["hazards"] +
             registry(SGTORTURE)["reported_races"]]
    check(p.returncode == 2 and "unknown id 'X9'" in p.stderr and " ".join(names) in p.stderr,
          f"exit {p.returncode}: {p.stderr}")


def test_list_text():
    """The text `list` shows every registry the docs say: strategies, roles,
    outcomes with each port's grade, hazards, reported races, Devres models."""
    out = subprocess.run([SGTORTURE, "list"], capture_output=True, text=True, check=True).stdout
    reg = registry(SGTORTURE)
    for section in ("strategies (", "roles (", "outcomes, graded", "hazards (",
                    "devres models ("):
        check(section in out, f"no section '{section}' in list:\n{out[:2000]}")
    for name in ([s["name"] for s in reg["strategies"]] + reg["roles"] + reg["outcomes"] +
                 [h["name"] for h in reg["hazards"]] + [r["name"] for r in reg["reported_races"]] +
                 [m["name"] for m in reg["devres_models"]]):
        check(name in out, f"list does not show {name!r}")
    # Each reported race or bug with its source and date; review findings as checks.
    for r in reg["reported_races"]:
        check(f"reported: {r['reported']}" in out, f"list does not show where {r['name']} "
              f"was reported: {r['reported']!r}")
        for h in r["findings"]:
            check(f"finding {h}: sgtorture check {h} --strategy {r['strategy']}" in out,
                  f"list does not show {r['name']}'s finding {h}")
    # A hazard's models are derived from the Devres models' data; its repro runs on one.
    for h in reg["hazards"]:
        check(h["repro"]["devres_model"] in h["models"],
              f"{h['name']}: repro on {h['repro']['devres_model']}, models {h['models']}")


def test_quiet():
    """--quiet prints one line a run (End of test), a failure's Replay line and the
    verdict table: no outcome tables or reports, which --json holds."""
    rc, out, err, doc = sgtorture("--strategy", f"{H6_PORT},{CLEAN}", "--devres-model", "all",
                                  *CONTROLLED, "--sched-steps", "2000", "--seed", "1", "--quiet")
    runs = len(doc["runs"])
    ends = [l for l in out.splitlines() if l.startswith("End of test: ")]
    rest = [l for l in out.splitlines() if not l.startswith("End of test: ")]
    check(rc == 1 and len(ends) == runs, f"exit {rc}, {len(ends)} End of test lines for {runs}")
    failed = sum(r["failed"] for r in doc["runs"])
    replays = [l for l in rest if l.startswith("Replay: ")]
    table = [l for l in rest if not l.startswith("Replay: ")]
    check(len(replays) == failed, f"{len(replays)} Replay lines for {failed} failed runs")
    check(len(table) <= runs + 6 and not any(l.startswith(("  observed", "  violation",
                                                           "Schedule:")) for l in table),
          f"more than the verdict table:\n{out[-3000:]}")


def test_json():
    """The JSON holds the configuration, seed, per-role counts, violations by kind
    with their first message, TSan count, duration and exit reason, for a failing
    run; and a run stopped by a signal still writes it."""
    # devres-6.17: H6's port carries only H6 there, so its run completes
    # (H7 on the other models can crash it under the sanitizers).
    rc, out, err, doc = sgtorture("--strategy", f"{H6_PORT},{CLEAN}", "--devres-model",
                                  "devres-6.17", *CONTROLLED,
                                  "--seed", "42", "--threads",
                                  "creators=1,accessors=3,revokers=1,freers=1", "--quiet")
    check(rc == 1, f"exit {rc}, expected 1")
    check(doc["config"]["seed"] == 42 and doc["config"]["threads"]["Accessors"] == 3,
          f"config: {doc['config']}")
    check(doc["verdict"] == "FAILURE" and doc["exit_code"] == 1, "top-level verdict")
    port, clean = doc["runs"]  # H6's port and the clean one
    check(port["strategy"] == H6_PORT and clean["strategy"] == CLEAN, "run order")
    check(len(port["roles"]["Accessors"]["per_thread"]) == 3, "per-thread counts")
    check(sum(port["roles"]["Accessors"]["per_thread"]) == port["roles"]["Accessors"]["ops"],
          "per-thread counts do not add up")
    uau = port["violations"].get("use-after-unmap")
    check(uau and uau["count"] > 0 and "thread " in uau["first"],
          f"port violations: {port['violations']}")
    check(port["outcomes"]["dangling table"]["expectation"] == "FORBIDDEN", "outcome grades")
    check(0 < port["duration"] < 10, f"duration {port['duration']}")
    check(port["exit_reason"] == "completed" and clean["exit_code"] == 0, "exit reasons")
    check("--seed 42" in port["replay"], "replay has no seed")
    check("reports" in port["tsan"], "tsan count")

    # Stopped by SIGTERM half-way through a long run: the JSON is still written.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.json")
        p = subprocess.Popen([SGTORTURE, "--strategy", f"{CLEAN},{H6_PORT}", "--duration", "60",
                              "--seed", "1", "--quiet", "--json", path],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
        check(os.path.exists(path), "no JSON after SIGTERM")
        with open(path) as f:
            doc = json.load(f)
        first, second = doc["runs"]
        check(first["exit_reason"] == "signal", f"exit_reason {first['exit_reason']}")
        check(first["roles"]["Accessors"]["ops"] > 0 and first["duration"] < 30,
              "the stopped run's counts are not there")
        check(second["exit_reason"] == "not-run", "the second run ran after the signal")


def help_defaults():
    """--OPTION -> the default --help prints for it (from the option table)."""
    out = subprocess.run([SGTORTURE, "--help"], capture_output=True, text=True,
                         check=True).stdout
    # Each option's entry runs from its "  --name" line to the next one.
    entries = re.split(r"^  (?=--)", out.split("\n\n", 1)[1], flags=re.M)[1:]
    found = {}
    for e in entries:
        text = " ".join(e.split())
        m = re.search(r"default: ([^)]*)\)$", text)
        if m:
            found[text.split()[0]] = m.group(1)
    return found


def test_options_table():
    """One table drives --help, the defaults, --json's config and the replay
    line: the default --help names is the one a run applies; a value with
    quotes and spaces survives the printed Replay: line and a schedule file."""
    defaults = help_defaults()
    check(len(defaults) >= 30, f"--help lists {len(defaults)} defaults")
    rc, out, err, doc = sgtorture("--strategy", CLEAN, "--duration", "0.05",
                                  "--stat-interval", "0")
    config = doc["config"]
    compared = 0
    for opt, shown in defaults.items():
        key = opt[2:].replace("-", "_")
        if key not in config or key in ("strategy", "duration", "stat_interval", "seed"):
            continue
        value = config[key]
        if isinstance(value, dict):  # threads, by role name
            continue
        text = ("on" if value else "off") if isinstance(value, bool) else \
            "none" if value is None else value
        if key == "faults":
            text = "none" if not value else ",".join(value)
        if isinstance(value, float) and value == int(value):
            text = str(int(value))
        if value is None and shown in ("none", "never"):  # JSON's null for "none" rows
            text = shown
        compared += 1
        check(str(text) == shown, f"{opt}: --help says default {shown}, a run applies {text}")
    check(compared >= 12, f"only {compared} defaults compared")
    # A hostile --until-match: quotes, spaces, a dollar; the printed replay keeps it.
    text = "it's \"a\" $HOME"
    rc, out, err, doc = sgtorture("--strategy", CLEAN, "--duration", "0.05", "--stat-interval",
                                  "0", "--until", "use-after-free", "--until-match", text)
    replay = doc["runs"][0]["replay"]
    echo = re.search(r"^End of test: \w+: (.*) exit=", out, re.M)
    check(echo and echo.group(1) in replay, f"End of test and replay differ:\n{out}\n{replay}")
    args = shlex.split(replay)
    rc, out, err, again = run_sgtorture(args[0], *args[1:], "--duration", "0.05",
                                        "--stat-interval", "0")
    check(again and again["config"]["until_match"] == text and
          again["config"]["seed"] == doc["config"]["seed"],
          f"the replay line {replay} ran {again and again['config']}")
    # A control character cannot be kept on one line: refused.
    p = subprocess.run([SGTORTURE, "--until", "use-after-free", "--until-match", "a\nb"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 2 and "control" in p.stderr, f"newline: exit {p.returncode}")


TESTS = {
    "options_table": test_options_table,
    "fixed_clean": test_fixed_clean,
    "known_bad_variant": test_known_bad_variant,
    "bad_usage": test_bad_usage,
    "watchdog": test_watchdog,
    "crash": test_crash,
    "scripts_repro": test_scripts_repro,
    "list_text": test_list_text,
    "quiet": test_quiet,
    "json": test_json,
}
for s in registry(SGTORTURE)["strategies"]:
    if s["inherent"]:
        TESTS["verdict_" + s["name"]] = lambda s=s["name"]: test_verdict(s)

if __name__ == "__main__":
    main(TESTS, TEST)
