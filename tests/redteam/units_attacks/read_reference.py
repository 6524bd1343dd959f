"""Attack (units): Find the instructors' units reference (reference/units/*.py) or solutions notebook
(solutions/units/units.ipynb) anywhere the sandbox can see (the ancestors of the cwd, of
sys.path, of every loaded module's folder, of /proc/*/cwd, /work, /check and usual CI paths,
then a 0.6 s walk of "/"), and answer with it. A notebook or module of stubs (the student release, installed with
the package) holds no answer and is skipped.
Expected: nothing reachable: score <= zeros baseline, feedback says "REDTEAM-INFO: no units reference"."""
# Appended to zeros_baseline.py when graded (test_units_redteam.submission).
import glob
import json
import os
import sys
import time

NAMES = (*ACTIVATIONS, *(a + "_grad" for a in ACTIVATIONS), "softmax", "logistic_forward", "logistic_backward",
         "softmax_forward", "softmax_backward", "classifier_forward", "classifier_backward")


def _starts():
    starts = [os.getcwd(), *sys.path, "/work", "/check", "/root", "/src", "/repo", "/app", "/github/workspace"]
    starts += [os.path.dirname(getattr(m, "__file__", None) or "") for m in list(sys.modules.values())]
    starts += [f"{p}/cwd" for p in glob.glob("/proc/[0-9]*")]
    return [s for s in starts if s]


def _candidates():
    dirs = set()
    for start in _starts():
        d = os.path.abspath(start)
        for _ in range(8):
            dirs.add(d)
            d = os.path.dirname(d)
    for d in sorted(dirs):
        yield from glob.glob(os.path.join(d, "solutions", "units", "*.ipynb"))
        yield from glob.glob(os.path.join(d, "reference", "units"))
    deadline = time.monotonic() + 0.6  # the top level has 2 s
    for root, subdirs, files in os.walk("/"):
        subdirs[:] = [d for d in subdirs if root != "/" or d not in ("proc", "sys", "dev")]
        if time.monotonic() > deadline:
            return
        if "units.ipynb" in files:
            yield os.path.join(root, "units.ipynb")
        if root.endswith("reference/units"):
            yield root


def _source(path):
    if path.endswith(".ipynb"):
        cells = json.load(open(path))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code" and "def " in "".join(c["source"]))
    return "\n".join(open(f).read().replace("from .common import", "# ") for f in sorted(glob.glob(path + "/*.py")))


def _working(path):
    ns = {"np": np, "__name__": "stolen"}
    exec(compile("import numpy as np\n" + _source(path), path, "exec"), ns)
    if not all(callable(ns.get(n)) for n in NAMES):
        return None
    ns["sigmoid"](np.zeros((1, 2)))  # stubs raise NotImplementedError
    return ns


def _find():
    seen = set()
    for path in _candidates():
        if path in seen or not os.path.exists(path):
            continue
        seen.add(path)
        try:
            ns = _working(path)
        except Exception:
            continue
        if ns is not None:
            print(f"REDTEAM-LEAK: read the units reference at {path}")
            return ns
    print(f"REDTEAM-INFO: no units reference among {len(seen)} candidates")
    return None


_stolen = _find()
if _stolen is not None:
    globals().update({n: _stolen[n] for n in NAMES})
