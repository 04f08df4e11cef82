#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sched label: controlled schedules are deterministic, replay exactly,
find no false positives, and report a deadlock as a deadlock.

Usage: test_sched.py SGTORTURE TEST

The failing seeds below were found by `sgtorture explore` (pct) and are
deterministic: the same seed gives the same schedule every time.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

from testlib import clean_port, fail, main, registry, run, run_json

SGTORTURE, TEST = sys.argv[1], sys.argv[2]
CLEAN = clean_port(SGTORTURE)  # the registry's declared-clean port


def repro_port(hazard):
    """The port a hazard's smallest configuration runs on (the registry's)."""
    return next(h for h in registry(SGTORTURE)["hazards"]
                if h["name"] == hazard)["repro"]["strategy"]


H7_PORT, H2_PORT = repro_port("H7"), repro_port("H2")
# hazard -> explore options that make pct fail on the first schedule
FOUND_BY_PCT = {
    "H7": ["--seed", "2"],
    "H9": ["--seed", "165"],
    "H10": ["--seed", "107", "--sched-steps", "2000", "--sched-depth", "2"],
}
EXPECT = {"H7": "use-after-free", "H9": "use-after-unmap", "H10": "use-after-unmap"}


def test_determinism():
    """The same seed, 10 times: the identical trace hash (pct and random)."""
    with tempfile.TemporaryDirectory() as tmp:
        for policy in ["pct", "random"]:
            hashes = set()
            for _ in range(10):
                rc, out, doc = run_json([SGTORTURE, "--strategy", H7_PORT, "--sched", policy,
                                         "--seed", "5", "--sched-steps", "5000",
                                         "--sched-dir", tmp], tmp)
                run = doc["runs"][0]
                hashes.add((run["sched"]["trace_hash"], run["sched"]["steps"],
                            tuple(sorted(run["violations"]))))
            if len(hashes) != 1:
                fail(f"{policy}: 10 runs of one seed gave {len(hashes)} traces: {hashes}")
        # And a different seed gives a different schedule (the hash means something).
        rc, out, doc = run_json([SGTORTURE, "--strategy", H7_PORT, "--sched", "random",
                                 "--seed", "6", "--sched-steps", "5000", "--sched-dir", tmp], tmp)
        if (doc["runs"][0]["sched"]["trace_hash"],) == (list(hashes)[0][0],):
            fail("seeds 5 and 6 gave the same trace")


def replay_ten(cmd, expect_hash, kind, tmp, what):
    args = shlex.split(cmd)
    for i in range(10):
        rc, out, doc = run_json(args + ["--sched-dir", tmp], tmp)
        run = doc["runs"][0]
        if rc != 1 or run["exit_reason"] != "found" or kind not in run["violations"]:
            fail(f"{what} replay {i + 1}: exit {rc}, {run['exit_reason']}, "
                 f"{sorted(run['violations'])}")
        got = run["sched"]["trace_hash"]
        if expect_hash is None:
            expect_hash = got
        if got != expect_hash:
            fail(f"{what} replay {i + 1}: trace {got}, expected {expect_hash}")
    return expect_hash


def explore_out(hazard, extra, tmp):
    return run([SGTORTURE, "explore", hazard, "--budget", "1", "--sched-dir", tmp, "--quiet"]
               + extra + FOUND_BY_PCT[hazard], timeout=300)


