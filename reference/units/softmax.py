"""Softmax regression: Z = W X + b; P = softmax(Z) over the classes; the mean cross-entropy."""
from __future__ import annotations

import numpy as np


def softmax(z):
    # Shift each column by its max: exp never overflows, and the result is the same.
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z)
    m = X.shape[1]
    Y = np.zeros_like(P)
    Y[y[0], np.arange(m)] = 1.0  # one-hot: Y[k, i] = 1 where k is the label of example i
    # log P = Z - log(sum(exp(Z))), with the log-sum-exp computed after the max shift.
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    loss = float(-np.sum(Y * log_P) / m)
    return P, loss, (X, Y, P)


def softmax_backward(params, cache):
    X, Y, P = cache
    dZ = (P - Y) / X.shape[1]
    return {"W": dZ @ X.T, "b": np.sum(dZ, axis=1, keepdims=True)}


def _with_output(P_of, loss_of):
    """A forward whose P and loss come from wrong rules of (Z, y)."""
    def wrong(params, X, y):
        _, _, cache = softmax_forward(params, X, y)
        Z = params["W"] @ X + params["b"]
        with np.errstate(all="ignore"):
            P = P_of(Z)
            return P, float(loss_of(P, Z, y)), cache
    return wrong


def _nll(P, Z, y):
    """-mean(log P[y]): the log of probabilities (right only while none underflows)."""
    return -np.mean(np.log(np.take_along_axis(P, y, axis=0)))


def _rows(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def _unshifted(Z):
    return np.exp(Z) / np.sum(np.exp(Z), axis=0, keepdims=True)


def _dZ_of(rule):
    def wrong(params, cache):
        X, Y, P = cache
        dZ = rule(P, Y, X.shape[1])
        return {"W": dZ @ X.T, "b": np.sum(dZ, axis=1, keepdims=True)}
    return wrong


KNOWN_WRONG = {
    "wrong_axis": {"softmax_forward": _with_output(_rows, _nll)},
    # dP = -Y / (m P), times the diagonal of the Jacobian P (1 - P): -Y (1 - P) / m.
    "elementwise_jacobian": {"softmax_backward": _dZ_of(lambda P, Y, m: -Y * (1 - P) / m)},
    "labels_not_one_hot": {"softmax_backward": _dZ_of(lambda P, Y, m: (P - np.argmax(Y, axis=0)[np.newaxis]) / m)},
    "no_shift": {"softmax_forward": _with_output(_unshifted, _nll)},
    "log_of_P": {"softmax_forward": _with_output(softmax, _nll)},
}
