# Correct: explicit Python loops over the examples (one column at a time), cache as a tuple.
import math

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for idx in np.ndindex(*z.shape):
        v = z[idx]
        out[idx] = 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
    return out


def univariate_forward(params, X, y):
    m = X.shape[1]
    y_hat = np.zeros((1, m))
    loss = 0.0
    for i in range(m):
        y_hat[0, i] = params["w"] * X[0, i] + params["b"]
        loss += (y_hat[0, i] - y[0, i]) ** 2
    return y_hat, loss / m, (X, y, y_hat)


def univariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dw = db = 0.0
    for i in range(m):
        d = 2.0 * (y_hat[0, i] - y[0, i]) / m
        dw += d * X[0, i]
        db += d
    return {"w": dw, "b": db}


def multivariate_forward(params, X, y):
    n, m = X.shape
    y_hat = np.zeros((1, m))
    for i in range(m):
        s = params["b"]
        for j in range(n):
            s += params["w"][0, j] * X[j, i]
        y_hat[0, i] = s
    loss = sum((y_hat[0, i] - y[0, i]) ** 2 for i in range(m)) / m
    return y_hat, loss, (X, y, y_hat)


def multivariate_backward(params, cache):
    X, y, y_hat = cache
    n, m = X.shape
    dw = np.zeros((1, n))
    db = 0.0
    for i in range(m):
        d = 2.0 * (y_hat[0, i] - y[0, i]) / m
        for j in range(n):
            dw[0, j] += d * X[j, i]
        db += d
    return {"w": dw, "b": db}


def _hidden(params, x, activation):
    z = params["W1"] @ x + params["b1"][:, 0]
    return z, activation(z)


def _two_layer_forward(params, X, y, activation):
    m = X.shape[1]
    k = params["W1"].shape[0]
    Z, A, y_hat = np.zeros((k, m)), np.zeros((k, m)), np.zeros((1, m))
    for i in range(m):
        Z[:, i], A[:, i] = _hidden(params, X[:, i], activation)
        y_hat[0, i] = params["w2"][0] @ A[:, i] + params["b2"]
    loss = 0.0
    for i in range(m):
        loss += (y_hat[0, i] - y[0, i]) ** 2 / m
    return y_hat, loss, (X, y, Z, A, y_hat)


def _two_layer_backward(params, cache, activation_grad):
    X, y, Z, A, y_hat = cache
    n, m = X.shape
    k = params["W1"].shape[0]
    g = {"W1": np.zeros((k, n)), "b1": np.zeros((k, 1)), "w2": np.zeros((1, k)), "b2": 0.0}
    for i in range(m):
        d = 2.0 * (y_hat[0, i] - y[0, i]) / m
        g["b2"] += d
        g["w2"][0] += d * A[:, i]
        dz = d * params["w2"][0] * activation_grad(Z[:, i], A[:, i])
        g["b1"][:, 0] += dz
        g["W1"] += np.outer(dz, X[:, i])
    return g


def two_layer_linear_forward(params, X, y):
    return _two_layer_forward(params, X, y, lambda z: z)


def two_layer_linear_backward(params, cache):
    return _two_layer_backward(params, cache, lambda z, a: np.ones_like(z))


def sigmoid_mlp_forward(params, X, y):
    return _two_layer_forward(params, X, y, sigmoid)


def sigmoid_mlp_backward(params, cache):
    return _two_layer_backward(params, cache, lambda z, a: a * (1 - a))
