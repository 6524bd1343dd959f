"""Naming the likely mistake behind a wrong array: small rules, tried in order.

Each rule looks at the student's array and the right one and returns a `Cause` (an id that
tests and class reports count, and the text the student reads) or None. Generic rules come
first: shape rules, then non-finite values and low precision, then a scalar ratio to the
right answer, then the exercise's known-wrong variants ("mutants", instructors only). A
ratio alone would call a missing sigmoid derivative "x4" when the pre-activation values are near 0,
so the ratio must explain the array almost exactly before it is named.

Messages speak the exercise's language (its `Vocabulary`: what each size counts, which
factors its loss makes), so the rules themselves name no exercise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from autograder.compare import compare
from autograder.spec import Sizes, Tolerance

RATIO_RESIDUAL = 1e-6


@dataclass(frozen=True)
class Cause:
    id: str  # e.g. "transposed", "ratio:1/2", "mutant:no_w2_in_chain"
    text: str


@dataclass(frozen=True)
class SizeRole:
    """What a size counts, for messages: "n = 4 (the features of X)"."""

    name: str  # "n"
    noun: str  # "features"
    of: str = ""  # "X": the features *of X*
    holder: str = ""  # what holds this size in a product: "X", "the hidden layer (Z or A)"
    axis: str = ""  # where to read it: "X.shape[0]"

    @property
    def described(self) -> str:
        return f"the {self.noun}" + (f" of {self.of}" if self.of else "")


@dataclass(frozen=True)
class Vocabulary:
    """An exercise's words for sizes and for what its loss does to gradients."""

    sizes: tuple[SizeRole, ...]
    batch: str = "m"
    output: str = "y_hat"
    # c -> why a gradient is exactly c times the right one (the loss's own factors: 2, 1/2, -1...)
    factors: dict[Fraction, str] = field(default_factory=dict)

    def role(self, name: str) -> SizeRole:
        return next(r for r in self.sizes if r.name == name)


_GENERIC_FACTORS = {
    Fraction(2): "twice the right value",
    Fraction(1, 2): "half the right value",
    Fraction(-1): "the right value with the wrong sign",
    Fraction(-2): "-2 times the right value",
    Fraction(-1, 2): "-1/2 times the right value",
}


def _close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> bool:
    return a.shape == b.shape and compare(a, b, tol).close


def _shape(s: tuple[int, ...]) -> str:
    return "a single number" if s == () else f"shape {s}"


# --- shapes ------------------------------------------------------------------------------

def _scalar_shape(a: np.ndarray, e: np.ndarray, m: int, tol: Tolerance) -> Cause | None:
    if e.shape != ():
        return None
    if a.ndim >= 1 and m in a.shape and m > 1:
        if _close(np.asarray(a.sum()), e, tol):
            return Cause("not-summed", f"it is not summed over the batch: it has {_shape(a.shape)}, but summing over the "
                                       f"m = {m} examples gives the right value")
        return Cause("scalar-expected", f"it should be a single number, but has {_shape(a.shape)}: a gradient of a scalar "
                                        f"parameter sums over the m = {m} examples")
    return Cause("scalar-expected", f"it should be a single number (a float), but has {_shape(a.shape)}")


