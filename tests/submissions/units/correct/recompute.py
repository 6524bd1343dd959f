# Correct: the cache is just (X, y); the backward recomputes the forward from params. Labels
# are turned into floats for the logistic model and compared with class indices for the
# softmax ones (one-hot by comparison: np.arange(K)[:, None] == y).
import numpy as np


def sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))  # sigma(z) = (1 + tanh(z / 2)) / 2: never overflows


def sigmoid_grad(z):
    return 0.25 / np.cosh(np.clip(z, -1400, 1400) / 2) ** 2


def tanh(z):
    return 2 * sigmoid(2 * z) - 1


def tanh_grad(z):
    return 4 * sigmoid_grad(2 * z)


def relu(z):
    return z * (z > 0)


def relu_grad(z):
    return 1.0 * (z > 0)


def leaky_relu(z):
    return z * np.where(z > 0, 1, 0.01)


def leaky_relu_grad(z):
    return 0.01 + 0.99 * (z > 0)


def elu(z):
    return np.maximum(z, 0) + np.expm1(np.minimum(z, 0))


def elu_grad(z):
    return np.where(z > 0, 1.0, elu(z) + 1)


def softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return z * sigmoid(z)


def swish_grad(z):
    return swish(z) + sigmoid(z) * (1 - swish(z))


def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    return sigmoid(z), float(np.mean(softplus(z) - y * z)), (X, y)


def logistic_backward(params, cache):
    X, y = cache
    y_hat, _, _ = logistic_forward(params, X, y)
    dz = (y_hat - y.astype(float)) / X.shape[1]
    return {"w": dz @ X.T, "b": float(dz.sum())}


def softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _one_hot(y, K):
    return (np.arange(K)[:, None] == y).astype(float)


def _cross_entropy(Z, y):
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return float(-np.sum(_one_hot(y, Z.shape[0]) * log_P) / Z.shape[1])


def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    return softmax(Z), _cross_entropy(Z, y), (X, y)


def softmax_backward(params, cache):
    X, y = cache
    P, _, _ = softmax_forward(params, X, y)
    dZ = (P - _one_hot(y, P.shape[0])) / X.shape[1]
    return {"W": dZ @ X.T, "b": np.sum(dZ, axis=1, keepdims=True)}


def classifier_forward(params, X, y):
    A1 = relu(params["W1"] @ X + params["b1"])
    Z2 = params["W2"] @ A1 + params["b2"]
    return softmax(Z2), _cross_entropy(Z2, y), (X, y)


def classifier_backward(params, cache):
    X, y = cache
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    P = softmax(params["W2"] @ A1 + params["b2"])
    dZ2 = (P - _one_hot(y, P.shape[0])) / X.shape[1]
    dZ1 = (params["W2"].T @ dZ2) * relu_grad(Z1)
    return {"W1": dZ1 @ X.T, "b1": np.sum(dZ1, axis=1, keepdims=True), "W2": dZ2 @ A1.T,
            "b2": np.sum(dZ2, axis=1, keepdims=True)}
