"""Univariate linear regression: y_hat = w x + b."""
from __future__ import annotations

import numpy as np

from .common import _mse, dy_of


def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return y_hat, _mse(y_hat, y), (X, y, y_hat)


def univariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2.0 / m * (y_hat - y)
    return {"w": float(np.sum(dy * X)), "b": float(np.sum(dy))}


def _dw_without_x(params, cache):
    X, y, y_hat = cache
    return {**univariate_backward(params, cache), "w": float(np.sum(dy_of(y_hat, y)))}


# The other known mistakes have a public torch form (exercises/backprop/univariate.py).
KNOWN_WRONG = {"dw_without_x": {"univariate_backward": _dw_without_x}}
