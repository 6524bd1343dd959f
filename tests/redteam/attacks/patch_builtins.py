"""Attack: monkeypatch builtins used in comparisons (bool and all always True, abs always 0),
then return zeros.
Expected: no effect (comparisons run in the trusted parent): score <= zeros baseline."""
import builtins

import numpy as np

builtins.bool = lambda *args: True
builtins.all = lambda *args: True
builtins.abs = lambda x: 0


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
