# Correct: a numerically stable sigmoid that branches on the sign with np.where (no overflow),
# gradients written as means: dL/db = 2 * (y_hat - y).mean().
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, ((y_hat - y) ** 2).mean(), (X, y_hat - y)


def univariate_backward(params, cache):
    X, r = cache
    return {"w": 2 * (r * X).mean(), "b": 2 * r.mean()}


def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    return y_hat, ((y_hat - y) ** 2).mean(), (X, y_hat - y)


def multivariate_backward(params, cache):
    X, r = cache
    return {"w": 2 * (r * X).mean(axis=1)[None, :], "b": 2 * r.mean()}


def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    return y_hat, ((y_hat - y) ** 2).mean(), (X, Z, y_hat - y)


def two_layer_linear_backward(params, cache):
    X, Z, r = cache
    m = X.shape[1]
    G = params["w2"].T * r  # (k, m): per-example dL/dZ times m/2
    return {
        "W1": 2 * (G @ X.T) / m,
        "b1": 2 * G.mean(axis=1, keepdims=True),
        "w2": 2 * (r * Z).mean(axis=1).reshape(1, -1),
        "b2": 2 * r.mean(),
    }


def sigmoid_mlp_forward(params, X, y):
    A = sigmoid(params["W1"] @ X + params["b1"])
    y_hat = params["w2"] @ A + params["b2"]
    return y_hat, ((y_hat - y) ** 2).mean(), (X, A, y_hat - y)


def sigmoid_mlp_backward(params, cache):
    X, A, r = cache
    m = X.shape[1]
    G = params["w2"].T * r * A * (1 - A)
    return {
        "W1": 2 * (G @ X.T) / m,
        "b1": 2 * G.mean(axis=1, keepdims=True),
        "w2": 2 * (r * A).mean(axis=1).reshape(1, -1),
        "b2": 2 * r.mean(),
    }
