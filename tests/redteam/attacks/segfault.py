"""Attack: crash the interpreter: read address 0 (SIGSEGV) in forward, abort() in sigmoid.
(UNSAFE without the sandbox: kills the grader.)
Expected: reported as a crash (killed by a signal) of this submission only; score <= zeros baseline."""
import ctypes
import os

import numpy as np


def _forward(params, X, y):
    ctypes.string_at(0)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    os.abort()


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