def test_replay(hazard):
    """A failing pct schedule replays to the same violation and trace, 10 of 10,
    and so does its shrunk schedule."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = explore_out(hazard, ["--no-shrink"], tmp)
        m = re.search(r"^first failure: .* trace ([0-9a-f]{16})", out, re.M)
        replay = re.search(r"^Replay: (.*)$", out, re.M)
        if rc != 0 or not m or not replay:
            fail(f"explore did not find {hazard} (exit {rc}):\n{out[-2000:]}")
        replay_ten(replay.group(1), m.group(1), EXPECT[hazard], tmp, "original")
        rc, out, err = explore_out(hazard, [], tmp)
        shrunk = re.search(r"^Replay shrunk: (.*)$", out, re.M)
        if rc != 0 or not shrunk:
            fail(f"explore did not shrink {hazard} (exit {rc}):\n{out[-2000:]}")
        replay_ten(shrunk.group(1), None, EXPECT[hazard], tmp, "shrunk")


def test_fixed_clean():
    """The clean port: 20 schedules of each racy hazard's configuration, pct and random,
    and plain controlled runs: no violation at all."""
    with tempfile.TemporaryDirectory() as tmp:
        for hazard in ["H7", "H9", "H10"]:
            for policy in ["pct", "random"]:
                rc, out, err = run([SGTORTURE, "explore", hazard, "--strategy", CLEAN,
                                    "--sched", policy, "--budget", "20", "--seed", "1",
                                    "--sched-dir", tmp, "--quiet"], timeout=300)
                # Every oracle counts: not the hazard's alone (a deadlock, say).
                if rc != 0 or " 0 found" not in out or " 0 failed on any oracle" not in out:
                    fail(f"{CLEAN} {hazard} {policy}: exit {rc}:\n{out[-1000:]}")
        for seed in range(1, 11):
            for policy in ["pct", "random"]:
                rc, out, doc = run_json([SGTORTURE, "--strategy", CLEAN, "--devres-model",
                                         "all", "--sched", policy, "--seed", str(seed),
                                         "--sched-steps", "5000", "--sched-dir", tmp], tmp)
                for r in doc["runs"]:
                    if rc != 0 or r["failed"] or r["violations"]:
                        fail(f"{CLEAN} {r['devres_model']} {policy} seed {seed}: exit {rc}, "
                             f"{r['violations']} {r['exit_reason']}")


def test_false_deadlock():
    """A schedule that once ended in a false deadlock: the last bound scope's exit
    made the unbinder's condition true with no schedule point before the exiting
    thread blocked itself, so nobody re-checked.  Every thread now re-checks
    before a deadlock is declared: the schedule runs clean."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_json([SGTORTURE, "--strategy", CLEAN, "--devres-model",
                                 "devres-2026", "--threads",
                                 "creators=0,accessors=1,revokers=1,freers=1", "--objects", "4",
                                 "--devices", "1", "--sched", "random",
                                 "--seed", "4766432944903682817", "--sched-dir", tmp], tmp)
        run = doc["runs"][0]
        if rc != 0 or run["failed"] or run["violations"] or run["exit_reason"] != "completed":
            fail(f"exit {rc}, {sorted(run['violations'])}, {run['exit_reason']}:\n"
                 f"{run['watchdog_dump']}")


def test_fixed_clean_h7():
    """The clean port under 200 random schedules of H7's configuration: clean on every
    oracle (no deadlock, no violation of any kind), not only H7's."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run([SGTORTURE, "explore", "H7", "--strategy", CLEAN, "--sched",
                            "random", "--budget", "200", "--sched-steps", "5000", "--seed", "1",
                            "--sched-dir", tmp, "--quiet"], timeout=600)
        if rc != 0 or "200 schedules" not in out or " 0 failed on any oracle" not in out:
            fail(f"exit {rc}:\n{out[-1500:]}")


# hazard -> explore options whose first schedule draws the hazard's TSan report
# (tsan build: the scheduler's hand-offs are invisible to TSan, so a data race
# between controlled threads is reported as with free threads).
TSAN_FOUND = {
    "H8": ["--seed", "2"],
    "H9": ["--sched", "random", "--seed", "1"],
    "H10": ["--sched", "random", "--seed", "5"],
}


def report_key(run, frame):
    """The TSan report showing frame: its type and the project's top frames."""
    for u in run["tsan"]["unique"]:
        if frame in u["stacks"]:
            frames = [l.split()[1] for l in u["stacks"].splitlines()
                      if l.strip().startswith("#") and len(l.split()) > 1][:4]
            return u["type"], tuple(frames)
    return None


def test_tsan_replay(hazard):
    """explore finds a TSan-only hazard under a controlled schedule; the schedule
    replays 10 of 10 times to the same report (type and top frames)."""
    frame = next(h for h in registry(SGTORTURE)["hazards"]
                 if h["name"] == hazard)["repro"]["tsan_frame"]
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run([SGTORTURE, "explore", hazard, "--budget", "1", "--no-shrink",
                            "--sched-dir", tmp, "--quiet"] + TSAN_FOUND[hazard], timeout=300)
        replay = re.search(r"^Replay: (.*replay .*)$", out, re.M)
        if rc != 0 or not replay:
            fail(f"explore did not find {hazard} (exit {rc}):\n{out[-2000:]}")
        keys = set()
        for i in range(10):
            rc, out, doc = run_json(shlex.split(replay.group(1)) + ["--sched-dir", tmp], tmp)
            r = doc["runs"][0]
            key = report_key(r, frame)
            if "found_at" not in r or not key:
                fail(f"replay {i + 1}: {r['exit_reason']}, no report showing {frame}:\n"
                     + "\n".join(u["stacks"] for u in r["tsan"]["unique"]))
            keys.add(key)
        if len(keys) != 1:
            fail(f"10 replays gave {len(keys)} different reports: {keys}")


