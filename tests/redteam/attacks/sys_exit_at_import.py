"""Attack: sys.exit(0) at import, hoping the grader exits "successfully" with no results.
Expected: a clear load failure for this submission only; score <= zeros baseline."""
import sys

import numpy as np


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward

sys.exit(0)
