"""Naming the likely mistake behind a wrong array.

In this order: shape rules, then non-finite values and low precision, then a scalar ratio
to the right answer, then known-wrong variants ("mutants", instructors only). A ratio alone
would call a missing sigmoid derivative "x4" when pre-activations are near 0, so the ratio
must explain the array almost exactly before it is named.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from autograder.compare import compare
from autograder.exercises import Dims, Tolerance

RATIO_RESIDUAL = 1e-6


def _close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> bool:
    return a.shape == b.shape and compare(a, b, tol).close


def _shape(s: tuple[int, ...]) -> str:
    return "a single number" if s == () else f"shape {s}"


def shape_cause(actual: np.ndarray, expected: np.ndarray, dims: Dims, tol: Tolerance) -> str:
    """Why `actual` has the wrong shape, and whether its values would be right once fixed."""
    a, e = actual.shape, expected.shape
    m = dims.m
    if e == ():
        if actual.ndim >= 1 and m in a and m > 1:
            if _close(np.asarray(actual.sum()), expected, tol):
                return f"it is not summed over the batch: it has {_shape(a)}, but summing over the m = {m} examples gives the right value"
            return f"it should be a single number, but has {_shape(a)}: a gradient of a scalar parameter sums over the m = {m} examples"
        return f"it should be a single number (a float), but has {_shape(a)}"
    if len(e) == 2 and a == e[::-1]:
        if _close(actual.T, expected, tol):
            return f"it is transposed: {_shape(a)} instead of {e}; its transpose is right"
        return f"it has the transposed shape {a} instead of {e}, and its transpose is not right either"
    if len(e) == 2 and e[1] == 1 and a == (e[0],):
        fixed = "the values are right" if _close(actual.reshape(e), expected, tol) else "the values are wrong too"
        return (f"it has shape {a} instead of {e} ({fixed}): sum with keepdims=True or reshape; a {a} gradient "
                f"broadcasts against the {e} parameter into a {(e[0], e[0])} matrix in the update")
    if len(e) == 2 and e[0] == 1 and a == (e[1],):
        fixed = "the values are right" if _close(actual.reshape(e), expected, tol) else "the values are wrong too"
        return f"it has shape {a} instead of {e} ({fixed}): keep it a row vector (reshape(1, -1) or keepdims=True)"
    if len(e) == 2 and e[1] == 1 and a == (e[0], m) and m > 1:
        summed = _close(actual.sum(axis=1, keepdims=True), expected, tol)
        tail = ": summing it over axis=1 (keepdims=True) gives the right value" if summed else ""
        return f"it is not summed over the batch: shape {a} instead of {e}{tail}"
    if len(e) == 2 and e[1] == 1 and e[0] != 1 and (a == (1, m) or a == (m,)) and m != e[0]:
        return (f"it is summed over the wrong axis: shape {a} instead of {e}; axis=0 sums over the hidden units, "
                f"the batch is axis=1 (use keepdims=True)")
    if actual.size == 1 and expected.size > 1:
        return f"it is a single number, but should have shape {e}: was it summed over every axis?"
    swapped = _swapped_sizes(a, e, dims)
    if swapped:
        return swapped
    if actual.size == expected.size:
        if _close(actual.reshape(e), expected, tol):
            return f"the values are right but the shape is {a} instead of {e}"
    if m > 1 and m in a and m not in e:
        return f"it has {_shape(a)} instead of {e}: the axis of length m = {m} (the batch) should have been summed"
    return f"it has {_shape(a)} instead of {e}"


def _swapped_sizes(a: tuple[int, ...], e: tuple[int, ...], dims: Dims) -> str | None:
    """n where k belongs or k where n belongs (e.g. dw2 = dy @ X.T, shape (1, n) for (1, k)):
    X (n features) and the hidden layer Z or A (k units) were swapped in a product."""
    n, k = dims.n, dims.k
    if n == k or len(a) != len(e) or a == e:
        return None
    pairs = [(ai, ei) for ai, ei in zip(a, e) if ai != ei]
    if all((ai, ei) == (n, k) for ai, ei in pairs):
        return (f"it has shape {a} instead of {e}: n = {n} (the features of X) where k = {k} (the hidden units) "
                "belongs; was X used where the hidden layer (Z or A) belongs?")
    if all((ai, ei) == (k, n) for ai, ei in pairs):
        return (f"it has shape {a} instead of {e}: k = {k} (the hidden units) where n = {n} (the features of X) "
                "belongs; was the hidden layer (Z or A) used where X belongs?")
    return None


def y_hat_shape_cause(actual: np.ndarray, expected: np.ndarray, dims: Dims, tol: Tolerance) -> str:
    """Why y_hat, which must be a (1, m) row, has another shape. The gradient rules of
    shape_cause talk about parameter updates, which would confuse a student here."""
    a, m = actual.shape, dims.m
    values = ""
    if actual.size == expected.size:
        values = " (the values are right)" if _close(actual.reshape(expected.shape), expected, tol) else " (the values are wrong too)"
    if m == 1 and actual.size == 1:
        # (1, 1) squeezed to () or (1,): the classic m = 1 bug, invisible for m > 1.
        return (f"at m = 1 (a single example) y_hat must still have shape (1, 1), yours has {_shape(a)}{values}: "
                "np.squeeze or indexing such as [0] drops an axis of length 1; keep y_hat 2-D (reshape(1, -1))")
    if a == (m,):
        return f"y_hat is 1-D with shape {a}{values}: examples are columns, so y_hat is a (1, m) row; reshape(1, -1) or don't squeeze"
    if a == (m, 1):
        return f"y_hat is a column of shape {a}{values}: examples are columns of X, so y_hat is a (1, m) row"
    if a == (dims.k, m) and dims.k > 1:
        return (f"y_hat has shape {a}, k = {dims.k} rows: a (k, 1) term such as b1 (or the hidden layer itself) "
                "was broadcast into y_hat; y_hat = w2 A + b2 is a (1, m) row")
    if a == (m, m) and m > 1:
        return f"y_hat has shape {a}: a (m, 1) column and a (1, m) row were broadcast together; keep every array a (1, m) row"
    return shape_cause(actual, expected, dims, tol)


def _ratio_candidates(dims: Dims) -> dict[float, str]:
    m, n, k = dims.m, dims.n, dims.k
    out: dict[float, str] = {}
    base = {
        Fraction(1): "",
        Fraction(m): f"m = {m} times too large: the loss is a mean over the m examples, so divide by m",
        Fraction(1, m): f"1/m = 1/{m} of the right value: the 1/m of the mean is applied twice",
    }
    factor = {
        Fraction(1): "",
        Fraction(2): "twice the right value: the factor 2 from the square is counted twice",
        Fraction(1, 2): "half the right value: the derivative of (y_hat - y)**2 brings a factor 2",
        # Any flipped factor along the chain gives -1 (y - y_hat, or A * (A - 1) in the sigmoid layer).
        Fraction(-1): "the right value with the wrong sign: a sign flip along the chain, e.g. (y - y_hat) where "
                      "d/dy_hat of (y_hat - y)**2 is +2 (y_hat - y)",
        Fraction(-2): "-2 times the right value: a sign error and the factor 2 counted twice",
        Fraction(-1, 2): "-1/2 times the right value: a sign error and a missing factor 2",
    }
    for fc, fdesc in factor.items():
        for bc, bdesc in base.items():
            c = fc * bc
            if c == 1:
                continue
            text = "; ".join(t for t in (fdesc, bdesc) if t)
            out.setdefault(float(c), text)
    for size, name in ((n, "n"), (k, "k")):
        if size > 1 and float(size) not in out:
            out[float(size)] = f"{name} = {size} times the right value"
            out[1.0 / size] = f"1/{name} = 1/{size} of the right value"
    for size, name, what in ((n, "n", "features"), (k, "k", "hidden units")):
        # Dividing by the wrong dimension: m = X.shape[0] (or len(X)) is n, not m.
        if size not in (1, m):
            out.setdefault(m / size, f"m/{name} = {m}/{size} times the right value: it divides by {name} = {size} "
                                     f"(the number of {what}) instead of m = {m} (the number of examples, X.shape[1])")
    return out


def ratio_cause(actual: np.ndarray, expected: np.ndarray, dims: Dims) -> str | None:
    s, r = actual.ravel(), expected.ravel()
    rr = float(r @ r)
    if rr == 0.0 or not np.any(s):
        return None
    c = float(s @ r) / rr
    if np.linalg.norm(s - c * r) > RATIO_RESIDUAL * np.linalg.norm(s):
        return None
    for value, text in _ratio_candidates(dims).items():
        if abs(c - value) <= 1e-6 * abs(value):
            return f"it is exactly {text}"
    if s.size == 1:
        # Any single number is "exactly c times" another: only a known factor is evidence.
        return None
    return f"it is exactly {c:.6g} times the right value: look for a wrong constant factor"


def precision_cause(actual: np.ndarray, dtype: str, expected: np.ndarray) -> str | None:
    if dtype == "float16":
        return "it is returned as float16, which keeps only ~3 significant digits: compute in float64 (or float32)"
    err = np.max(np.abs(actual - expected)) / max(float(np.max(np.abs(expected))), 1e-300)
    if err < 1e-2:
        return (f"it agrees only to about {max(0, int(-np.log10(err)))} significant digits: low precision "
                "(float16?) somewhere in the computation")
    return None


def nonfinite_cause(actual: np.ndarray) -> str | None:
    bad = ~np.isfinite(actual)
    if not bad.any():
        return None
    kinds = [w for w, mask in (("NaN", np.isnan(actual)), ("inf", np.isinf(actual))) if mask.any()]
    return f"it contains {' and '.join(kinds)} ({int(bad.sum())} of {actual.size} entries)"


def value_cause(
    actual: np.ndarray, dtype: str, expected: np.ndarray, dims: Dims, tol: Tolerance, mutants: list[tuple[str, np.ndarray]]
) -> str | None:
    """Likely cause for an array of the right shape but wrong values (None: unknown)."""
    for cause in (nonfinite_cause(actual), precision_cause(actual, dtype, expected), ratio_cause(actual, expected, dims)):
        if cause:
            return cause
    for description, wrong in mutants:
        if _close(actual, wrong, tol):
            return description
    return None


def edge_shape_hint(dims: Dims, passed: Dims) -> str:
    """For a failure only on an edge test shape while the same code ran on `passed` (the
    diagnosis shape, which runs first): the classic cause of code that breaks only there."""
    for axis, what in (("m", "batch axis (the examples)"), ("n", "feature axis")):
        if getattr(dims, axis) == 1 < getattr(passed, axis):
            return (f" ({axis} = 1 here, and the same code ran with {axis} = {getattr(passed, axis)}: np.squeeze or "
                    f"indexing such as [0] drops the {what} of length 1; keep arrays 2-D)")
    return ""


def differing_entries(actual: np.ndarray, expected: np.ndarray, limit: int = 3) -> list[str]:
    """A few of the worst entries, pytest style: index, yours, expected."""
    if actual.shape != expected.shape:
        return []
    err = np.abs(actual - expected).ravel()
    order = np.argsort(-np.nan_to_num(err, nan=np.inf))[:limit]
    lines = []
    for flat in order:
        if err[flat] == 0:
            break
        idx = np.unravel_index(int(flat), actual.shape) if actual.shape else ()
        where = f"[{', '.join(map(str, idx))}]" if idx else "value"
        lines.append(f"{where}: yours {actual.ravel()[flat]:.6g}, expected {expected.ravel()[flat]:.6g}")
    return lines
