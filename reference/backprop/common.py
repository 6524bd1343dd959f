"""Helpers shared by the reference solutions (examples are columns; the loss is the MSE)."""
from __future__ import annotations

import numpy as np


def _mse(y_hat, y):
    return float(np.mean((y_hat - y) ** 2))


def dy_of(y_hat, y):
    """dL/dy_hat of the MSE."""
    return 2.0 / y.shape[1] * (y_hat - y)
