"""Two-layer linear network: Z = W1 X + b1; y_hat = w2 Z + b2."""
from __future__ import annotations

import numpy as np

from .common import _mse, dy_of


def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    return y_hat, _mse(y_hat, y), (X, y, Z, y_hat)


def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    m = X.shape[1]
    dy = 2.0 / m * (y_hat - y)  # (1, m)
    dZ = params["w2"].T @ dy  # (k, m)
    return {
        "W1": dZ @ X.T,
        "b1": np.sum(dZ, axis=1, keepdims=True),
        "w2": dy @ Z.T,
        "b2": float(np.sum(dy)),
    }


def _no_w2_in_chain(params, cache):
    """The chain rule stops at the output: dZ = dy instead of w2.T @ dy."""
    X, y, Z, y_hat = cache
    dZ = np.ones((params["W1"].shape[0], 1)) * dy_of(y_hat, y)
    return {**two_layer_linear_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}


def _dw2_without_b1(params, cache):
    X, y, Z, y_hat = cache
    return {**two_layer_linear_backward(params, cache), "w2": dy_of(y_hat, y) @ (params["W1"] @ X).T}


# The other known mistakes have a public torch form (exercises/backprop/two_layer_linear.py).
KNOWN_WRONG = {
    "no_w2_in_chain": {"two_layer_linear_backward": _no_w2_in_chain},
    "dw2_without_b1": {"two_layer_linear_backward": _dw2_without_b1},
}