def _column_shape(a: np.ndarray, e: np.ndarray, sizes: Sizes, vocab: Vocabulary, tol: Tolerance) -> Cause | None:
    """Rules for a (k, 1) or (1, k) expected shape: keepdims, summing, the batch axis."""
    ash, esh, m = a.shape, e.shape, sizes[vocab.batch]
    if len(esh) != 2:
        return None
    if esh[1] == 1 and ash == (esh[0],):
        fixed = "the values are right" if _close(a.reshape(esh), e, tol) else "the values are wrong too"
        return Cause("no-keepdims", f"it has shape {ash} instead of {esh} ({fixed}): sum with keepdims=True or reshape; "
                                    f"a {ash} gradient broadcasts against the {esh} parameter into a {(esh[0], esh[0])} "
                                    "matrix in the update")
    if esh[0] == 1 and ash == (esh[1],):
        fixed = "the values are right" if _close(a.reshape(esh), e, tol) else "the values are wrong too"
        return Cause("row-not-kept", f"it has shape {ash} instead of {esh} ({fixed}): keep it a row vector "
                                     "(reshape(1, -1) or keepdims=True)")
    if esh[1] == 1 and ash == (esh[0], m) and m > 1:
        summed = _close(a.sum(axis=1, keepdims=True), e, tol)
        tail = ": summing it over axis=1 (keepdims=True) gives the right value" if summed else ""
        return Cause("not-summed", f"it is not summed over the batch: shape {ash} instead of {esh}{tail}")
    if esh[1] == 1 and esh[0] != 1 and (ash == (1, m) or ash == (m,)) and m != esh[0]:
        rows = next((f"the {r.noun}" for r in vocab.sizes if r.name != vocab.batch and sizes.get(r.name) == esh[0]),
                    "the rows")
        return Cause("wrong-axis", f"it is summed over the wrong axis: shape {ash} instead of {esh}; axis=0 sums over "
                                   f"{rows}, the batch is axis=1 (use keepdims=True)")
    return None


def _swapped_sizes(a: tuple[int, ...], e: tuple[int, ...], sizes: Sizes, vocab: Vocabulary) -> Cause | None:
    """One size where another belongs (e.g. dw2 = dy @ X.T, shape (1, n) for (1, k)): what
    holds the one was used in a product where what holds the other belongs."""
    if len(a) != len(e) or a == e:
        return None
    pairs = {(ai, ei) for ai, ei in zip(a, e) if ai != ei}
    roles = [r for r in vocab.sizes if r.name != vocab.batch and r.holder]
    for used in roles:
        for belongs in roles:
            u, b = sizes.get(used.name), sizes.get(belongs.name)
            if used is belongs or u is None or b is None or u == b or pairs != {(u, b)}:
                continue
            return Cause("swapped-sizes", f"it has shape {a} instead of {e}: {used.name} = {u} ({used.described}) where "
                                          f"{belongs.name} = {b} ({belongs.described}) belongs; was {used.holder} used "
                                          f"where {belongs.holder} belongs?")
    return None


def shape_cause(actual: np.ndarray, expected: np.ndarray, sizes: Sizes, vocab: Vocabulary, tol: Tolerance) -> Cause:
    """Why `actual` has the wrong shape, and whether its values would be right once fixed."""
    a, e, m = actual.shape, expected.shape, sizes[vocab.batch]
    found = _scalar_shape(actual, expected, m, tol)
    if found:
        return found
    if len(e) == 2 and a == e[::-1]:
        if _close(actual.T, expected, tol):
            return Cause("transposed", f"it is transposed: {_shape(a)} instead of {e}; its transpose is right")
        return Cause("transposed-shape", f"it has the transposed shape {a} instead of {e}, and its transpose is not "
                                         "right either")
    found = _column_shape(actual, expected, sizes, vocab, tol)
    if found:
        return found
    if actual.size == 1 and expected.size > 1:
        return Cause("summed-all", f"it is a single number, but should have shape {e}: was it summed over every axis?")
    found = _swapped_sizes(a, e, sizes, vocab)
    if found:
        return found
    if actual.size == expected.size and _close(actual.reshape(e), expected, tol):
        return Cause("reshaped", f"the values are right but the shape is {a} instead of {e}")
    if m > 1 and m in a and m not in e:
        return Cause("batch-kept", f"it has {_shape(a)} instead of {e}: the axis of length m = {m} (the batch) should have "
                                   "been summed")
    return Cause("wrong-shape", f"it has {_shape(a)} instead of {e}")