def test_schedule_files():
    """A schedule file holds its version and the whole configuration:
    `sgtorture replay FILE` alone replays it to the same trace; a malformed,
    truncated, other-version or other-strategy file exits 2 naming its line."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run([SGTORTURE, "explore", "H7", "--budget", "1", "--no-shrink",
                            "--sched-dir", tmp, "--quiet"] + FOUND_BY_PCT["H7"])
        m = re.search(r"^first failure: .* trace ([0-9a-f]{16})", out, re.M)
        path = re.search(r"^schedule: (.*)$", out, re.M)
        if rc != 0 or not m or not path:
            fail(f"explore did not find H7 (exit {rc}):\n{out[-1500:]}")
        path = path.group(1)
        rc, out, doc = run_json([SGTORTURE, "replay", path, "--sched-dir", tmp], tmp)
        run0 = doc["runs"][0]
        if rc != 1 or run0["sched"]["trace_hash"] != m.group(1) or \
                "use-after-free" not in run0["violations"]:
            fail(f"replay {path}: exit {rc}, trace {run0['sched']['trace_hash']} (expected "
                 f"{m.group(1)}), {sorted(run0['violations'])}")
        lines = open(path).read().splitlines()
        c = next(i for i, line in enumerate(lines) if line.startswith("choices:"))
        cases = {
            "garbage": (["garbage"], ":1: not a sgtorture schedule"),
            "version": (["# sgtorture schedule 1"] + lines[1:], ":1: version 1"),
            "truncated": (lines[:c + 3], f":{c + 3}: truncated"),
            "count": (lines[:c] + ["choices: 99999999"] + lines[c + 1:], "where the header says"),
            "choice": (lines[:c + 1] + ["9" + lines[c + 1][1:]] + lines[c + 2:],
                       f":{c + 2}: choice 9"),
            "word": (lines[:c + 1] + ["x" + lines[c + 1][1:]] + lines[c + 2:], f":{c + 2}: 'x "),
            "no choices": (lines[:2] + lines[c + 1:], ":3: accepted is 'option: NAME=VALUE' or "
                           "'choices: N'"),
            "bad option": (lines[:2] + ["option: nonsense"] + lines[2:],
                           ":3: option 'nonsense': accepted is NAME=VALUE"),
            "unknown option": (lines[:2] + ["option: frobs=1"] + lines[2:], ":3: option 'frobs'"),
            "not a run's": (lines[:2] + ["option: json=/tmp/x"] + lines[2:], ":3: option 'json'"),
            "bad value": (lines[:2] + ["option: objects=0"] + lines[2:],
                          ":3: --objects '0': accepted is a whole number from 1 to 4096"),
        }
        for name, (text, expect) in cases.items():
            bad = os.path.join(tmp, "bad.sched")
            open(bad, "w").write("\n".join(text) + "\n")
            # replay FILE names the bad line; --sched replay:FILE with the defaults'
            # matrix names the file too (its first complaint may be the strategy).
            for args, want in ((["replay", bad], expect), (["--sched", "replay:" + bad], bad)):
                rc, out, err = run([SGTORTURE, *args])
                lines_err = err.strip().splitlines()
                if rc != 2 or len(lines_err) != 1 or want not in err or out:
                    fail(f"{name} ({args[0]}): exit {rc}, expected 2 and one line with "
                         f"'{want}':\n{err}{out[:300]}")
        # A file for another strategy: refused, naming what it was written for.
        rc, out, err = run([SGTORTURE, "replay", path, "--strategy", CLEAN])
        if rc != 2 or f"written for --strategy {H7_PORT}, and the run asks for --strategy " \
                f"{CLEAN}" not in err:
            fail(f"another strategy: exit {rc}: {err}")


def run_check(args, tmp):
    """sgtorture check ARGS --json: (exit status, stdout, the JSON)."""
    path = os.path.join(tmp, "check.json")
    rc, out, err = run([SGTORTURE, "check", *args, "--sched-dir", tmp, "--json", path],
                       timeout=600)
    return rc, out, json.load(open(path)) if os.path.exists(path) else None


def test_check_each_hazard():
    """Every hazard with an oracle under controlled schedules is found by `check ID`
    on its own registry configuration (port, model, ops, seed and preemption bound):
    a configuration that cannot reach its hazard fails here, not in a user's hands."""
    with tempfile.TemporaryDirectory() as tmp:
        for h in registry(SGTORTURE)["hazards"]:
            r = h["repro"]
            if r["sched_oracle"] == "never":
                continue  # TSan only: the tsan build's repro tests find it
            rc, out, doc = run_check([h["name"]], tmp)
            if not doc or not doc["found"] or doc["first_found"]["preemptions"] > \
                    r["check_preemptions"]:
                fail(f"check {h['name']} ({r['strategy']}, {r['devres_model']}, K = "
                     f"{r['check_preemptions']}): exit {rc}, nothing found:\n{out[-800:]}")


