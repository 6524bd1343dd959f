"""Attack: NaN everywhere (y_hat, loss, every gradient, sigmoid): NaN compares unequal to
everything, so a comparison written as `not (a != b)` would pass it.
Expected: every check fails and says NaN; score <= zeros baseline."""
import numpy as np


def _forward(params, X, y):
    return np.full((1, X.shape[1]), np.nan), float("nan"), dict(params)


def _backward(params, cache):
    return {k: np.full(np.shape(v), np.nan) for k, v in params.items()}


def sigmoid(z):
    return np.full(np.shape(z), np.nan)


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