def output_shape_cause(actual: np.ndarray, expected: np.ndarray, sizes: Sizes, vocab: Vocabulary,
                       tol: Tolerance) -> Cause:
    """Why an output (e.g. y_hat, a (1, m) row) has another shape. The gradient rules of
    shape_cause talk about parameter updates, which would confuse a student here."""
    a, m, out = actual.shape, sizes[vocab.batch], vocab.output
    values = ""
    if actual.size == expected.size:
        values = " (the values are right)" if _close(actual.reshape(expected.shape), expected, tol) else \
            " (the values are wrong too)"
    if expected.shape == (1, m):
        if m == 1 and actual.size == 1:
            # (1, 1) squeezed to () or (1,): the classic m = 1 bug, invisible for m > 1.
            return Cause("squeezed-m1", f"at m = 1 (a single example) {out} must still have shape (1, 1), yours has "
                                        f"{_shape(a)}{values}: np.squeeze or indexing such as [0] drops an axis of "
                                        f"length 1; keep {out} 2-D (reshape(1, -1))")
        if a == (m,):
            return Cause("flat-output", f"{out} is 1-D with shape {a}{values}: examples are columns, so {out} is a "
                                        "(1, m) row; reshape(1, -1) or don't squeeze")
        if a == (m, 1):
            return Cause("column-output", f"{out} is a column of shape {a}{values}: examples are columns of X, so "
                                          f"{out} is a (1, m) row")
        if a == (m, m) and m > 1:
            return Cause("broadcast-output", f"{out} has shape {a}: a (m, 1) column and a (1, m) row were broadcast "
                                             "together; keep every array a (1, m) row")
    return shape_cause(actual, expected, sizes, vocab, tol)


# --- values ------------------------------------------------------------------------------

def _symbol(factor: Fraction, base: str) -> str:
    """"2", "m", "2*m", "1/m", "-1/2/m": a ratio named the same whatever m is."""
    if not base:
        return str(factor)
    if abs(factor) == 1:
        return ("-" if factor < 0 else "") + ("m" if base == "m" else "1/m")
    return f"{factor}*m" if base == "m" else f"{factor}/m"


def _ratio_candidates(sizes: Sizes, vocab: Vocabulary) -> dict[float, Cause]:
    """Known factors, by value for these sizes; ids name them by symbol ("ratio:1/2",
    "ratio:m", "ratio:2/m"), so that one mistake has one id on every case."""
    m = sizes[vocab.batch]
    factors = {**_GENERIC_FACTORS, **vocab.factors}
    base = {
        "": (Fraction(1), ""),
        "m": (Fraction(m), f"m = {m} times too large: the loss is a mean over the m examples, so divide by m"),
        "/m": (Fraction(1, m), f"1/m = 1/{m} of the right value: the 1/m of the mean is applied twice"),
    }
    out: dict[float, Cause] = {}
    pairs = [(fc, fdesc, symbol, bc, bdesc) for fc, fdesc in [(Fraction(1), ""), *factors.items()]
             for symbol, (bc, bdesc) in base.items()]
    # One mistake before two: at m = 4, a half is "the factor 2 is missing", not "2/m".
    for fc, fdesc, symbol, bc, bdesc in sorted(pairs, key=lambda pair: (pair[0] != 1) + (pair[2] != "")):
        c = fc * bc
        if c != 1:
            out.setdefault(float(c), Cause(f"ratio:{_symbol(fc, symbol)}", "; ".join(t for t in (fdesc, bdesc) if t)))
    others = [r for r in vocab.sizes if r.name != vocab.batch]
    for role in others:
        size = sizes.get(role.name)
        if size is not None and size > 1 and float(size) not in out:
            out[float(size)] = Cause(f"ratio:{role.name}", f"{role.name} = {size} times the right value")
            out[1.0 / size] = Cause(f"ratio:1/{role.name}", f"1/{role.name} = 1/{size} of the right value")
    for role in others:
        size = sizes.get(role.name)
        # Dividing by the wrong dimension: m = X.shape[0] (or len(X)) is n, not m.
        if size is not None and size not in (1, m):
            out.setdefault(m / size, Cause(
                f"divides-by-{role.name}", f"m/{role.name} = {m}/{size} times the right value: it divides by "
                                           f"{role.name} = {size} (the number of {role.noun}) instead of m = {m} "
                                           "(the number of examples, X.shape[1])"))
    return out