def test_check_port():
    """check H7 on its port finds it, with the fewest preemptions (at most 3), and its
    schedule replays to the use after free."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["H7"], tmp)
        first = doc and doc["first_found"]
        if rc != 0 or not first or first["preemptions"] > 3:
            fail(f"check H7: exit {rc}, first {first}:\n{out[-1500:]}")
        rc, out, rdoc = run_json([SGTORTURE, "replay", first["file"], "--sched-dir", tmp], tmp)
        if "use-after-free" not in rdoc["runs"][0]["violations"]:
            fail(f"the counterexample's replay: {sorted(rdoc['runs'][0]['violations'])}")


def test_check_fixed():
    """check H7 --no-dpor on the clean port exhausts K = 2 with no failure of any oracle."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["H7", "--strategy", CLEAN, "--preemptions", "2", "--no-dpor"],
                                 tmp)
        if rc != 0 or not doc["exhausted"] or doc["failed"] or doc["schedules"] < 100:
            fail(f"exit {rc}: {doc}\n{out[-1000:]}")


def run_parts(base, tmp):
    """check BASE --shard 1/2 and 2/2, merged by check_merge.py: (the parts' JSON,
    the merged JSON, the merge's exit status and output)."""
    parts, paths = [], []
    for i in (1, 2):
        _, out, doc = run_check(base + ["--shard", f"{i}/2"], tmp)
        paths.append(os.path.join(tmp, f"part{i}.json"))
        json.dump(doc, open(paths[-1], "w"))
        parts.append(doc)
    merged = os.path.join(tmp, "merged.json")
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = subprocess.run([sys.executable, os.path.join(src, "reports", "check_merge.py"), *paths,
                        "-o", merged], capture_output=True, text=True)
    return parts, json.load(open(merged)) if os.path.exists(merged) else {}, p


def test_check_shards():
    """Two shards of one bound (plain enumeration) run the whole tree between them:
    merged, the same schedules as unsharded, and exhausted."""
    with tempfile.TemporaryDirectory() as tmp:
        base = ["H7", "--strategy", CLEAN, "--preemptions", "1", "--no-dpor"]
        rc, out, whole = run_check(base, tmp)
        parts, m, _ = run_parts(base, tmp)
        if not m.get("exhausted") or m["schedules"] != whole["schedules"] or \
                min(doc["schedules"] for doc in parts) < 2:
            fail(f"merged {m['schedules']} schedules (exhausted {m['exhausted']}), "
                 f"unsharded {whole['schedules']}")


