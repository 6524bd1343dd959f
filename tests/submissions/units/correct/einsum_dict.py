# Correct: np.einsum for every product, caches as dicts, one-hot via np.eye, the loss as the
# mean of per-example terms, subgradient 1 at z = 0 (z >= 0).
import numpy as np


def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def sigmoid_grad(z):
    return np.einsum("...,...->...", sigmoid(z), sigmoid(-z))  # sigma(z) (1 - sigma(z)) = sigma(z) sigma(-z)


def tanh(z):
    return np.tanh(z)


def tanh_grad(z):
    return 1 / np.cosh(np.minimum(np.abs(z), 700)) ** 2


def relu(z):
    return np.where(z >= 0, z, 0.0)


def relu_grad(z):
    return np.where(z >= 0, 1.0, 0.0)


def leaky_relu(z):
    return np.maximum(z, 0.01 * z)


def leaky_relu_grad(z):
    return np.where(z >= 0, 1.0, 0.01)


def elu(z):
    return np.where(z >= 0, z, np.expm1(np.minimum(z, 0)))


def elu_grad(z):
    return np.exp(np.minimum(z, 0))


def softplus(z):
    return np.where(z > 0, z + np.log1p(np.exp(-np.abs(z))), np.log1p(np.exp(-np.abs(z))))


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return np.einsum("...,...->...", z, sigmoid(z))


def swish_grad(z):
    return sigmoid(z) * (1 + z * sigmoid(-z))


def logistic_forward(params, X, y):
    z = np.einsum("ij,jk->ik", params["w"], X) + params["b"]
    losses = softplus(z) - y * z
    return sigmoid(z), float(losses.mean()), {"X": X, "y": y, "z": z}


def logistic_backward(params, cache):
    dz = (sigmoid(cache["z"]) - cache["y"]) / cache["X"].shape[1]
    return {"w": np.einsum("ik,jk->ij", dz, cache["X"]), "b": float(dz.sum())}


def softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / np.einsum("km->m", e)


def _forward(Z, y):
    K, m = Z.shape
    Y = np.eye(K)[y[0]].T
    log_P = Z - Z.max(axis=0) - np.log(np.exp(Z - Z.max(axis=0)).sum(axis=0))
    return softmax(Z), float(-np.einsum("km,km->m", Y, log_P).mean()), Y


def softmax_forward(params, X, y):
    Z = np.einsum("kn,nm->km", params["W"], X) + params["b"]
    P, loss, Y = _forward(Z, y)
    return P, loss, {"X": X, "Y": Y, "P": P}


def softmax_backward(params, cache):
    dZ = (cache["P"] - cache["Y"]) / cache["X"].shape[1]
    return {"W": np.einsum("km,nm->kn", dZ, cache["X"]), "b": np.einsum("km->k", dZ)[:, None]}


def classifier_forward(params, X, y):
    Z1 = np.einsum("hn,nm->hm", params["W1"], X) + params["b1"]
    A1 = relu(Z1)
    P, loss, Y = _forward(np.einsum("kh,hm->km", params["W2"], A1) + params["b2"], y)
    return P, loss, {"X": X, "Y": Y, "Z1": Z1, "A1": A1, "P": P}


def classifier_backward(params, cache):
    dZ2 = (cache["P"] - cache["Y"]) / cache["X"].shape[1]
    dZ1 = np.einsum("kh,km->hm", params["W2"], dZ2) * relu_grad(cache["Z1"])
    return {
        "W1": np.einsum("hm,nm->hn", dZ1, cache["X"]),
        "b1": np.einsum("hm->h", dZ1)[:, None],
        "W2": np.einsum("km,hm->kh", dZ2, cache["A1"]),
        "b2": np.einsum("km->k", dZ2)[:, None],
    }
