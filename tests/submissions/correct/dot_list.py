# Correct: np.dot, cache as a list, m taken as len(y[0]), loss as np.float64 from np.mean.
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def univariate_forward(params, X, y):
    y_hat = np.dot(params["w"], X) + params["b"]
    return y_hat, np.mean(np.square(y_hat - y)), [X, y, y_hat]


def univariate_backward(params, cache):
    X, y, y_hat = cache
    m = len(y[0])
    return {"w": np.dot((y_hat - y)[0], X[0]) * 2 / m, "b": np.sum(y_hat - y) * 2 / m}


def multivariate_forward(params, X, y):
    y_hat = np.dot(params["w"], X) + params["b"]
    return y_hat, np.mean(np.square(y_hat - y)), [X, y, y_hat]


def multivariate_backward(params, cache):
    X, y, y_hat = cache
    m = len(y[0])
    return {"w": np.dot(y_hat - y, X.T) * 2 / m, "b": np.sum(y_hat - y) * 2 / m}


def two_layer_linear_forward(params, X, y):
    Z = np.dot(params["W1"], X) + params["b1"]
    y_hat = np.dot(params["w2"], Z) + params["b2"]
    return y_hat, np.mean(np.square(y_hat - y)), [X, y, Z, y_hat]


def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    m = len(y[0])
    dy = (y_hat - y) * (2 / m)
    dZ = np.dot(params["w2"].T, dy)
    return {"W1": np.dot(dZ, X.T), "b1": np.dot(dZ, np.ones((m, 1))), "w2": np.dot(dy, Z.T), "b2": np.sum(dy)}


def sigmoid_mlp_forward(params, X, y):
    A = sigmoid(np.dot(params["W1"], X) + params["b1"])
    y_hat = np.dot(params["w2"], A) + params["b2"]
    return y_hat, np.mean(np.square(y_hat - y)), [X, y, A, y_hat]


def sigmoid_mlp_backward(params, cache):
    X, y, A, y_hat = cache
    m = len(y[0])
    dy = (y_hat - y) * (2 / m)
    dZ = np.dot(params["w2"].T, dy) * A * (1 - A)
    return {"W1": np.dot(dZ, X.T), "b1": np.dot(dZ, np.ones((m, 1))), "w2": np.dot(dy, A.T), "b2": np.sum(dy)}
