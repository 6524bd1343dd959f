"""Central finite differences: full (every entry) and fast (one random direction per tensor).

Works on any loss function of the parameters, so it serves both as an oracle (on the
reference or torch forward) and as a consistency check of a student's backward against the
student's *own* forward.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Params = dict  # parameter name -> float or array

LossFn = Callable[[Params], float]

STEP = 1e-5  # float64: truncation ~h^2, rounding ~eps/h, both ~1e-10 here


def _shifted(params: Params, name: str, delta: np.ndarray) -> Params:
    out = dict(params)
    value = params[name]
    # Scalars stay Python floats: the student contract promises floats.
    out[name] = float(value + delta) if isinstance(value, float) else np.asarray(value) + delta
    return out


def full_gradient(loss: LossFn, params: Params, h: float = STEP) -> dict[str, np.ndarray]:
    return full_gradient_batched(lambda points: [loss(p) for p in points], params, h)


def full_gradient_batched(losses: Callable[[list[Params]], list[float]], params: Params,
                          h: float = STEP) -> dict[str, np.ndarray]:
    """Every entry of every parameter, with all the losses asked for at once (a reference
    that runs in a sandboxed child answers them in one round trip)."""
    entries = [(name, idx) for name, value in params.items()
               for idx in (np.ndindex(*np.shape(value)) if np.shape(value) else [()])]
    points = []
    for name, idx in entries:
        e = np.zeros(np.shape(params[name]))
        e[idx] = h
        points += [_shifted(params, name, e), _shifted(params, name, -e)]
    values = losses(points)
    grads = {name: np.zeros(np.shape(value)) for name, value in params.items()}
    for i, (name, idx) in enumerate(entries):
        grads[name][idx] = (values[2 * i] - values[2 * i + 1]) / (2 * h)
    return grads


@dataclass(frozen=True)
class Directional:
    """Directional derivative along a unit direction u: finite differences vs <grad, u>."""

    fd: float
    fd_coarse: float  # with step 10h: disagreement with fd means the loss is too noisy (float32)
    analytic: float

    @property
    def reliable(self) -> bool:
        return abs(self.fd - self.fd_coarse) <= 1e-6 * max(abs(self.fd), 1e-3)

    @property
    def agrees(self) -> bool:
        return abs(self.fd - self.analytic) <= 1e-5 * max(abs(self.fd), abs(self.analytic), 1e-3)


def directions(params: Params, seed: int) -> dict[str, np.ndarray]:
    """One fixed random unit direction per parameter tensor (5-65x stronger signal than one
    global direction), seeded so grades are reproducible."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, value in params.items():
        u = rng.normal(size=np.shape(value))
        out[name] = u / max(float(np.linalg.norm(u)), 1e-300)
    return out


def directional_points(params: Params, name: str, u: np.ndarray, h: float = STEP) -> list[Params]:
    """Where a directional check evaluates the loss: +-h and +-10h along u, so that the
    losses can be computed in one batch (a sandboxed student's forward)."""
    return [_shifted(params, name, s * u) for s in (h, -h, 10 * h, -10 * h)]


def directional(losses: list[float], u: np.ndarray, grad: np.ndarray, h: float = STEP) -> Directional:
    """The check from the losses at `directional_points`."""
    analytic = float(np.sum(np.asarray(grad, dtype=float) * u))
    fd, coarse = (losses[0] - losses[1]) / (2 * h), (losses[2] - losses[3]) / (20 * h)
    return Directional(fd=fd, fd_coarse=coarse, analytic=analytic)


def directional_check(
    loss: LossFn, params: Params, grads: dict[str, np.ndarray], seed: int = 0, h: float = STEP
) -> dict[str, Directional]:
    """Directional derivatives for the parameters named in `grads` (a subset is fine)."""
    result = {}
    for name, u in directions(params, seed).items():
        if name in grads:
            result[name] = directional([loss(p) for p in directional_points(params, name, u, h)], u, grads[name], h)
    return result
