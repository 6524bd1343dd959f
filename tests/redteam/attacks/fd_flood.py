"""Attack: open files and pipes until EMFILE and keep them open.  (UNSAFE without the sandbox.)
Expected: the open-files limit stops it; the grader still talks to the child; no grader
error; score <= zeros baseline."""
import os

import numpy as np

HELD = []


def _flood():
    try:
        while len(HELD) < 200_000:
            HELD.append(os.open("/dev/null", os.O_RDONLY))
            HELD.extend(os.pipe())
    except OSError as exc:
        print(f"REDTEAM-INFO: {exc.strerror} after {len(HELD)} descriptors")
    if len(HELD) >= 200_000:
        print("REDTEAM-LEAK: 200000 open files")


def _forward(params, X, y):
    _flood()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    _flood()
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
