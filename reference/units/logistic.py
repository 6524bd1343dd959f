"""Logistic regression: z = w X + b; y_hat = sigmoid(z); the mean binary cross-entropy."""
from __future__ import annotations

import numpy as np

from .activations import sigmoid


def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    y_hat = sigmoid(z)
    # -y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z)) = log(1 + exp(z)) - y z, from the logits.
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    return y_hat, loss, (X, y, y_hat)


def logistic_backward(params, cache):
    X, y, y_hat = cache
    dz = (y_hat - y) / X.shape[1]
    return {"w": dz @ X.T, "b": float(np.sum(dz))}


def _grads_of(dz_of):
    """The backward with dL/dz computed by a wrong rule from (y_hat, y, m, z)."""
    def wrong(params, cache):
        X, y, y_hat = cache
        dz = dz_of(y_hat, y, X.shape[1], params["w"] @ X + params["b"])
        return {"w": dz @ X.T, "b": float(np.sum(dz))}
    return wrong


def _pm1_forward(params, X, y):
    y_hat, _, cache = logistic_forward(params, X, y)
    z = params["w"] @ X + params["b"]
    return y_hat, float(np.mean(np.logaddexp(0.0, -y * z))), cache


def _naive_log_forward(params, X, y):
    y_hat, _, cache = logistic_forward(params, X, y)
    with np.errstate(all="ignore"):
        loss = float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))
    return y_hat, loss, cache


KNOWN_WRONG = {
    "mse_derivative": {"logistic_backward": _grads_of(lambda y_hat, y, m, z: 2 * (y_hat - y) / m * y_hat * (1 - y_hat))},
    "extra_sigmoid_derivative": {"logistic_backward": _grads_of(lambda y_hat, y, m, z: (y_hat - y) / m * y_hat * (1 - y_hat))},
    "pm1_labels": {"logistic_forward": _pm1_forward,
                   "logistic_backward": _grads_of(lambda y_hat, y, m, z: -y * sigmoid(-y * z) / m)},
    "naive_log": {"logistic_forward": _naive_log_forward},
}
