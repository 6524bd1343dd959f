"""torch.autograd on a torch formulation of each forward.

Only the parameters go through autograd; the student's gradient is never wrapped in an
autograd.Function (torch would silently sum a broadcastable wrong-shaped gradient).
"""
from __future__ import annotations

import functools
from types import ModuleType

import numpy as np

from autograder.exercises import Case, Params


@functools.cache
def _torch() -> ModuleType:
    import torch  # ~2.5 s and ~220 MB: paid once per process, only when needed

    return torch


def _forward(exercise: str, t: dict, X, y):
    torch = _torch()
    if exercise in ("univariate", "multivariate"):
        y_hat = (t["w"] * X if exercise == "univariate" else t["w"] @ X) + t["b"]
    else:
        Z = t["W1"] @ X + t["b1"]
        H = torch.sigmoid(Z) if exercise == "sigmoid_mlp" else Z
        y_hat = t["w2"] @ H + t["b2"]
    return y_hat, torch.mean((y_hat - y) ** 2)


def forward_and_gradients(exercise: str, params: Params, X: np.ndarray, y: np.ndarray, single: bool = False):
    """Returns (y_hat, loss, grads) as float64 numpy values, grads shaped like params;
    `single`: computed in float32 (to measure its rounding error on this case)."""
    torch = _torch()
    dtype = np.float32 if single else np.float64
    t = {k: torch.tensor(np.asarray(v, dtype=dtype), requires_grad=True) for k, v in params.items()}
    y_hat, loss = _forward(exercise, t, torch.from_numpy(np.asarray(X, dtype)), torch.from_numpy(np.asarray(y, dtype)))
    names = list(t)
    grads = torch.autograd.grad(loss, [t[k] for k in names])
    return (
        y_hat.detach().numpy().astype(np.float64),
        float(loss.detach()),
        {k: g.numpy().astype(np.float64) for k, g in zip(names, grads)},
    )


def loss(exercise: str, params: Params, X: np.ndarray, y: np.ndarray) -> float:
    torch = _torch()
    with torch.no_grad():
        t = {k: torch.tensor(np.asarray(v, dtype=np.float64)) for k, v in params.items()}
        return float(_forward(exercise, t, torch.from_numpy(np.asarray(X, float)), torch.from_numpy(np.asarray(y, float)))[1])


def case_result(case: Case, single: bool = False):
    return forward_and_gradients(case.exercise, case.params, case.X, case.y, single)


def sigmoid(z: np.ndarray) -> np.ndarray:
    torch = _torch()
    return torch.sigmoid(torch.from_numpy(np.asarray(z, dtype=np.float64))).numpy().copy()
