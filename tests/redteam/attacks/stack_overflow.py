"""Attack: unbounded recursion with sys.setrecursionlimit(10**9): through a C function
(map: overflows the C stack, SIGSEGV) in sigmoid, pure Python (frames eat memory) in forward.
(UNSAFE without the sandbox: kills the grader.)
Expected: a crash or error of this submission only; score <= zeros baseline."""
import sys

import numpy as np

sys.setrecursionlimit(10**9)


def _deep_c(n):
    return list(map(_deep_c, [n + 1]))


def _deep_py(n):
    return _deep_py(n + 1) + 1


def _forward(params, X, y):
    _deep_py(0)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    _deep_c(0)


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
