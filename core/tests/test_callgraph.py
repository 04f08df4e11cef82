#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""No two source files call each other, directly or round a circle: the call
graph between the files of core/ and torture/ is a one-way street, as the
include graph is (test_layering.py).  Reads the symbols each object file
defines and uses (nm), so it sees calls, not includes.

Usage: test_callgraph.py BUILD_DIR SOURCE_DIR
"""
import collections
import glob
import os
import subprocess
import sys

BUILD, SOURCE = sys.argv[1], sys.argv[2]
# The program's own objects: the libraries of core/ and the engine, and sgtorture's.
TARGETS = ("sgt_check", "sgt_kernel", "sgt_sgtable", "torture_engine", "sgtorture")


def objects():
    found = []
    for target in TARGETS:
        found += glob.glob(os.path.join(BUILD, "**", "CMakeFiles", target + ".dir", "**", "*.o"),
                           recursive=True)
    # An object whose source is gone is a stale one of an older tree: not the program.
    return sorted(p for p in found if os.path.exists(os.path.join(SOURCE, file_name(p))))


def symbols(path):
    """What the object defines and what it needs from elsewhere."""
    defined, used = set(), set()
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRGSVW":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def file_name(path):
    """core/kernel/devres.c for .../sgt_kernel.dir/kernel/devres.c.o"""
    target, rel = path.split(".dir" + os.sep, 1)
    top = "torture" if os.path.basename(target) in ("torture_engine", "sgtorture") else "core"
    return os.path.join(top, rel[:-len(".o")])


def graph_of(paths):
    owner, uses = {}, {}
    for path in paths:
        defined, used = symbols(path)
        name = file_name(path)
        uses[name] = used
        for sym in defined:
            owner[sym] = name
    graph = collections.defaultdict(set)
    for name, used in uses.items():
        for sym in used:
            if sym in owner and owner[sym] != name:
                graph[name].add((owner[sym], sym))
    return graph


def circles(graph):
    """The strongly connected groups of more than one file (Tarjan), each with its calls."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w, _ in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    errors = []
    # The check must be able to fail: a two-file circle is seen.
    probe = {"a.c": {("b.c", "b")}, "b.c": {("a.c", "a")}}
    if circles(probe) != [["a.c", "b.c"]]:
        errors.append("the circle finder misses a two-file circle")
    paths = objects()
    if len(paths) < 40:
        errors.append(f"only {len(paths)} object files under {BUILD}: has the build moved?")
    graph = graph_of(paths)
    for group in circles(graph):
        calls = [f"{a} -> {b} ({sym})" for a in group for b, sym in sorted(graph[a])
                 if b in group]
        errors.append("files call each other in a circle: " + "; ".join(calls))
    for e in errors:
        print("FAIL", e)
    if errors:
        sys.exit(1)
    print(f"PASS callgraph: {len(paths)} object files of core/ and torture/, no circle of "
          "calls between files")


main()
