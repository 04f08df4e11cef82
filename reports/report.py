#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A self-contained HTML report from nightly folders (scripts/nightly).

Usage: report.py FOLDER... [-o report.html] [--trend] [--matrix-json FILE]

Several folders are merged (the shards of one night: each holds some of the
matrix); with --trend each folder is one night, the newest gives the matrix
and every night a point on the trend plots.  Plots are matplotlib's
(Debian's python3-matplotlib), embedded as PNG data, so the page is one file
with no script.  --matrix-json writes the merged verdict matrix, for tests.
"""
import argparse
import base64
import glob
import html
import io
import json
import os
import statistics
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

from bench_report import load as load_bench, load_instructions  # noqa: E402
from sgt_results import load, registry_of, runs_of  # noqa: E402

# Filled from the folder's list.json (`sgtorture list --json`), in registry order.
STRATEGIES, MODELS, CLEAN = [], [], []
LOCK_CHOICE = {}    # strategy -> dma_resv, mutex or set-once
ROLES = ["Accessors", "Creators", "Revokers", "Freers"]


def set_registry(folders):
    """The strategies and models in registry order, and the ports that carry no
    hazard, from the folders' list.json; else in the order the runs came."""
    reg = next((r for r in map(registry_of, folders) if r), None)
    if reg:
        STRATEGIES[:] = [s["name"] for s in reg["strategies"]]
        MODELS[:] = [m["name"] for m in reg["devres_models"]]
        CLEAN[:] = [s["name"] for s in reg["strategies"] if s["declared_clean"]]
        LOCK_CHOICE.update({s["name"]: s["lock_choice"] for s in reg["strategies"]})
        return
    for f in folders:
        for _, run in runs_of(f):
            if run["strategy"] not in STRATEGIES:
                STRATEGIES.append(run["strategy"])
            if run["devres_model"] not in MODELS:
                MODELS.append(run["devres_model"])


def verdict(run):
    if run["exit_reason"] in ("watchdog", "watchdog-killed") or run["exit_code"] == 3:
        return "HANG"
    if run["exit_reason"].startswith("crash"):
        return "CRASH"
    return "FAIL" if run["failed"] else "PASS"


def matrix(runs):
    m = {}
    for setting, run in runs:
        m.setdefault(setting, {})[f"{run['strategy']}|{run['devres_model']}"] = verdict(run)
    return m


def png(fig, alt="plot"):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return (f"<img alt='{html.escape(alt)}' src='data:image/png;base64,"
            + base64.b64encode(buf.getvalue()).decode() + "'>")


def bench_series(path):
    """{(strategy, shape): {threads: median ns}} with the floors as ("floor/raw",
    None) and ("floor/model", None); and instructions.json's counts beside it."""
    times = load_bench(path)[1] if path and os.path.exists(path) else {}
    series = defaultdict(dict)
    for name, xs in times.items():
        parts = name.split("/")
        t = next((int(p.split(":")[1]) for p in parts if p.startswith("threads:")), 1)
        if parts[0] == "floor" and parts[1] in ("raw", "model"):
            series[(f"floor/{parts[1]}", None)][t] = statistics.median(xs)
        elif parts[0] == "fastpath":
            series[(parts[1], parts[2])][t] = statistics.median(xs)
    ins = load_instructions(os.path.join(os.path.dirname(path), "instructions.json")) \
        if path else {}
    return series, ins


# The review's question at a glance: colour is the lock choice, line style the
# shape, a marker each strategy (a declared-clean port's a star); the floors in
# black and grey.
LOCK_COLOURS = {"dma_resv": "#c0392b", "mutex": "#2166ac", "set-once": "#1a9850"}
MARKERS = ["o", "s", "^", "D", "v", "P"]


def series_style(key):
    name, shape = key
    if name == "floor/raw":
        return dict(color="black", linestyle="-", linewidth=2.5, marker=None, label="floor/raw")
    if name == "floor/model":
        return dict(color="0.55", linestyle="-", linewidth=2.5, marker=None,
                    label="floor/model")
    same = [s for s in STRATEGIES if LOCK_CHOICE.get(s) == LOCK_CHOICE.get(name)]
    marker = "*" if name in CLEAN else MARKERS[same.index(name) % len(MARKERS)] \
        if name in same else "x"
    return dict(color=LOCK_COLOURS.get(LOCK_CHOICE.get(name), "0.3"),
                linestyle="-" if shape == "shared" else "--", marker=marker,
                markersize=11 if name in CLEAN else 6, linewidth=1.5,
                label=f"{name} ({LOCK_CHOICE.get(name, '?')}), {shape.replace('_', ' ')}")


def plot_fastpath(series, ins):
    order = [("floor/raw", None), ("floor/model", None)] + \
        [(s, shape) for s in STRATEGIES for shape in ("shared", "per_thread")] + \
        sorted(k for k in series if k[0] not in STRATEGIES and not k[0].startswith("floor"))
    keys = [k for k in order if k in series]
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    for k in keys:
        ts = sorted(series[k])
        a.plot(ts, [series[k][t] for t in ts], **series_style(k))
    a.set(xscale="log", yscale="log", xlabel="threads", ylabel="ns per call (all threads)",
          title="time: fast path against threads (median of the repetitions)")
    a.set_xticks([1, 2, 4, 8], ["1", "2", "4", "8"])
    a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    a.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    a.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    a.grid(alpha=0.3)
    plot_instructions(b, keys, ins)
    handles, labels = a.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 0.95), fontsize=8,
               title="lock choice: colour; shape: line", title_fontsize=8)
    fig.tight_layout()
    return png(fig, "fast path: time against threads, and instructions per call" +
               ("" if ins else " (none counted)"))


