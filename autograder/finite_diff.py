"""Central finite differences: full (every entry) and fast (one random direction per tensor).

Works on any loss function of the parameters, so it serves both as an oracle (on the
reference or torch forward) and as a consistency check of a student's backward against the
student's *own* forward.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.exercises import Params

LossFn = Callable[[Params], float]

STEP = 1e-5  # float64: truncation ~h^2, rounding ~eps/h, both ~1e-10 here


def _shifted(params: Params, name: str, delta: np.ndarray) -> Params:
    out = dict(params)
    value = params[name]
    # Scalars stay Python floats: the student contract promises floats.
    out[name] = float(value + delta) if isinstance(value, float) else np.asarray(value) + delta
    return out


def full_gradient(loss: LossFn, params: Params, h: float = STEP) -> dict[str, np.ndarray]:
    grads: dict[str, np.ndarray] = {}
    for name, value in params.items():
        shape = np.shape(value)
        g = np.zeros(shape)
        for idx in np.ndindex(*shape) if shape else [()]:
            e = np.zeros(shape)
            e[idx] = h
            g[idx] = (loss(_shifted(params, name, e)) - loss(_shifted(params, name, -e))) / (2 * h)
        grads[name] = g
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


def directional_check(
    loss: LossFn, params: Params, grads: dict[str, np.ndarray], seed: int = 0, h: float = STEP
) -> dict[str, Directional]:
    """Directional derivatives for the parameters named in `grads` (a subset is fine)."""
    result = {}
    for name, u in directions(params, seed).items():
        if name not in grads:
            continue
        def d(step: float) -> float:
            return (loss(_shifted(params, name, step * u)) - loss(_shifted(params, name, -step * u))) / (2 * step)

        analytic = float(np.sum(np.asarray(grads[name], dtype=float) * u))
        result[name] = Directional(fd=d(h), fd_coarse=d(10 * h), analytic=analytic)
    return result