def test_deadlock():
    """H2 under a controlled schedule: a deadlock report naming where each thread
    is blocked, at once, not a watchdog timeout."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        rc, out, doc = run_json([SGTORTURE, "--strategy", H2_PORT, "--devres-model", "devres-6.16",
                                 "--hazard", "H2", "--threads",
                                 "creators=0,accessors=1,revokers=1,freers=0", "--objects", "1",
                                 "--devices", "1", "--sched", "pct", "--seed", "1",
                                 "--sched-dir", tmp], tmp)
        took = time.monotonic() - t0
        run = doc["runs"][0]
        if rc != 1 or run["exit_reason"] != "deadlock":
            fail(f"exit {rc}, {run['exit_reason']}, expected 1 and deadlock")
        if "deadlock" not in run["violations"] or "recursive-lock" not in run["violations"]:
            fail(f"violations {sorted(run['violations'])}")
        if "blocked on" not in run["watchdog_dump"] or "Accessors-0" not in run["watchdog_dump"]:
            fail(f"no positions in the report:\n{run['watchdog_dump']}")
        if took > 5:
            fail(f"took {took:.1f} s: that is a timeout, not a deadlock report")


def test_check_files():
    """check R3 reports two counterexamples: each has its own file, named by its
    oracle, whose replay stops at that oracle and shows the interleaving in
    numbered steps, a column per thread; replaying writes no file."""
    with tempfile.TemporaryDirectory() as tmp:
        # Plain enumeration: it meets another oracle's failure before R3's.
        rc, out, doc = run_check(["R3", "--no-dpor"], tmp)
        found, other = doc and doc["first_found"], doc and doc["first_other_failure"]
        if rc != 0 or not found or not other:
            fail(f"check R3: exit {rc}, expected two counterexamples:\n{out[-1500:]}")
        if found["file"] == other["file"]:
            fail(f"both counterexamples in one file: {found['file']}")
        before = sorted(os.listdir(tmp))
        for e in (found, other):
            oracle = e["file"].split(f"-{H7_PORT}-devres-2026-")[1].rsplit("-", 1)[0]
            config = open(e["file"]).read().splitlines()
            if f"option: until={oracle}" not in config or e["replay"] not in out:
                fail(f"{e['file']}: oracle {oracle}, config {config[:20]}")
            rc, rout, rdoc = run_json(shlex.split(e["replay"]), tmp, quiet=False)
            r = rdoc["runs"][0]
            # The interleaving: numbered steps, a column per thread, the preemption marked.
            steps = re.search(r"^ +step +Accessors-0 +Revokers-0 +Freers-0$", rout, re.M)
            if rc != 1 or r["exit_reason"] != "found" or oracle not in r["violations"] or \
                    not steps or not re.search(r"--- \d+ preemptions? ---", rout) or " us " in rout:
                fail(f"replay {e['replay']}: exit {rc}, {r['exit_reason']}, "
                     f"{sorted(r['violations'])}:\n{rout[-2500:]}")
        after = sorted(f for f in os.listdir(tmp) if f != "r.json")
        if after != [f for f in before if f != "r.json"]:
            fail(f"a replay wrote files: {sorted(set(after) - set(before))}")


def test_freed_record():
    """explore H7 --budget 300 --seed 1 printed 'freed it 2580183743.3 us earlier' (the
    check read an object malloc had handed out again): every use-after-free report
    names a role thread and a plausible number of schedule steps, and no schedule
    crashes (in the asan build: the harness reads no freed memory)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "e.json")
        rc, out, err = run([SGTORTURE, "explore", "H7", "--budget", "300", "--seed", "1",
                            "--no-shrink", "--sched-dir", tmp, "--json", path], timeout=300)
        doc = json.load(open(path))
        roles = {r.capitalize() for r in registry_roles()}
        reports = [f["report"] for f in doc["failures"] if f["oracle"] == "use-after-free"]
        if rc != 0 or len(reports) < 10:
            fail(f"exit {rc}, {len(reports)} use-after-free reports")
        # In the asan build a read of freed memory by the harness ends its child.
        crashed = [f for f in doc["failures"] if f["oracle"].startswith("crash")]
        if crashed:
            fail(f"{len(crashed)} schedules crashed, the first: {crashed[0]}")
        for text in reports:
            m = re.search(r"after (\S+)-\d+ freed it (\d+) schedule steps earlier", text)
            if not m or m.group(1) not in roles or not 0 < int(m.group(2)) <= 20000:
                fail(f"a garbled report: {text!r}")


