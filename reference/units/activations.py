"""Activation functions and their derivatives, stable for any |z|."""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    # exp(-|z|) never overflows; the form is chosen by the sign of z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(z)


def tanh_grad(z):
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    return np.maximum(z, 0.0)


def relu_grad(z):
    # The subgradient at z = 0 is a convention: 0 here.
    return np.where(z > 0, 1.0, 0.0)


def leaky_relu(z):
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu_grad(z):
    return np.where(z > 0, 1.0, 0.01)


def elu(z):
    # expm1 of min(z, 0): no overflow where z > 0, and exact near 0.
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def elu_grad(z):
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))


def softplus(z):
    # log(1 + exp(z)) = log(exp(0) + exp(z)), without overflow.
    return np.logaddexp(0.0, z)


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return z * sigmoid(z)


def swish_grad(z):
    s = sigmoid(z)
    return s + z * s * (1.0 - s)


KNOWN_WRONG = {
    "of_z": {"sigmoid_grad": lambda z: z * (1 - z), "tanh_grad": lambda z: 1 - z ** 2},
    "value_only": {"sigmoid_grad": sigmoid},
    "not_squared": {"tanh_grad": lambda z: 1 - np.tanh(z)},
    "value_not_slope": {"relu_grad": relu, "elu_grad": lambda z: np.where(z > 0, 1.0, elu(z))},
    "wrong_side": {"relu_grad": lambda z: np.where(z < 0, 1.0, 0.0)},
    "no_leak": {"leaky_relu_grad": lambda z: np.where(z > 0, 1.0, 0.0)},
    "sign_flipped": {"softplus_grad": lambda z: sigmoid(-z)},
    "first_term_only": {"swish_grad": sigmoid},
    "second_term_only": {"swish_grad": lambda z: z * sigmoid_grad(z)},
}
