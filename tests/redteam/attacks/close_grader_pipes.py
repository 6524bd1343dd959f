"""Attack: close every file descriptor (including the pipes to the grader), then return
normally.  (UNSAFE without the sandbox: closes the grader's files.)
Expected: reported as a crash (no answer) of this submission only; score <= zeros baseline."""
import os

import numpy as np


def _forward(params, X, y):
    os.closerange(0, 65536)
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