def registry_roles():
    out = subprocess.run([SGTORTURE, "list", "--json"], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["roles"]


def test_replay_refused():
    """A replay with an option that changes the run is refused, naming it; a
    schedule that cannot be followed stops with exit 2 naming the step and the
    threads that could run, never a quiet fallback."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["H7"], tmp)
        path = doc["first_found"]["file"]
        config = [arg for line in open(path).read().splitlines()
                  if line.startswith("option: ")
                  for name, value in [line[len("option: "):].split("=", 1)]
                  for arg in ["--" + name] + ([value] if value else [])]
        for args in (["replay", path, "--devices", "2"],
                     config + ["--devices", "2", "--sched", "replay:" + path]):
            rc, out, err = run([SGTORTURE, *args])
            if rc != 2 or "--devices 1, and the run asks for --devices 2" not in err or \
                    len(err.strip().splitlines()) != 1:
                fail(f"{args[0]} with --devices 2: exit {rc}: {err}{out[:300]}")
        rc, out, err = run([SGTORTURE, "replay", path, "--sched", "pct"])
        if rc != 2 or "--sched 'pct': accepted is only the file's schedule" not in err:
            fail(f"replay with --sched pct: exit {rc}: {err}{out[:300]}")
        lines = open(path).read().splitlines()
        c = next(i for i, line in enumerate(lines) if line.startswith("choices:"))
        n = int(lines[c].split()[1])
        bad = os.path.join(tmp, "diverge.sched")
        choices = ["0"] * n
        open(bad, "w").write("\n".join(lines[:c + 1] + [" ".join(choices[i:i + 32])
                                                    for i in range(0, n, 32)] + ["end"]) + "\n")
        rc, out, err = run([SGTORTURE, "replay", bad])
        if rc != 2 or not re.search(r"replay diverged at choice \d+ \(step \d+\): the "
                                    r"schedule runs thread 0 \(\S+\), which cannot run; "
                                    r"runnable: \d", err):
            fail(f"a schedule that cannot be followed: exit {rc}: {err}")


def test_shrink_length():
    """explore shrinks the first failure of H7 (seed 1) from 20014 choices to a
    tenth or less, and the shrunk schedule replays to the use after free."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run([SGTORTURE, "explore", "H7", "--budget", "300", "--seed", "1",
                            "--sched-dir", tmp], timeout=300)
        m = re.search(r"; (\d+) choices with (\d+) preemptions -> (\d+) choices with (\d+) "
                      r"preemptions", out)
        replay = re.search(r"^Replay shrunk: (.*)$", out, re.M)
        if rc != 0 or not m or not replay or int(m.group(3)) * 10 > int(m.group(1)):
            fail(f"exit {rc}, shrunk {m and m.groups()}:\n{out[-1500:]}")
        replay_ten(replay.group(1), None, "use-after-free", tmp, "shrunk")


def test_lone_shard():
    """One part of a sharded bound claims only its part: no EXHAUSTED for the
    whole bound, exhausted false in its JSON, part_exhausted true."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["H7", "--strategy", CLEAN, "--shard", "2/4", "--no-dpor"],
                                 tmp)
        if "EXHAUSTED" in out or "part 2/4 exhausted" not in out or doc["exhausted"] or \
                not doc["part_exhausted"] or "in part 2/4 of the bound only" not in out:
            fail(f"exit {rc}:\n{out[-800:]}\n{doc}")


def test_expect_clean():
    """--expect clean: R2 after its fix exits 0 (DPOR within 2 preemptions exhausted,
    no oracle fired); on the Devres before the fix, 1; --expect found reads as before."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["R2", "--devres-model", "devres-2026-fixed", "--expect",
                                  "clean", "--preemptions", "2"], tmp)
        if rc != 0 or not doc["exhausted"] or doc["failed"] or "expected clean: clean" not in out:
            fail(f"R2 fixed --expect clean: exit {rc}:\n{out[-800:]}")
        rc, out, doc = run_check(["R2", "--expect", "clean", "--preemptions", "2"], tmp)
        if rc != 1 or "expected clean: FAILED" not in out:
            fail(f"R2 before its fix --expect clean: exit {rc}:\n{out[-800:]}")
        rc, out, doc = run_check(["R2", "--devres-model", "devres-2026-fixed", "--expect",
                                  "found", "--preemptions", "2"], tmp)
        if rc != 1 or "NOT FOUND" not in out:
            fail(f"R2 fixed --expect found: exit {rc}:\n{out[-800:]}")


