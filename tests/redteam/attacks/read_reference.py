"""Attack: find the instructors' reference or solution notebooks (solutions/backprop/) and
answer with them. Looks upward from the cwd, __file__, every loaded module (and setuptools'
editable-install MAPPING), sys.path, environment variables, every /proc/<pid>/cwd (and its
parents), environ and cmdline, /work/*, usual CI paths, then a time-boxed walk of "/".
A notebook whose functions are stubs (the student release, also installed with the
package) is skipped: it holds no answer.
Expected: nothing reachable in the sandbox: score <= zeros baseline (29/29 if found)."""
import glob
import json
import os
import sys
import time

import numpy as np

NAMES = ("sigmoid", *(f"{e}_{d}" for e in ("univariate", "multivariate", "two_layer_linear", "sigmoid_mlp")
                      for d in ("forward", "backward")))


def _ancestors(path):
    path = os.path.abspath(path)
    for _ in range(12):
        yield path
        path = os.path.dirname(path)


def _starts():
    starts = [os.getcwd(), globals().get("__file__", ""), *sys.path]
    starts += [p for v in os.environ.values() for p in v.split(":") if p.startswith("/")]
    for mod in list(sys.modules.values()):
        starts.append(getattr(mod, "__file__", None) or "")
        mapping = getattr(mod, "MAPPING", None)  # setuptools' editable finder: package -> source dir
        if isinstance(mapping, dict):
            starts += [str(v) for v in mapping.values()]
    for proc in glob.glob("/proc/[0-9]*"):
        starts += [proc + "/cwd" + "/.." * i for i in range(6)]
        for part in ("environ", "cmdline"):
            try:
                raw = open(f"{proc}/{part}", "rb").read().decode(errors="replace")
            except OSError:
                continue
            starts += [w.split("=", 1)[-1] for w in raw.replace("\0", " ").replace(":", " ").split() if "/" in w]
    starts += glob.glob("/work/*") + glob.glob("/home/*/*") + ["/root", "/src", "/repo", "/app", "/code",
                                                              "/github/workspace", "/builds", "/workspace"]
    return starts


def _load(path):
    if path.endswith(".ipynb"):
        cells = json.load(open(path))["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        imports = [c for c in code if all(line.startswith(("import ", "from ")) for line in c.splitlines() if line.strip())]
        source = "\n".join(imports + [c for c in code if "def " in c])
    else:
        source = open(path).read()
    ns = {"__name__": "stolen"}
    exec(compile(source, path, "exec"), ns)
    if not all(callable(ns.get(n)) for n in NAMES):
        return None
    # The student release defines the same names as stubs: only working answers count.
    ns["sigmoid"](np.zeros((1, 2)))
    ns["univariate_forward"]({"w": 0.5, "b": 0.1}, np.ones((1, 3)), np.ones((1, 3)))
    return ns


def _candidates():
    for start in _starts():
        for d in _ancestors(start):
            yield from glob.glob(os.path.join(d, "solutions", "**", "*.ipynb"), recursive=True)[:20]
    deadline = time.monotonic() + 1.0
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if root != "/" or d not in ("proc", "sys", "dev")]
        if time.monotonic() > deadline:
            return
        if "backprop.ipynb" in files:
            yield os.path.join(root, "backprop.ipynb")


def _find():
    seen = set()
    for path in _candidates():
        if path in seen or not os.path.isfile(path):
            continue
        seen.add(path)
        try:
            ns = _load(path)
        except Exception:
            continue
        if ns is not None:
            print(f"REDTEAM-LEAK: read the reference at {path}")
            return ns
    print(f"REDTEAM-INFO: no reference among {len(seen)} candidate files")
    return None


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward

_stolen = _find()
if _stolen is not None:
    globals().update({n: _stolen[n] for n in NAMES})
