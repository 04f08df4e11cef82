#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The include direction is the link order: check <- kernel <- sgtable, and
the torture engine knows no subject.  Reads every #include line of the tree.

Usage: test_layering.py SOURCE_DIR

A file in a folder may include (with <layer/x.h>) only the layers its folder
allows, and "x.h" only a header beside it (or the engine's, from the
sg-table subject).  The engine's files also must not name a port, a Devres
model or a hazard: those come from the subject.  The torture headers must
not include each other in a circle.
"""
import os
import re
import sys

ROOT = sys.argv[1]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

# folder -> the <layer/...> include prefixes it may use
ALLOWED = {
    "core/check": {"check"},
    "core/kernel": {"check", "kernel"},
    "core/sgtable": {"check", "kernel", "sgtable"},
    "core/tests/check": {"check"},
    "core/tests/kernel": {"check", "kernel"},
    "core/tests/sgtable": {"check", "kernel", "sgtable"},
    "torture/engine": {"check"},
    "torture/sgtable": {"check", "kernel", "sgtable"},
    "torture": {"check"},
    "bench": {"check", "kernel", "sgtable"},
    "bench/tests": {"check", "kernel", "sgtable"},
    "core/tests": {"check"},
    "torture/tests/fuzz": {"check", "kernel", "sgtable"},
}
# Where sources live: every file under them is checked, however deep.
TREES = ("core", "torture", "bench")
LAYERS = {"check", "kernel", "sgtable"}
# "x.h" beyond the file's own folder: the subject implements the engine's interface.
QUOTED_ELSEWHERE = {
    "torture/sgtable": {"../engine/"},
    "torture": {"engine/", "sgtable/"},
    "core/tests/check": {"../"},
    "core/tests/kernel": {"../"},
    "core/tests/sgtable": {"../"},
    "torture/tests/fuzz": {"../../engine/"},
}
# What the engine must never name: ports, models, hazards, the subject's types.
ENGINE_FORBIDDEN = re.compile(r'"(v12|v12-review|v19|setonce-init|fixed|devres-[0-9.]+|H[0-9]+)"'
                              r'|\bsgtable_|\bdevres_|\bSGTABLE_')


def sources(errors):
    """Every C source and header under the trees, recursively; one in a folder with
    no rule is an error of its own, not a file left unchecked."""
    for tree in TREES:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, tree)):
            dirnames.sort()
            folder = os.path.relpath(dirpath, ROOT)
            for name in sorted(filenames):
                if not name.endswith((".c", ".h", ".cc")):
                    continue
                if folder not in ALLOWED:
                    errors.append(f"{folder}/{name}: {folder}/ has no layering rule "
                                  f"(test_layering.py's ALLOWED)")
                    continue
                yield folder, os.path.join(dirpath, name)


def check_file(folder, path, errors, graph):
    text = open(path, encoding="utf-8").read()
    rel = os.path.relpath(path, ROOT)
    for kind, inc in INCLUDE.findall(text):
        head = inc.split("/")[0]
        if kind == "<" and head in LAYERS and head not in ALLOWED[folder]:
            errors.append(f"{rel}: includes <{inc}>: {folder}/ may include "
                          f"{', '.join(sorted(ALLOWED[folder]))}")
        if kind == '"':
            target = os.path.normpath(os.path.join(os.path.dirname(path), inc))
            if "/" in inc and not any(inc.startswith(p) for p in
                                      QUOTED_ELSEWHERE.get(folder, ())):
                errors.append(f'{rel}: includes "{inc}" outside its folder')
            elif not os.path.exists(target) and not os.path.exists(
                    os.path.join(os.path.dirname(os.path.dirname(path)), inc)):
                errors.append(f'{rel}: includes "{inc}", which is not there')
            if rel.startswith("torture"):
                graph.setdefault(rel, set()).add(os.path.relpath(target, ROOT))
    if folder == "torture/engine":
        for n, line in enumerate(text.splitlines(), 1):
            m = ENGINE_FORBIDDEN.search(line)
            if m:
                errors.append(f"{rel}:{n}: the engine names the subject's '{m.group(0)}'")


def find_cycle(graph):
    """A circle in the torture headers' include graph, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt]
            if nxt not in state:
                cycle = visit(nxt, stack + [nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


def main():
    errors, graph, count = [], {}, 0
    for folder, path in sources(errors):
        check_file(folder, path, errors, graph)
        count += 1
    cycle = find_cycle(graph)
    if cycle:
        errors.append("torture includes go in a circle: " + " -> ".join(cycle))
    # The check must be able to fail: a file that breaks the rule is caught.
    probe = []
    check_text = "#include <sgtable/strategy.h>\n"
    for kind, inc in INCLUDE.findall(check_text):
        if inc.split("/")[0] not in ALLOWED["core/check"]:
            probe.append(inc)
    if probe != ["sgtable/strategy.h"]:
        errors.append("the include pattern no longer sees an upward include")
    if count < 50:
        errors.append(f"only {count} files read: has the layout moved?")
    for e in errors:
        print("FAIL", e)
    if errors:
        sys.exit(1)
    print(f"PASS layering: {count} files, every include goes down the layers, "
          "the engine names no port, model or hazard, no include circle in torture/")


main()