def plot_instructions(ax, keys, ins):
    """Instructions per call at one thread, beside the times, the floors as lines."""
    bars = [k for k in keys if not k[0].startswith("floor")
            and f"fastpath/{k[0]}/{k[1]}/real_time/threads:1" in ins]
    ax.set_title("instructions per call, 1 thread (valgrind)")
    if not bars:
        ax.text(0.5, 0.5, "no instruction counts\n(scripts/bench --instructions)",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    for i, k in enumerate(bars):
        v = ins[f"fastpath/{k[0]}/{k[1]}/real_time/threads:1"]
        ax.bar(i, v, color=series_style(k)["color"], hatch="" if k[1] == "shared" else "//",
               edgecolor="white")
        ax.text(i, v, f"{v:.0f}" + (" *" if k[0] in CLEAN else ""), ha="center",
                va="bottom", fontsize=7)
    for name, colour in [("raw", "black"), ("model", "0.55")]:
        v = ins.get(f"floor/{name}/real_time/threads:1")
        if v is not None:
            ax.axhline(v, color=colour, linewidth=2, zorder=0)
            ax.text(-0.5, v, f"floor/{name} {v:.0f}", va="bottom", ha="left", fontsize=7,
                    color=colour)
    ax.set_xticks(range(len(bars)), [f"{k[0]}\n{k[1].replace('_', ' ')}" for k in bars],
                  rotation=60, fontsize=7)
    ax.set(ylabel="instructions per call (hatched: per thread)")
    ax.grid(alpha=0.3, axis="y")


def plot_roles(runs):
    rates = defaultdict(list)
    for setting, run in runs:
        if setting == "none":
            for r in ROLES:
                v = run["roles"].get(r, {}).get("per_thread_per_second")
                if v:
                    rates[(run["strategy"], r)].append(v)
    if not rates:
        return "<p>no torture runs</p>"
    fig, ax = plt.subplots(figsize=(11, 3.5))
    width = 0.18
    for i, r in enumerate(ROLES):
        ys = [statistics.median(rates.get((s, r), [0])) for s in STRATEGIES]
        ax.bar([x + i * width for x in range(len(STRATEGIES))], ys, width, label=r)
    ax.set_xticks([x + 1.5 * width for x in range(len(STRATEGIES))], STRATEGIES)
    ax.set(yscale="log", ylabel="operations / s / thread", title="throughput per role (no faults)")
    ax.legend(fontsize=8)
    return png(fig)


def plot_detect(repro):
    hs = [h for h in sorted(repro, key=lambda h: (h[0], int(h[1:]))) if repro[h].get("found_at")]
    if not hs:
        return "<p>no hazard found</p>"
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.bar(hs, [repro[h]["found_at"] for h in hs], color="#b04040")
    ax.set(yscale="log", ylabel="seconds to the first report", title="time to detect, per hazard")
    return png(fig)


def plot_trends(nights):
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.5))
    xs = list(range(len(nights)))
    labels = [os.path.basename(os.path.normpath(f)) for f, _, _, _ in nights]
    a.plot(xs, [sum(1 for _, r in runs if r["failed"] and r["strategy"] in CLEAN)
                for _, runs, _, _ in nights], marker="o",
           label="clean ports failing")
    a.plot(xs, [sum(1 for _, r in runs if r["failed"]) for _, runs, _, _ in nights],
           marker="o", label="all failing")
    a.set(title="failing runs per night", xticks=xs)
    a.set_xticklabels(labels, rotation=30, fontsize=7)
    a.legend(fontsize=8)
    hs = sorted({h for _, _, rep, _ in nights for h in rep}, key=lambda h: (h[0], int(h[1:])))
    for h in hs:
        b.plot(xs, [rep.get(h, {}).get("found_at") for _, _, rep, _ in nights], marker="o",
               label=h)
    b.set(yscale="log", title="time to detect per hazard (s)", xticks=xs)
    b.set_xticklabels(labels, rotation=30, fontsize=7)
    b.legend(fontsize=7, ncol=2)
    return png(fig)


