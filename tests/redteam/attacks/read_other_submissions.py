"""Attack: copy a classmate: find other submissions of the batch (through the command lines and
working directories of its ancestor processes -- the grader's, unless a pid namespace hides
it -- the cwd, environment variables), keep one
whose gradients agree with finite differences of its own forward, and answer with it.
Polite: only runs files whose path contains "redteam" (the test's own batches).
Expected: no other submission is visible in the sandbox: score <= zeros baseline."""
import glob
import os

import numpy as np

NAMES = ("sigmoid", *(f"{e}_{d}" for e in ("univariate", "multivariate", "two_layer_linear", "sigmoid_mlp")
                      for d in ("forward", "backward")))


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
    places = {os.getcwd(), *(v for v in os.environ.values() if v.startswith("/"))}
    for proc in (f"/proc/{pid}" for pid in _ancestors()):
        try:
            args = open(proc + "/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        places.add(proc + "/cwd")
        places.update(os.path.join(proc + "/cwd", a.decode(errors="replace")) for a in args if a)
    return places


def _files():
    for place in _places():
        if os.path.isfile(place) and place.endswith(".py"):
            yield place
        for pattern in ("*.py", "*/*.py", "*/*/*.py"):
            yield from glob.glob(os.path.join(place, pattern))[:500]


def _works(ns):
    """Its gradients agree with central differences of its own forward, in every parameter."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(3, 5)), rng.normal(size=(1, 5))
    params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1)), "w2": rng.normal(size=(1, 4)), "b2": 0.3}
    forward, backward = ns["sigmoid_mlp_forward"], ns["sigmoid_mlp_backward"]
    grads = backward(params, forward(params, X, y)[2])
    for name, value in params.items():
        d = rng.normal(size=np.shape(value))
        bumped = [{**params, name: value + s * 1e-6 * d} for s in (1, -1)]
        fd = (forward(bumped[0], X, y)[1] - forward(bumped[1], X, y)[1]) / 2e-6
        g = np.asarray(grads[name], float)
        if g.shape != np.shape(value) and not (g.size == 1 and np.ndim(value) == 0):
            return False
        if abs(fd) < 1e-6 or abs(float(np.sum(g.reshape(np.shape(d)) * d)) - fd) > 1e-5 * max(1.0, abs(fd)):
            return False
    return True


def _copy():
    seen = set()
    for path in _files():
        real = os.path.realpath(path)
        if real in seen or "redteam" not in real:
            continue
        seen.add(real)
        try:
            source = open(path).read()
            if "def sigmoid_mlp_backward" not in source or "REDTEAM" in source:
                continue
            ns = {"__name__": "classmate"}
            exec(compile(source, path, "exec"), ns)
            if _works(ns):
                print(f"REDTEAM-LEAK: copied {path}")
                return ns
        except Exception:
            continue
    print(f"REDTEAM-INFO: no classmate among {len(seen)} files")
    return None


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward

_copied = _copy()
if _copied is not None:
    globals().update({n: _copied[n] for n in NAMES})
