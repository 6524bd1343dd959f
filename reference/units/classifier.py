"""A classifier: Z1 = W1 X + b1; A1 = relu(Z1); Z2 = W2 A1 + b2; P = softmax(Z2); the mean cross-entropy."""
from __future__ import annotations

import numpy as np

from .activations import relu
from .softmax import softmax


def classifier_forward(params, X, y):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    P = softmax(Z2)
    m = X.shape[1]
    Y = np.zeros_like(P)
    Y[y[0], np.arange(m)] = 1.0
    shifted = Z2 - np.max(Z2, axis=0, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    loss = float(-np.sum(Y * log_P) / m)
    return P, loss, (X, Y, Z1, A1, P)


def classifier_backward(params, cache):
    X, Y, Z1, A1, P = cache
    dZ2 = (P - Y) / X.shape[1]
    dA1 = params["W2"].T @ dZ2
    dZ1 = dA1 * (Z1 > 0)  # relu'(Z1): 1 where Z1 > 0, else 0
    return {
        "W1": dZ1 @ X.T,
        "b1": np.sum(dZ1, axis=1, keepdims=True),
        "W2": dZ2 @ A1.T,
        "b2": np.sum(dZ2, axis=1, keepdims=True),
    }


def _rule(dZ2_of=lambda P, Y, m: (P - Y) / m, dZ1_of=lambda dA1, Z1, A1: dA1 * (Z1 > 0), H_of=lambda Z1, A1: A1):
    """The backward with dZ2, dZ1 or the hidden layer in dW2 computed by a wrong rule."""
    def wrong(params, cache):
        X, Y, Z1, A1, P = cache
        dZ2 = dZ2_of(P, Y, X.shape[1])
        dZ1 = dZ1_of(params["W2"].T @ dZ2, Z1, A1)
        return {"W1": dZ1 @ X.T, "b1": np.sum(dZ1, axis=1, keepdims=True), "W2": dZ2 @ H_of(Z1, A1).T,
                "b2": np.sum(dZ2, axis=1, keepdims=True)}
    return wrong


def _no_relu(params, X, y):
    Z1 = params["W1"] @ X + params["b1"]
    Z2 = params["W2"] @ Z1 + params["b2"]
    P = softmax(Z2)
    with np.errstate(all="ignore"):
        loss = float(-np.mean(np.log(np.take_along_axis(P, y, axis=0))))
    return P, loss, None


KNOWN_WRONG = {
    "no_relu": {"classifier_forward": _no_relu},
    "no_relu_derivative": {"classifier_backward": _rule(dZ1_of=lambda dA1, Z1, A1: dA1)},
    "relu_derivative_is_relu": {"classifier_backward": _rule(dZ1_of=lambda dA1, Z1, A1: dA1 * A1)},
    "relu_mask_wrong_side": {"classifier_backward": _rule(dZ1_of=lambda dA1, Z1, A1: dA1 * (Z1 < 0))},
    "dW2_with_Z1": {"classifier_backward": _rule(H_of=lambda Z1, A1: Z1)},
    "elementwise_jacobian": {"classifier_backward": _rule(dZ2_of=lambda P, Y, m: -Y * (1 - P) / m)},
}
