"""Two-layer sigmoid MLP: Z = W1 X + b1; A = sigmoid(Z); y_hat = w2 A + b2."""
from __future__ import annotations

import numpy as np

from .common import _mse, dy_of


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    # Split by sign so exp never overflows.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_mlp_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    A = sigmoid(Z)
    y_hat = params["w2"] @ A + params["b2"]
    return y_hat, _mse(y_hat, y), (X, y, A, y_hat)


def sigmoid_mlp_backward(params, cache):
    X, y, A, y_hat = cache
    m = X.shape[1]
    dy = 2.0 / m * (y_hat - y)
    dA = params["w2"].T @ dy
    dZ = dA * A * (1.0 - A)
    return {
        "W1": dZ @ X.T,
        "b1": np.sum(dZ, axis=1, keepdims=True),
        "w2": dy @ A.T,
        "b2": float(np.sum(dy)),
    }


def _no_w2_in_chain(params, cache):
    X, y, A, y_hat = cache
    dZ = dy_of(y_hat, y) * A * (1 - A)
    return {**sigmoid_mlp_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}


def _dw2_with_Z(params, cache):
    X, y, A, y_hat = cache
    Z = params["W1"] @ X + params["b1"]
    return {**sigmoid_mlp_backward(params, cache), "w2": dy_of(y_hat, y) @ Z.T}


# The other known mistakes have a public torch form (exercises/backprop/sigmoid_mlp.py).
KNOWN_WRONG = {
    "no_w2_in_chain": {"sigmoid_mlp_backward": _no_w2_in_chain},
    "dw2_with_Z": {"sigmoid_mlp_backward": _dw2_with_Z},
}
