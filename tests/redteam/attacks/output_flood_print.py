"""Attack: print 100 MB (with ANSI escapes) through print() and sys.stderr in every call.
Expected: the captured output is capped and escaped; result files stay small; score <= zeros baseline."""
import sys

import numpy as np

_LINE = "\x1b[31mFLOOD\x1b[0m" + "A" * 1_000_000


def _flood():
    for _ in range(50):
        print(_LINE)
        sys.stderr.write(_LINE + "\n")


def _forward(params, X, y):
    _flood()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