def repro_of(folder):
    out = {}
    for path in glob.glob(os.path.join(folder, "repro-*.json")):
        doc = load(path)
        if doc and doc.get("runs"):
            run = dict(doc["runs"][0])
            run["found"] = doc["exit_code"] == 0
            run["until"] = doc.get("config", {}).get("until")
            name = os.path.basename(path)[len("repro-"):-len(".json")]
            # sgtorture report's text for a found hazard (scripts/nightly writes it)
            text = os.path.join(folder, f"report-{name}.txt")
            run["report_file"] = text if os.path.exists(text) else None
            out[name] = run
    return out


def esc(s):
    return html.escape(str(s))


def matrix_html(m):
    out = []
    for setting in sorted(m):
        out.append(f"<h3>{esc(setting)}</h3><table class='matrix' id='verdict-matrix-{esc(setting)}'>"
                   "<tr><th>strategy</th>" + "".join(f"<th>{esc(x)}</th>" for x in MODELS) + "</tr>")
        for s in STRATEGIES:
            cells = [m[setting].get(f"{s}|{x}", "-") for x in MODELS]
            if all(c == "-" for c in cells):
                continue
            out.append(f"<tr><th>{esc(s)}</th>" + "".join(
                f"<td class='{c}'>{c}</td>" for c in cells) + "</tr>")
        out.append("</table>")
    return "".join(out)


def failures_html(runs):
    out = []
    for setting, run in runs:
        if not run["failed"]:
            continue
        v = "".join(f"<li><b>{esc(k)}</b> x{x['count']}: {esc(x['first'])}</li>"
                    for k, x in sorted(run["violations"].items()))
        ts = "".join(f"<pre>ThreadSanitizer {esc(u['type'])} x{u['count']}\n{esc(u['stacks'])}</pre>"
                     for u in run["tsan"]["unique"])
        tl = f"<pre class='timeline'>{esc(run['timeline'])}</pre>" if run.get("timeline") else ""
        out.append(f"<details><summary>{esc(run['strategy'])} / {esc(run['devres_model'])} / "
                   f"{esc(setting)}: {verdict(run)} ({esc(', '.join(sorted(run['violations'])))})"
                   f"</summary><ul>{v}</ul>{tl}{ts}<p>replay: <code>{esc(run.get('replay', ''))}"
                   f"</code></p></details>")
    return "".join(out) or "<p>none</p>"


def reported_html(folders, repro):
    """The reported races: found before their fix (repro), never after (check)."""
    reg = next((r for r in map(registry_of, folders) if r), None) or {}
    rows = []
    for race in reg.get("reported_races", []):
        name = race["name"]
        after = next((d for d in (load(os.path.join(f, f"after-{name}.json"))
                                  for f in folders) if d), None)
        before = repro.get(name)
        if not before and not after:
            continue
        b = (f"found in {before.get('found_at', 0):.3f} s" if before and before["found"]
             else "NOT found" if before else "-")
        a = ("-" if not after else
             f"{after['schedules']} schedules up to {after['preemptions']} preemption(s), "
             f"{'exhausted' if after['exhausted'] else 'NOT exhausted'}, "
             f"{'never found' if not after['found'] else 'FOUND'}")
        ok = (not before or before["found"]) and (not after or (after["exhausted"] and
                                                                not after["found"]))
        rows.append(f"<tr><td>{esc(name)}</td><td>{esc(race['commit'])} {esc(race['title'])}"
                    f"</td><td>{esc(race['before'])}: {esc(b)}</td><td class='"
                    f"{'PASS' if ok else 'FAIL'}'>{esc(race['after'])}: {esc(a)}</td></tr>")
    if not rows:
        return ""
    return ("<h2>Reported races, before and after their fix</h2><table id='reported'><tr>"
            "<th>race</th><th>fix</th><th>before</th><th>after</th></tr>" + "".join(rows) +
            "</table>")


