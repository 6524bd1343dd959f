"""Reference solutions of the four worked examples, in the student contract of DESIGN.md.

Examples are columns: X is (n, m), y is (1, m); loss = mean((y_hat - y)**2).
"""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    # Split by sign so exp never overflows.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _mse(y_hat, y):
    return float(np.mean((y_hat - y) ** 2))


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, _mse(y_hat, y), (X, y, y_hat)


def univariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2.0 / m * (y_hat - y)
    return {"w": float(np.sum(dy * X)), "b": float(np.sum(dy))}


def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    return y_hat, _mse(y_hat, y), (X, y, y_hat)


def multivariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2.0 / m * (y_hat - y)
    return {"w": dy @ X.T, "b": float(np.sum(dy))}


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
