# SPDX-License-Identifier: GPL-2.0
"""What every Python test of sgtorture shares (torture, repro, sched, nightly):
running it with --json, the registries from `sgtorture list --json`, and
assertions that print the run's replay command when they fail.

A test script is `test_*.py SGTORTURE TEST [BUILD]`; it defines TESTS, a dict
of name -> function, and calls main(TESTS, TEST).  `python3 testlib.py` tests
this file: a failing test prints its own message.
"""
import json
import os
import subprocess
import sys
import tempfile


class Failed(Exception):
    pass


def check(cond, what, run=None):
    """Fail with what, and the run's replay command when there is one."""
    if not cond:
        if run is not None:
            what += "\n  replay: " + run.get("replay", "?")
        raise Failed(what)


def fail(what, run=None):
    """Fail with what (and the run's replay command)."""
    check(False, what, run)


def run(args, timeout=120):
    """Run a command: (exit status, stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def run_json(args, tmp, quiet=True):
    """Run sgtorture ARGS --json TMP/r.json [--quiet]: (exit status, stdout, the JSON or None)."""
    path = os.path.join(tmp, "r.json")
    if os.path.exists(path):
        os.unlink(path)
    rc, out, err = run(args + ["--json", path] + (["--quiet"] if quiet else []))
    doc = json.load(open(path)) if os.path.exists(path) else None
    return rc, out, doc


def sgtorture(binary, *args, timeout=300):
    """Run sgtorture ARGS --json; return (exit status, stdout, stderr, doc or None)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "result.json")
        p = subprocess.run([binary, *args, "--json", path], capture_output=True, text=True,
                           timeout=timeout)
        doc = None
        if os.path.exists(path):
            with open(path) as f:
                doc = json.load(f)
    return p.returncode, p.stdout, p.stderr, doc


_registry = {}


def registry(binary):
    """`sgtorture list --json`: strategies, hazards, Devres models, roles."""
    if binary not in _registry:
        out = subprocess.run([binary, "list", "--json"], check=True, capture_output=True,
                             text=True).stdout
        _registry[binary] = json.loads(out)
    return _registry[binary]


def clean_port(binary):
    """The port the registry declares clean: every test's clean twin."""
    return next(s["name"] for s in registry(binary)["strategies"] if s["declared_clean"])


def hazard(binary, name):
    return next(h for h in registry(binary)["hazards"] if h["name"] == name)


def main(tests, name):
    """Run tests[name]: PASS or FAIL on one line, exit 0, 1, or 2 for an unknown name."""
    if name not in tests:
        print(f"{os.path.basename(sys.argv[0])}: unknown test '{name}': accepted are "
              f"{', '.join(sorted(tests))}", file=sys.stderr)
        sys.exit(2)
    try:
        tests[name]()
    except Failed as e:
        print(f"FAIL {name}: {e}")
        sys.exit(1)
    print(f"PASS {name}")


if __name__ == "__main__":
    # The self-test: a failure says why (a helper shadowing check() once turned
    # every message into a TypeError), and main() prints it on its FAIL line.
    p = subprocess.run([sys.executable, "-c",
                        "import sys; sys.path.insert(0, sys.argv[1]); import testlib; "
                        "testlib.main({'demo': lambda: testlib.fail('the reason')}, 'demo')",
                        os.path.dirname(os.path.abspath(__file__))],
                       capture_output=True, text=True)
    if p.returncode != 1 or p.stdout.strip() != "FAIL demo: the reason":
        print(f"FAIL testlib: exit {p.returncode}, {p.stdout!r} {p.stderr[-500:]!r}")
        sys.exit(1)
    print("PASS testlib")
