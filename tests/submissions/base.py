# The correct submission that tests/mistakes.py patches, one classic mistake at a time.
# Plain textbook style: caches are tuples, m = X.shape[1], scalars returned as floats.
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, y_hat)


def univariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    return {"w": float(np.sum(dy * X)), "b": float(np.sum(dy))}


def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, y_hat)


def multivariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    return {"w": dy @ X.T, "b": float(np.sum(dy))}


def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, y_hat)


def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dZ = params["w2"].T @ dy
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
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, A, y_hat)


def sigmoid_mlp_backward(params, cache):
    X, y, Z, A, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dA = params["w2"].T @ dy
    dZ = dA * A * (1 - A)
    return {
        "W1": dZ @ X.T,
        "b1": np.sum(dZ, axis=1, keepdims=True),
        "w2": dy @ A.T,
        "b2": float(np.sum(dy)),
    }
