# Classic mistake: the factor 2 from the square is dropped in every backward pass.
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    loss = np.mean((y_hat - y) ** 2)
    return y_hat, float(loss), {"X": X, "y": y, "y_hat": y_hat}


def univariate_backward(params, cache):
    m = cache["X"].shape[1]
    d = (cache["y_hat"] - cache["y"]) / m
    return {"w": float(np.sum(d * cache["X"])), "b": float(np.sum(d))}


def multivariate_forward(params, X, y):
    y_hat = np.dot(params["w"], X) + params["b"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), {"X": X, "y": y, "y_hat": y_hat}


def multivariate_backward(params, cache):
    m = cache["X"].shape[1]
    d = (cache["y_hat"] - cache["y"]) / m
    return {"w": np.dot(d, cache["X"].T), "b": float(np.sum(d))}


def two_layer_linear_forward(params, X, y):
    Z = np.dot(params["W1"], X) + params["b1"]
    y_hat = np.dot(params["w2"], Z) + params["b2"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), {"X": X, "y": y, "Z": Z, "y_hat": y_hat}


def two_layer_linear_backward(params, cache):
    m = cache["X"].shape[1]
    d = (cache["y_hat"] - cache["y"]) / m
    dZ = np.dot(params["w2"].T, d)
    return {
        "W1": np.dot(dZ, cache["X"].T),
        "b1": np.sum(dZ, axis=1, keepdims=True),
        "w2": np.dot(d, cache["Z"].T),
        "b2": float(np.sum(d)),
    }


def sigmoid_mlp_forward(params, X, y):
    Z = np.dot(params["W1"], X) + params["b1"]
    A = sigmoid(Z)
    y_hat = np.dot(params["w2"], A) + params["b2"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), {"X": X, "y": y, "A": A, "y_hat": y_hat}


def sigmoid_mlp_backward(params, cache):
    m = cache["X"].shape[1]
    d = (cache["y_hat"] - cache["y"]) / m
    dA = np.dot(params["w2"].T, d)
    dZ = dA * cache["A"] * (1 - cache["A"])
    return {
        "W1": np.dot(dZ, cache["X"].T),
        "b1": np.sum(dZ, axis=1, keepdims=True),
        "w2": np.dot(d, cache["A"].T),
        "b2": float(np.sum(d)),
    }