def test_tsan_quiet():
    """In the tsan build a schedule with TSan reports prints one line per distinct
    report, from the program's first frame; the raw reports are in the run's log,
    not on the terminal."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = run([SGTORTURE, "explore", "H10", "--budget", "1", "--no-shrink",
                            "--sched-dir", tmp, "--quiet"] + TSAN_FOUND["H10"], timeout=300)
        replay = re.search(r"^Replay: (.*)$", out, re.M)
        if rc != 0 or not replay or "WARNING: ThreadSanitizer" in out + err:
            fail(f"explore H10: exit {rc}:\n{out[-1500:]}{err[-1500:]}")
        rc, out, err = run(shlex.split(replay.group(1)))
        lines = [l for l in out.splitlines() if l.startswith("  ThreadSanitizer ")]
        log = re.search(r"raw reports: (\S+)", out)
        if "WARNING: ThreadSanitizer" in out + err or not lines or not log or \
                "WARNING: ThreadSanitizer" not in open(log.group(1)).read():
            fail(f"replay: exit {rc}:\n{out[-2000:]}{err[-2000:]}")
        for l in lines:
            if not re.match(r"  ThreadSanitizer \S+ x\d+ at \S+ \S+:\d+", l) or " __tsan" in l:
                fail(f"not a one-line report from a program frame: {l!r}")


def test_dpor():
    """check uses DPOR by default: it finds H7 on its port in its pass of the lowest bound,
    and the schedule replays; on a configuration it exhausts (fixed, H2's: one thread) its
    clean verdict says it covered every interleaving; the JSON names what the executions
    saw."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["H7"], tmp)
        first = doc and doc["first_found"]
        if rc != 0 or not first or not doc["dpor"]:
            fail(f"check H7: exit {rc}:\n{out[-1500:]}")
        rc, out, rdoc = run_json([SGTORTURE, "replay", first["file"], "--sched-dir", tmp], tmp)
        if "use-after-free" not in rdoc["runs"][0]["violations"]:
            fail(f"the DPOR counterexample's replay: {sorted(rdoc['runs'][0]['violations'])}")
        if first["preemptions"] > doc["last_bound"] or doc["passes"] != doc["last_bound"] + 1:
            fail(f"check H7: counterexample at {first['preemptions']} preemptions in "
                 f"pass {doc['passes']} (bound {doc['last_bound']})")
        rc, out, doc = run_check(["H2", "--strategy", CLEAN], tmp)
        if rc != 0 or not doc or not doc["exhausted"] or doc["failed"] or doc["pruned"] or \
                not doc.get("covers", "").startswith("every interleaving (DPOR") or \
                "table" not in doc["outcomes_seen"]:
            fail(f"DPOR on the clean port: exit {rc}, {doc}:\n{out[-1500:]}")


def test_dpor_shards():
    """Two parts of a DPOR search (R4's configuration, one operation a thread, every
    execution run): each runs less than the whole, both exhaust their share, and merged
    they see what the unsharded search sees; the merge says what the whole covers."""
    with tempfile.TemporaryDirectory() as tmp:
        base = ["R4", "--ops", "1", "--expect", "clean"]
        _, out, whole = run_check(base, tmp)
        parts, m, p = run_parts(base, tmp)
        for i, doc in enumerate(parts, 1):
            if not doc["part_exhausted"] or doc["exhausted"] or \
                    doc["schedules"] >= whole["schedules"]:
                fail(f"part {i}/2: {doc['schedules']} executions of {whole['schedules']}, "
                     f"part_exhausted {doc['part_exhausted']}")
        if p.returncode or not whole["exhausted"] or not m["exhausted"] or \
                m["covers"] != whole["covers"] or m["schedules"] < whole["schedules"]:
            fail(f"merged: {p.stdout}{p.stderr}\n{m}\nunsharded: {whole}")
        for key in ("violations_seen", "outcomes_seen"):
            if sorted(m[key]) != sorted(whole[key]):
                fail(f"{key}: merged {m[key]}, unsharded {whole[key]}")


def test_choices():
    """check --choices all explores the roles' data choices: on the clean port (H7's
    configuration, one operation a thread, within one preemption) it searches more than
    one vector and says it covered every class of every choice; H5 is found only with a
    choice other than the first, and the counterexample's file holds that choice, so its
    replay reaches H5's oracle; bad values and --shard are refused before anything runs."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, doc = run_check(["H7", "--strategy", CLEAN, "--ops", "1", "--preemptions", "1",
                                  "--choices", "all"], tmp)
        if rc != 0 or not doc["exhausted"] or doc["vectors"] < 2 or doc["failed"] or \
                "every class of every data choice" not in doc["covers"]:
            fail(f"--choices all on the clean port: exit {rc}, {doc}:\n{out[-800:]}")
        rc, out, doc = run_check(["H5", "--ops", "1", "--choices", "all"], tmp)
        first = doc and doc["first_found"]
        lines = open(first["file"]).read().splitlines() if first else []
        if rc != 0 or not first or "option: data-choices=first" in lines or \
                not any(l.startswith("option: data-choices=") for l in lines):
            fail(f"H5 --choices all: exit {rc}, {first}:\n{out[-800:]}")
        rc, rout, rdoc = run_json([SGTORTURE, "replay", first["file"], "--sched-dir", tmp], tmp)
        oracle = doc["oracle"]
        if oracle not in rdoc["runs"][0]["violations"]:
            fail(f"replay of {first['file']}: {sorted(rdoc['runs'][0]['violations'])}, "
                 f"not {oracle}")
        for args, want in ((["--choices", "some"], "--choices 'some': accepted are seed, all"),
                           (["--data-choices", "99.0=1"], "--data-choices '99.0=1': accepted"),
                           (["--choices", "all", "--shard", "1/2"], "accepted: --choices seed")):
            rc, out, err = run([SGTORTURE, "check", "H7", *args])
            if rc != 2 or want not in err or len(err.strip().splitlines()) != 1:
                fail(f"check H7 {' '.join(args)}: exit {rc}: {err}")


def test_dpor_outcomes():
    """On a configuration plain enumeration exhausts with no bound in effect (H4's, K = 16,
    one operation a thread, every schedule run to the end with --expect clean), DPOR
    exhausts too, in fewer executions, and its executions see the same violations and
    outcomes.  (R5's, the same by hand: 979 against 7,590 executions, docs/findings.md;
    too slow for every commit.)"""
    with tempfile.TemporaryDirectory() as tmp:
        for sid in ("H4",):
            base = [sid, "--ops", "1", "--expect", "clean"]
            _, out, plain = run_check(base + ["--preemptions", "16", "--no-dpor"], tmp)
            _, out2, dpor = run_check(base, tmp)
            if not plain or not dpor or not plain["exhausted"] or not dpor["exhausted"]:
                fail(f"{sid}: not both exhausted:\n{out[-600:]}\n{out2[-600:]}")
            for key in ("violations_seen", "outcomes_seen"):
                if sorted(plain[key]) != sorted(dpor[key]):
                    fail(f"{sid}: {key}: plain {plain[key]}, DPOR {dpor[key]}")
            if dpor["schedules"] >= plain["schedules"] or not plain["violations_seen"]:
                fail(f"{sid}: DPOR {dpor['schedules']} executions, plain {plain['schedules']}, "
                     f"violations {plain['violations_seen']}")


# The tests of each build: the controlled schedules' oracles are the violations in
# the default build, TSan in the tsan one, and the asan build checks that the
# harness itself reads no freed memory.  discover.py registers them (--list).
DEFAULT_TESTS = {"determinism": test_determinism, "fixed_clean": test_fixed_clean,
                 "deadlock": test_deadlock, "false_deadlock": test_false_deadlock,
                 "fixed_clean_h7": test_fixed_clean_h7, "schedule_files": test_schedule_files,
                 "check_port": test_check_port, "check_fixed": test_check_fixed,
                 "check_shards": test_check_shards, "check_files": test_check_files,
                 "freed_record": test_freed_record, "replay_refused": test_replay_refused,
                 "shrink_length": test_shrink_length, "lone_shard": test_lone_shard,
                 "expect_clean": test_expect_clean, "check_each_hazard": test_check_each_hazard,
                 "dpor": test_dpor, "dpor_outcomes": test_dpor_outcomes,
                 "dpor_shards": test_dpor_shards, "choices": test_choices}
for h in FOUND_BY_PCT:
    DEFAULT_TESTS["replay_" + h] = lambda h=h: test_replay(h)
TSAN_TESTS = {"tsan_quiet": test_tsan_quiet}
for h in TSAN_FOUND:
    TSAN_TESTS["tsan_replay_" + h] = lambda h=h: test_tsan_replay(h)
BUILD_TESTS = {"default": DEFAULT_TESTS, "tsan": TSAN_TESTS,
               "asan": {"freed_record": test_freed_record}}

if TEST == "--list":
    print("\n".join(BUILD_TESTS.get(sys.argv[3], {})))
    sys.exit(0)
main({name: t for tests in BUILD_TESTS.values() for name, t in tests.items()}, TEST)
