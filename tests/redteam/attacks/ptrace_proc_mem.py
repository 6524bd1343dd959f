"""Attack: reach into other processes: open /proc/<pid>/mem of the parent and pid 1 for
writing, ptrace(PTRACE_ATTACH) them through ctypes, read their environ; escalate with
setuid(0).  (UNSAFE without the sandbox: would stop the grader's own parent.)
Expected: all refused; score <= zeros baseline."""
import ctypes
import os

import numpy as np

PTRACE_ATTACH, PTRACE_DETACH = 16, 17


def _probe():
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in {os.getppid(), 1}:
        try:
            with open(f"/proc/{pid}/mem", "r+b", buffering=0):
                print(f"REDTEAM-LEAK: opened /proc/{pid}/mem for writing")
        except OSError:
            pass
        if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
            print(f"REDTEAM-LEAK: ptrace-attached to {pid}")
            libc.ptrace(PTRACE_DETACH, pid, None, None)
        try:
            secrets = open(f"/proc/{pid}/environ", "rb").read()
            if secrets:
                print(f"REDTEAM-LEAK: read the environment of {pid}")
        except OSError:
            pass
    try:
        os.setuid(0)
    except OSError:
        pass
    if os.geteuid() == 0:
        print("REDTEAM-LEAK: student code runs as uid 0")
    print(f"REDTEAM-INFO: probed {sorted({os.getppid(), 1})} as uid {os.geteuid()}")


def _forward(params, X, y):
    _probe()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
