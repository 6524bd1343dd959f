# Correct: casts the inputs to float32, computes in float32 and returns float32 arrays.
import numpy as np

F = np.float32


def sigmoid(z):
    z = np.asarray(z, dtype=F)
    return (1 / (1 + np.exp(-z))).astype(F)


def _p(params):
    return {k: np.asarray(v, dtype=F) for k, v in params.items()}


def univariate_forward(params, X, y):
    p, X, y = _p(params), X.astype(F), y.astype(F)
    y_hat = p["w"] * X + p["b"]
    return y_hat, np.mean((y_hat - y) ** 2), (X, y, y_hat)


def univariate_backward(params, cache):
    X, y, y_hat = cache
    d = F(2) * (y_hat - y) / F(X.shape[1])
    return {"w": np.sum(d * X), "b": np.sum(d)}


def multivariate_forward(params, X, y):
    p, X, y = _p(params), X.astype(F), y.astype(F)
    y_hat = p["w"] @ X + p["b"]
    return y_hat, np.mean((y_hat - y) ** 2), (X, y, y_hat)


def multivariate_backward(params, cache):
    X, y, y_hat = cache
    d = F(2) * (y_hat - y) / F(X.shape[1])
    return {"w": d @ X.T, "b": np.sum(d)}


def two_layer_linear_forward(params, X, y):
    p, X, y = _p(params), X.astype(F), y.astype(F)
    Z = p["W1"] @ X + p["b1"]
    y_hat = p["w2"] @ Z + p["b2"]
    return y_hat, np.mean((y_hat - y) ** 2), (X, y, Z, y_hat)


def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    p = _p(params)
    d = F(2) * (y_hat - y) / F(X.shape[1])
    dZ = p["w2"].T @ d
    return {"W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True), "w2": d @ Z.T, "b2": np.sum(d)}


def sigmoid_mlp_forward(params, X, y):
    p, X, y = _p(params), X.astype(F), y.astype(F)
    A = sigmoid(p["W1"] @ X + p["b1"])
    y_hat = p["w2"] @ A + p["b2"]
    return y_hat, np.mean((y_hat - y) ** 2), (X, y, A, y_hat)


def sigmoid_mlp_backward(params, cache):
    X, y, A, y_hat = cache
    p = _p(params)
    d = F(2) * (y_hat - y) / F(X.shape[1])
    dZ = (p["w2"].T @ d) * A * (1 - A)
    return {"W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True), "w2": d @ A.T, "b2": np.sum(d)}
