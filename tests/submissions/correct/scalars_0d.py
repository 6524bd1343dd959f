# Correct: scalar gradients returned as 0-d arrays, the loss as a 0-d array.
import numpy as np


def sigmoid(z):
    return np.reciprocal(1.0 + np.exp(-z))


def _loss(y_hat, y):
    return np.asarray(np.mean((y_hat - y) ** 2))


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, _loss(y_hat, y), (X, y, y_hat)


def univariate_backward(params, cache):
    X, y, y_hat = cache
    d = 2 * (y_hat - y) / X.shape[1]
    return {"w": np.array(np.sum(d * X)), "b": np.array(np.sum(d))}


def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    return y_hat, _loss(y_hat, y), (X, y, y_hat)


def multivariate_backward(params, cache):
    X, y, y_hat = cache
    d = 2 * (y_hat - y) / X.shape[1]
    return {"w": d @ X.T, "b": np.array(np.sum(d))}


def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    return y_hat, _loss(y_hat, y), (X, y, Z, y_hat)


def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    d = 2 * (y_hat - y) / X.shape[1]
    dZ = params["w2"].T @ d
    return {"W1": dZ @ X.T, "b1": dZ.sum(1, keepdims=True), "w2": d @ Z.T, "b2": np.array(d.sum())}


def sigmoid_mlp_forward(params, X, y):
    A = sigmoid(params["W1"] @ X + params["b1"])
    y_hat = params["w2"] @ A + params["b2"]
    return y_hat, _loss(y_hat, y), (X, y, A, y_hat)


def sigmoid_mlp_backward(params, cache):
    X, y, A, y_hat = cache
    d = 2 * (y_hat - y) / X.shape[1]
    dZ = (params["w2"].T @ d) * A * (1 - A)
    return {"W1": dZ @ X.T, "b1": dZ.sum(1, keepdims=True), "w2": d @ A.T, "b2": np.array(d.sum())}
