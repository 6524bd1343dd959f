# Correct: np.einsum everywhere, cache as a dict, loss as a numpy float64 (not a Python float).
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _mse(y_hat, y):
    r = y_hat - y
    return np.einsum("ij,ij->", r, r) / y.shape[1]


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, _mse(y_hat, y), {"X": X, "r": y_hat - y}


def univariate_backward(params, cache):
    m = cache["X"].shape[1]
    return {"w": 2 / m * np.einsum("ij,ij->", cache["r"], cache["X"]), "b": 2 / m * np.einsum("ij->", cache["r"])}


def multivariate_forward(params, X, y):
    y_hat = np.einsum("ij,jm->im", params["w"], X) + params["b"]
    return y_hat, _mse(y_hat, y), {"X": X, "r": y_hat - y}


def multivariate_backward(params, cache):
    m = cache["X"].shape[1]
    return {"w": 2 / m * np.einsum("im,jm->ij", cache["r"], cache["X"]), "b": 2 / m * np.einsum("ij->", cache["r"])}


def two_layer_linear_forward(params, X, y):
    Z = np.einsum("kn,nm->km", params["W1"], X) + params["b1"]
    y_hat = np.einsum("ik,km->im", params["w2"], Z) + params["b2"]
    return y_hat, _mse(y_hat, y), {"X": X, "H": Z, "r": y_hat - y}


def two_layer_linear_backward(params, cache):
    X, H, r = cache["X"], cache["H"], cache["r"]
    dy = 2 * r / X.shape[1]
    dZ = np.einsum("ik,im->km", params["w2"], dy)
    return {
        "W1": np.einsum("km,nm->kn", dZ, X),
        "b1": np.einsum("km->k", dZ)[:, None],
        "w2": np.einsum("im,km->ik", dy, H),
        "b2": np.einsum("im->", dy),
    }


def sigmoid_mlp_forward(params, X, y):
    Z = np.einsum("kn,nm->km", params["W1"], X) + params["b1"]
    A = sigmoid(Z)
    y_hat = np.einsum("ik,km->im", params["w2"], A) + params["b2"]
    return y_hat, _mse(y_hat, y), {"X": X, "H": A, "r": y_hat - y}


def sigmoid_mlp_backward(params, cache):
    X, A, r = cache["X"], cache["H"], cache["r"]
    dy = 2 * r / X.shape[1]
    dZ = np.einsum("ik,im,km->km", params["w2"], dy, A * (1 - A))
    return {
        "W1": np.einsum("km,nm->kn", dZ, X),
        "b1": np.einsum("km->k", dZ).reshape(-1, 1),
        "w2": np.einsum("im,km->ik", dy, A),
        "b2": np.einsum("im->", dy),
    }
