# SPDX-License-Identifier: GPL-2.0
"""Reading a nightly folder and the registries, shared by the scripts of reports/."""
import glob
import json
import os


def load(path):
    """A JSON file, or None when it is missing or not JSON."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def runs_of(folder):
    """(fault setting, run) for every torture run of the folder: the matrices'
    settings by file name, and "tsan" for tsan-clean.json."""
    out = []
    paths = sorted(glob.glob(os.path.join(folder, "matrix-*.json")))
    for path in paths + [os.path.join(folder, "tsan-clean.json")]:
        base = os.path.basename(path)
        setting = "tsan" if base == "tsan-clean.json" else base[len("matrix-"):-len(".json")]
        for run in (load(path) or {}).get("runs", []):
            out.append((setting, run))
    return out


def sgtorture_list(sgtorture):
    """`sgtorture list --json`: the strategy, hazard and Devres model registries.
    Every script reads names from here instead of repeating them."""
    import subprocess
    out = subprocess.run([sgtorture, "list", "--json"], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def registry_of(folder):
    """The registries a nightly folder was run with (its list.json, written by
    scripts/nightly and scripts/bench from `sgtorture list --json`), or None."""
    return load(os.path.join(folder, "list.json"))
