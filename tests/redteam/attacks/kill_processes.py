"""Attack: kill everything: kill(-1, SIGKILL), kill pid 1, SIGSTOP then SIGKILL the parent,
SIGKILL every pid visible in /proc.  (UNSAFE without the sandbox: as root, kill(-1) takes the
machine down.)  Polite: if it sees more than 50 processes or runs as root (no pid namespace or
no dropped privileges) it only prints REDTEAM-LEAK and kills nothing.
Expected: every kill refused (other uid, other namespace); grading of everyone else goes on;
score <= zeros baseline."""
import os
import signal

import numpy as np


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _kill_all():
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    if len(pids) > 50 or os.geteuid() == 0:
        print(f"REDTEAM-LEAK: running as uid {os.geteuid()} and seeing {len(pids)} processes; not killing")
        return
    me, parent = os.getpid(), os.getppid()
    try:
        os.kill(-1, signal.SIGKILL)  # "succeeds" even when every target refused: judged by the parent's fate below
    except OSError:
        pass
    for pid, sig in [(1, signal.SIGSTOP), (1, signal.SIGKILL), (parent, signal.SIGSTOP), (parent, signal.SIGKILL)] + \
                    [(pid, signal.SIGKILL) for pid in pids if pid != me]:
        try:
            os.kill(pid, sig)
        except OSError:
            pass
    # Judged by effect, not by kill()'s return: signals to a pid namespace's init from inside
    # it are accepted and silently dropped.
    for pid in sorted({1, parent}):
        state = _state(pid)
        if state is None or state in "TtZX":
            print(f"REDTEAM-LEAK: process {pid} was stopped or killed (state {state})")
    if os.getppid() != parent:
        print("REDTEAM-LEAK: the parent process died")
    print(f"REDTEAM-INFO: tried to kill {len(pids)} processes as uid {os.geteuid()}")


def _forward(params, X, y):
    _kill_all()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
