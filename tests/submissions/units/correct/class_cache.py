# Correct: caches are small class instances holding what the backward needs, and the
# backward of each model is a method call; relu_grad returns booleans (z > 0), which the
# grader reads as 0 and 1, and the classifier multiplies by them directly.
from dataclasses import dataclass

import numpy as np


def sigmoid(z):
    out = np.empty(np.shape(z))
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_grad(z):
    s = sigmoid(z)
    return s - s ** 2


def tanh(z):
    return np.tanh(z)


def tanh_grad(z):
    return 1 - tanh(z) * tanh(z)


def relu(z):
    return np.maximum(z, 0)


def relu_grad(z):
    return z > 0


def leaky_relu(z):
    return np.maximum(z, 0) + 0.01 * np.minimum(z, 0)


def leaky_relu_grad(z):
    return np.where(z > 0, 1, 0.01)


def elu(z):
    out = np.array(z, dtype=float)
    neg = z <= 0
    out[neg] = np.expm1(z[neg])
    return out


def elu_grad(z):
    out = np.ones(np.shape(z))
    neg = z <= 0
    out[neg] = np.exp(z[neg])
    return out


def softplus(z):
    out = np.empty(np.shape(z))
    big = z > 30
    out[big] = z[big] + np.log1p(np.exp(-z[big]))
    out[~big] = np.log1p(np.exp(z[~big]))
    return out


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return z * sigmoid(z)


def swish_grad(z):
    s = sigmoid(z)
    return s * (1 + z * (1 - s))


@dataclass
class LinearCache:
    X: np.ndarray
    target: np.ndarray  # y (logistic) or the one-hot Y (softmax)
    out: np.ndarray  # y_hat or P

    def output_gradient(self):
        return (self.out - self.target) / self.X.shape[1]


def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    y_hat = sigmoid(z)
    return y_hat, float(np.mean(softplus(z) - y * z)), LinearCache(X, y, y_hat)


def logistic_backward(params, cache):
    dz = cache.output_gradient()
    return {"w": dz @ cache.X.T, "b": float(np.sum(dz))}


def softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _loss_and_Y(Z, y):
    K, m = Z.shape
    Y = np.zeros((K, m))
    for i, label in enumerate(y[0]):
        Y[label, i] = 1.0
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    return float(np.sum(Y * (np.log(np.sum(np.exp(shifted), axis=0, keepdims=True)) - shifted)) / m), Y


def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z)
    loss, Y = _loss_and_Y(Z, y)
    return P, loss, LinearCache(X, Y, P)


def softmax_backward(params, cache):
    dZ = cache.output_gradient()
    return {"W": dZ @ cache.X.T, "b": np.sum(dZ, axis=1, keepdims=True)}


class HiddenCache:
    def __init__(self, X, Z1, A1, output):
        self.X, self.Z1, self.A1, self.output = X, Z1, A1, output


def classifier_forward(params, X, y):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    P = softmax(Z2)
    loss, Y = _loss_and_Y(Z2, y)
    return P, loss, HiddenCache(X, Z1, A1, LinearCache(A1, Y, P))


def classifier_backward(params, cache):
    dZ2 = cache.output.output_gradient()
    dZ1 = (params["W2"].T @ dZ2) * relu_grad(cache.Z1)
    return {"W1": dZ1 @ cache.X.T, "b1": np.sum(dZ1, axis=1, keepdims=True), "W2": dZ2 @ cache.A1.T,
            "b2": np.sum(dZ2, axis=1, keepdims=True)}
