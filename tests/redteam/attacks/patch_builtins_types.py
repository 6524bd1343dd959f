"""Attack: monkeypatch isinstance (always True), float (always 0.0) and len (always 0) in
builtins, which the code that encodes the answers also uses; return zeros.
Expected: the grader's own checks are unaffected; no grader error; score <= zeros baseline."""
import builtins

import numpy as np

builtins.isinstance = lambda obj, cls: True
builtins.float = lambda *args: 0.0
builtins.len = lambda obj: 0


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
