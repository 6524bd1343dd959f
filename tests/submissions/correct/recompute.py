# Correct: the cache is just the inputs; backward recomputes the forward pass from params.
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), (X, y)


def univariate_backward(params, cache):
    X, y = cache
    d = 2 * (params["w"] * X + params["b"] - y) / X.shape[1]
    return {"w": float((d * X).sum()), "b": float(d.sum())}


def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), (X, y)


def multivariate_backward(params, cache):
    X, y = cache
    d = 2 * (params["w"] @ X + params["b"] - y) / X.shape[1]
    return {"w": d @ X.T, "b": float(d.sum())}


def two_layer_linear_forward(params, X, y):
    y_hat = params["w2"] @ (params["W1"] @ X + params["b1"]) + params["b2"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), (X, y)


def two_layer_linear_backward(params, cache):
    X, y = cache
    Z = params["W1"] @ X + params["b1"]
    d = 2 * (params["w2"] @ Z + params["b2"] - y) / X.shape[1]
    dZ = params["w2"].T @ d
    return {"W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True), "w2": d @ Z.T, "b2": float(d.sum())}


def sigmoid_mlp_forward(params, X, y):
    y_hat = params["w2"] @ sigmoid(params["W1"] @ X + params["b1"]) + params["b2"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), (X, y)


def sigmoid_mlp_backward(params, cache):
    X, y = cache
    Z = params["W1"] @ X + params["b1"]
    d = 2 * (params["w2"] @ sigmoid(Z) + params["b2"] - y) / X.shape[1]
    dZ = params["w2"].T @ d * sigmoid(Z) * (1 - sigmoid(Z))
    return {"W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True), "w2": d @ sigmoid(Z).T, "b2": float(d.sum())}
