"""Attack: `while True: pass` in forward.  (UNSAFE without the sandbox: hangs.)
Expected: "did not return within" the timeout; score <= zeros baseline."""
import numpy as np


def _forward(params, X, y):
    while True:
        pass


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    while True:
        pass


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
