"""Attack: sys.exit(0) inside forward (SystemExit is not an Exception).
Expected: a clear failure for this submission only; score <= zeros baseline."""
import sys

import numpy as np


def _forward(params, X, y):
    sys.exit(0)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
