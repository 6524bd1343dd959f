"""Attack: time.sleep(1000) in forward (no CPU used, so a CPU-time limit alone never fires).
(UNSAFE without the sandbox: hangs.)  Expected: wall-clock timeout; score <= zeros baseline."""
import time

import numpy as np


def _forward(params, X, y):
    time.sleep(1000)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    time.sleep(1000)


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
