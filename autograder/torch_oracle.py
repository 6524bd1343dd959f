"""torch.autograd on an exercise's torch formulation (declared with the exercise).

Only the parameters go through autograd; the student's gradient is never wrapped in an
autograd.Function (torch would silently sum a broadcastable wrong-shaped gradient).
"""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Any, Callable

import numpy as np

Params = dict[str, Any]
# (torch, params as tensors, X, y) -> (output, loss): an exercise's forward in torch
TorchForward = Callable[[ModuleType, dict[str, Any], Any, Any], tuple[Any, Any]]


@functools.cache
def torch_module() -> ModuleType:
    import torch  # ~2.5 s and ~220 MB: paid once per process, only when needed

    return torch


def _tensor(value: Any, dtype: Any, grad: bool = False) -> Any:
    return torch_module().tensor(np.asarray(value, dtype=dtype), requires_grad=grad)


def forward_and_gradients(forward: TorchForward, params: Params, X: np.ndarray, y: np.ndarray,
                          single: bool = False) -> tuple[np.ndarray, float, dict[str, np.ndarray]]:
    """(output, loss, grads) as float64 numpy values, grads shaped like params; `single`:
    computed in float32 (to measure its rounding error on this case). Integer targets
    (class labels) stay integers."""
    torch = torch_module()
    dtype = np.float32 if single else np.float64
    t = {k: _tensor(v, dtype, grad=True) for k, v in params.items()}
    y_t = torch.from_numpy(np.asarray(y) if np.issubdtype(np.asarray(y).dtype, np.integer) else np.asarray(y, dtype))
    output, loss = forward(torch, t, torch.from_numpy(np.asarray(X, dtype)), y_t)
    names = list(t)
    grads = torch.autograd.grad(loss, [t[k] for k in names])
    return (output.detach().numpy().astype(np.float64), float(loss.detach()),
            {k: g.numpy().astype(np.float64) for k, g in zip(names, grads)})


def loss(forward: TorchForward, params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return forward_and_gradients(forward, params, X, y)[1]


def elementwise(fn: Callable[[ModuleType, Any], Any], z: np.ndarray) -> np.ndarray:
    torch = torch_module()
    with torch.no_grad():
        return fn(torch, torch.from_numpy(np.asarray(z, dtype=np.float64))).numpy().astype(np.float64)


def elementwise_with_derivative(fn: Callable[[ModuleType, Any], Any], z: np.ndarray,
                                single: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Values and the entrywise derivative (the gradient of their sum)."""
    torch = torch_module()
    t = _tensor(z, np.float32 if single else np.float64, grad=True)
    value = fn(torch, t)
    derivative, = torch.autograd.grad(value.sum(), [t])
    return value.detach().numpy().astype(np.float64), derivative.numpy().astype(np.float64)