def ratio_cause(actual: np.ndarray, expected: np.ndarray, sizes: Sizes, vocab: Vocabulary) -> Cause | None:
    s, r = actual.ravel(), expected.ravel()
    rr = float(r @ r)
    if rr == 0.0 or not np.any(s):
        return None
    c = float(s @ r) / rr
    if np.linalg.norm(s - c * r) > RATIO_RESIDUAL * np.linalg.norm(s):
        return None
    for value, cause in _ratio_candidates(sizes, vocab).items():
        if abs(c - value) <= 1e-6 * abs(value):
            return Cause(cause.id, f"it is exactly {cause.text}")
    if s.size == 1:
        # Any single number is "exactly c times" another: only a known factor is evidence.
        return None
    return Cause("ratio:other", f"it is exactly {c:.6g} times the right value: look for a wrong constant factor")


def precision_cause(actual: np.ndarray, dtype: str, expected: np.ndarray) -> Cause | None:
    if dtype == "float16":
        return Cause("float16", "it is returned as float16, which keeps only ~3 significant digits: compute in float64 "
                                "(or float32)")
    err = np.max(np.abs(actual - expected)) / max(float(np.max(np.abs(expected))), 1e-300)
    if err < 1e-2:
        return Cause("low-precision", f"it agrees only to about {max(0, int(-np.log10(err)))} significant digits: low "
                                      "precision (float16?) somewhere in the computation")
    return None


def nonfinite_cause(actual: np.ndarray, hint: str = "") -> Cause | None:
    """`hint`: the exercise's word on where such values come from (e.g. log(0))."""
    bad = ~np.isfinite(actual)
    if not bad.any():
        return None
    kinds = [w for w, mask in (("NaN", np.isnan(actual)), ("inf", np.isinf(actual))) if mask.any()]
    return Cause("nonfinite", f"it contains {' and '.join(kinds)} ({int(bad.sum())} of {actual.size} entries)"
                              + (f": {hint}" if hint else ""))


def mutant_cause(actual: np.ndarray, mutants: list[tuple[str, str, np.ndarray]], tol: Tolerance) -> Cause | None:
    """`mutants`: (cause id, its wording, the array the known mistake produces)."""
    for cause, text, wrong in mutants:
        if _close(actual, wrong, tol):
            return Cause(cause, text)
    return None


def value_cause(actual: np.ndarray, dtype: str, expected: np.ndarray, sizes: Sizes, vocab: Vocabulary,
                tol: Tolerance, mutants: list[tuple[str, str, np.ndarray]]) -> Cause | None:
    """Likely cause for an array of the right shape but wrong values (None: unknown)."""
    for cause in (nonfinite_cause(actual), precision_cause(actual, dtype, expected),
                  ratio_cause(actual, expected, sizes, vocab)):
        if cause:
            return cause
    return mutant_cause(actual, mutants, tol)


def edge_shape_hint(sizes: Sizes, passed: Sizes, vocab: Vocabulary) -> str:
    """For a failure only on an edge test shape while the same code ran on `passed` (the
    diagnosis shape, which runs first): the classic cause of code that breaks only there."""
    for role in (vocab.role(vocab.batch), *(r for r in vocab.sizes if r.name != vocab.batch and r.of)):
        here, there = sizes.get(role.name), passed.get(role.name)
        if here == 1 and there is not None and there > 1:
            what = "batch axis (the examples)" if role.name == vocab.batch else f"{role.noun[:-1]} axis"
            return (f" ({role.name} = 1 here, and the same code ran with {role.name} = {there}: np.squeeze or "
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
