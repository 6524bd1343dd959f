# Correct: scalar gradients of shape (1, 1) (sum with keepdims=True), the cache is a small
# class instance, the loss a (1, 1) array from np.mean(..., keepdims=True).
import numpy as np


class Cache:
    def __init__(self, **arrays):
        self.__dict__.update(arrays)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _loss(y_hat, y):
    return np.mean((y_hat - y) ** 2, keepdims=True)


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, _loss(y_hat, y), Cache(X=X, y=y, y_hat=y_hat)


def univariate_backward(params, cache):
    d = 2 * (cache.y_hat - cache.y) / cache.X.shape[1]
    return {"w": np.sum(d * cache.X, axis=1, keepdims=True), "b": np.sum(d, axis=1, keepdims=True)}


def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    return y_hat, _loss(y_hat, y), Cache(X=X, y=y, y_hat=y_hat)


def multivariate_backward(params, cache):
    d = 2 * (cache.y_hat - cache.y) / cache.X.shape[1]
    return {"w": d @ cache.X.T, "b": d.sum(axis=1, keepdims=True)}


def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    return y_hat, _loss(y_hat, y), Cache(X=X, y=y, H=Z, y_hat=y_hat)


def _two_layer_grads(params, cache, dZ_of):
    d = 2 * (cache.y_hat - cache.y) / cache.X.shape[1]
    dZ = dZ_of(params["w2"].T @ d)
    return {"W1": dZ @ cache.X.T, "b1": dZ.sum(axis=1, keepdims=True), "w2": d @ cache.H.T,
            "b2": d.sum(axis=1, keepdims=True)}


def two_layer_linear_backward(params, cache):
    return _two_layer_grads(params, cache, lambda dH: dH)


def sigmoid_mlp_forward(params, X, y):
    A = sigmoid(params["W1"] @ X + params["b1"])
    y_hat = params["w2"] @ A + params["b2"]
    return y_hat, _loss(y_hat, y), Cache(X=X, y=y, H=A, y_hat=y_hat)


def sigmoid_mlp_backward(params, cache):
    return _two_layer_grads(params, cache, lambda dA: dA * cache.H * (1 - cache.H))
