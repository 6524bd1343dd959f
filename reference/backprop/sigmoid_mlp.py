"""Two-layer sigmoid MLP: Z = W1 X + b1; A = sigmoid(Z); y_hat = w2 A + b2."""
from __future__ import annotations

import numpy as np

from .common import _mse, dy_of, forgetting, mae, rmse, with_loss
from .two_layer_linear import two_layer_linear_forward


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    # Split by sign so exp never overflows.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_mlp_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    A = sigmoid(Z)
    y_hat = params["w2"] @ A + params["b2"]
    return y_hat, _mse(y_hat, y), (X, y, A, y_hat)


def sigmoid_mlp_backward(params, cache):
    X, y, A, y_hat = cache
    m = X.shape[1]
    dy = 2.0 / m * (y_hat - y)
    dA = params["w2"].T @ dy
    dZ = dA * A * (1.0 - A)
    return {
        "W1": dZ @ X.T,
        "b1": np.sum(dZ, axis=1, keepdims=True),
        "w2": dy @ A.T,
        "b2": float(np.sum(dy)),
    }


def _hidden_rule(dZ_of):
    """The backward with dZ computed from (dA, A, Z) by a wrong rule."""
    def wrong(params, cache):
        X, y, A, y_hat = cache
        Z = params["W1"] @ X + params["b1"]
        dZ = dZ_of(params["w2"].T @ dy_of(y_hat, y), A, Z)
        return {**sigmoid_mlp_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}
    return wrong


def _no_w2_in_chain(params, cache):
    X, y, A, y_hat = cache
    dZ = dy_of(y_hat, y) * A * (1 - A)
    return {**sigmoid_mlp_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}


def _dw2_with_Z(params, cache):
    X, y, A, y_hat = cache
    Z = params["W1"] @ X + params["b1"]
    return {**sigmoid_mlp_backward(params, cache), "w2": dy_of(y_hat, y) @ Z.T}


def _no_sigmoid(params, X, y):
    y_hat, loss, _ = two_layer_linear_forward(params, X, y)
    return y_hat, loss, None


def _sigmoid_on_output(params, X, y):
    y_hat = sigmoid(sigmoid_mlp_forward(params, X, y)[0])
    return y_hat, _mse(y_hat, y), None


KNOWN_WRONG = {
    "mae": {"sigmoid_mlp_forward": with_loss(sigmoid_mlp_forward, mae)},
    "rmse": {"sigmoid_mlp_forward": with_loss(sigmoid_mlp_forward, rmse)},
    "no_bias_b2": {"sigmoid_mlp_forward": forgetting(sigmoid_mlp_forward, "b2")},
    "no_bias_b1": {"sigmoid_mlp_forward": forgetting(sigmoid_mlp_forward, "b1")},
    "no_sigmoid": {"sigmoid_mlp_forward": _no_sigmoid},
    "sigmoid_on_output": {"sigmoid_mlp_forward": _sigmoid_on_output},
    "no_w2_in_chain": {"sigmoid_mlp_backward": _no_w2_in_chain},
    "no_sigmoid_derivative": {"sigmoid_mlp_backward": _hidden_rule(lambda dA, A, Z: dA)},
    "sigmoid_derivative_of_Z": {"sigmoid_mlp_backward": _hidden_rule(lambda dA, A, Z: dA * Z * (1 - Z))},
    "sigmoid_applied_twice": {"sigmoid_mlp_backward": _hidden_rule(lambda dA, A, Z: dA * sigmoid(A) * (1 - sigmoid(A)))},
    "derivative_A_only": {"sigmoid_mlp_backward": _hidden_rule(lambda dA, A, Z: dA * A)},
    "derivative_one_minus_A_only": {"sigmoid_mlp_backward": _hidden_rule(lambda dA, A, Z: dA * (1 - A))},
    "dw2_with_Z": {"sigmoid_mlp_backward": _dw2_with_Z},
}