def hazards_html(repro, html_dir):
    """One row a hazard; its sgtorture report linked, relative to the HTML file."""
    rows = []
    for h in sorted(repro, key=lambda h: (h[0], int(h[1:]))):
        r = repro[h]
        # The report of the oracle the repro waited for, not the first alphabetically.
        if r.get("until") in r["violations"]:
            first = r["violations"][r["until"]]["first"]
        elif r["tsan"]["unique"]:
            first = "ThreadSanitizer " + r["tsan"]["unique"][0]["type"] + ": " + \
                r["tsan"]["unique"][0]["stacks"].splitlines()[0]
        else:
            first = next(iter(r["violations"].values()), {}).get("first", "")
        link = (f"<a href='{esc(os.path.relpath(r['report_file'], html_dir))}'>report</a>"
                if r.get("report_file") else "-")
        rows.append(f"<tr><td>{esc(h)}</td><td class='{'PASS' if r['found'] else 'FAIL'}'>"
                    f"{'found' if r['found'] else 'NOT found'}</td>"
                    f"<td>{r.get('found_at', 0):.4f} s</td><td>{esc(r['strategy'])} / "
                    f"{esc(r['devres_model'])}</td><td>{esc(first)}</td><td>{link}</td></tr>")
    if not rows:
        return "<p>no repro runs</p>"
    return ("<table id='hazards'><tr><th>hazard</th><th>result</th><th>time to detect</th>"
            "<th>configuration</th><th>first report</th><th>sgtorture report</th></tr>" +
            "".join(rows) + "</table>")


CSS = """body{font-family:sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #aaa;padding:3px 8px}
td.PASS{background:#bfe8bf}td.FAIL{background:#f2b8b8}td.CRASH,td.HANG{background:#f5d08a}
pre{background:#f4f4f4;padding:6px;font-size:12px;overflow-x:auto}img{max-width:100%}"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+")
    ap.add_argument("-o", "--output", default="report.html")
    ap.add_argument("--trend", action="store_true")
    ap.add_argument("--matrix-json")
    a = ap.parse_args()
    for f in a.folders:
        if not os.path.isdir(f):
            print(f"report.py: '{f}' is not a folder", file=sys.stderr)
            return 2
    set_registry(a.folders)
    nights = []
    if a.trend:
        for f in sorted(a.folders):
            nights.append((f, runs_of(f), repro_of(f), os.path.join(f, "bench.json")))
        _, runs, repro, bench = nights[-1]
    else:
        runs, repro, bench = [], {}, None
        for f in a.folders:
            runs += runs_of(f)
            repro.update(repro_of(f))
            path = os.path.join(f, "bench.json")
            bench = bench or (path if os.path.exists(path) else None)
    m = matrix(runs)
    if a.matrix_json:
        with open(a.matrix_json, "w") as f:
            json.dump(m, f, indent=1, sort_keys=True)
    summaries = " ".join(open(os.path.join(f, "summary.txt")).read()
                         for f in a.folders if os.path.exists(os.path.join(f, "summary.txt")))
    series, ins = bench_series(bench)
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>sgtorture report</title>"
             f"<style>{CSS}</style></head><body><h1>sgtorture report</h1>",
             f"<p>{esc(summaries) or 'no summary'}</p>",
             "<h2>Verdicts (strategy x devres model)</h2>", matrix_html(m),
             "<h2>Failures</h2>", failures_html(runs),
             "<h2>Hazards: found again, and how fast</h2>", hazards_html(repro, os.path.dirname(os.path.abspath(a.output))), plot_detect(repro),
             reported_html(a.folders, repro),
             "<h2>Fast path against threads</h2>",
             plot_fastpath(series, ins) if series else "<p>no benchmarks</p>",
             "<h2>Throughput per role</h2>", plot_roles(runs)]
    if a.trend and len(nights) > 1:
        parts += ["<h2>Trends</h2>", plot_trends(nights)]
    parts.append("</body></html>")
    with open(a.output, "w") as f:
        f.write("\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
