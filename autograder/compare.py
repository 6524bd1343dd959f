"""Comparing a student's array with an oracle's, in float64, per tensor."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.spec import Tolerance


@dataclass(frozen=True)
class Comparison:
    close: bool
    max_abs_err: float
    max_rel_err: float  # relative to the tensor's largest entry, the scale of the atol floor
    worst_index: tuple[int, ...]


# How far beyond the float32 rounding error of this very case a value may be. A case can be
# ill-conditioned (a loss near 0, a gradient that is a small sum of large terms), where
# float32 arithmetic, which the contract admits, errs by more than rtol relative to the
# result; float16 errs ~8000 times more than float32, so it stays out.
FLOAT32_MARGIN = 100.0


def compare(actual: np.ndarray, expected: np.ndarray, tol: Tolerance,
            float32_error: np.ndarray | None = None) -> Comparison:
    """Shapes must already match exactly (no broadcasting: np.allclose([], 5) is True).
    `float32_error`: |float32 - float64| of an oracle on this case, entrywise."""
    if actual.shape != expected.shape:
        raise ValueError(f"compare() needs equal shapes, got {actual.shape} and {expected.shape}")
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    if a.size == 0:
        return Comparison(True, 0.0, 0.0, ())
    scale = max(float(np.max(np.abs(b))), 1e-12)
    if not np.all(np.isfinite(a)):
        idx = np.unravel_index(int(np.argmax(~np.isfinite(a))), a.shape)
        return Comparison(False, float("inf"), float("inf"), tuple(int(i) for i in idx))
    err = np.abs(a - b)
    bound = tol.atol_scale * scale + tol.rtol * np.abs(b)
    if float32_error is not None:
        bound = np.maximum(bound, FLOAT32_MARGIN * np.asarray(float32_error, dtype=np.float64))
    idx = np.unravel_index(int(np.argmax(err - bound)), a.shape)
    max_abs = float(np.max(err))
    return Comparison(
        close=bool(np.all(err <= bound)),
        max_abs_err=max_abs,
        max_rel_err=max_abs / scale,
        worst_index=tuple(int(i) for i in idx),
    )


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Normwise ||a - b|| / max(||a||, ||b||): how far two oracles are apart."""
    denom = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float))) / denom
