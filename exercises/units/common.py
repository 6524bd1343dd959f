"""What the models of `units` share: notation, the cross-entropy of a softmax output,
integer labels, and the case families' "large logits" inputs.

m examples, n features, h hidden units, K classes; examples are columns: X is (n, m) and
the labels y are (1, m): 0.0/1.0 for the logistic model, integer class indices (int64) in
[0, K) for the softmax models.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from autograder.diagnosis import SizeRole
from autograder.kinds.model import Loss
from autograder.spec import Sizes

FEATURES = SizeRole("n", "features", of="X", holder="X", axis="X.shape[0]")
EXAMPLES = SizeRole("m", "examples", axis="X.shape[1]")
CLASSES = SizeRole("K", "classes", holder="the output layer (Z or P)", axis="P.shape[0]")
HIDDEN = SizeRole("h", "hidden units", holder="the hidden layer (Z1 or A1)")

# The engine's `inputs(rng, sizes)` does not know the case's family, so the "large logits"
# family is told apart by its batch sizes, which no other family of these models uses
# (even: its columns come in opposite pairs).
LARGE_M = (14, 20)
LARGE_SCALE = 400.0


def is_large(sizes: Sizes) -> bool:
    return LARGE_M[0] <= sizes["m"] <= LARGE_M[1]


def even(sizes: Sizes) -> bool:
    return sizes["m"] % 2 == 0


def scaled_features(rng: np.random.Generator, n: int, m: int, large: bool) -> np.ndarray:
    """N(0, 1) features; for the large-logits family, scaled so that logits (parameters
    are N(0, 1)) reach the hundreds, with the columns in opposite pairs (x and -x), so that
    every label meets a large logit of either sign whatever the parameters."""
    X = rng.normal(size=(n, m))
    if large:
        X[:, m // 2:] = -X[:, :m // 2]
        X *= LARGE_SCALE
    return X


def large_labels(m: int, labels: tuple[float | int, float | int]) -> np.ndarray:
    """Large-logits cases: a column and its opposite get the same label, the first of
    `labels` for most pairs and the second for two of them. Balanced labels would let the
    saturated probabilities cancel in the bias's gradient (e.g. db = (pairs labelled 0 -
    pairs labelled 1) / m = 0), and a gradient that is 0 up to rounding is one that finite
    differences, an oracle, cannot tell from their own noise (~eps |loss| / h)."""
    half = m // 2
    pairs = np.full(half, labels[0])
    pairs[[1, 3]] = labels[1]
    return np.concatenate([pairs, pairs])[np.newaxis]


def distinct(s: Sizes, names: tuple[str, ...]) -> bool:
    """The diagnosis case: these sizes pairwise distinct and no two in ratio 2 (a factor 2
    would read as a ratio of sizes), m odd >= 3 (at m = 1 a missing 1/m vanishes)."""
    values = [s[k] for k in names]
    pairs = [(a, b) for i, a in enumerate(values) for b in values[i + 1:]]
    return s["m"] % 2 == 1 and s["m"] >= 3 and all(a != b and a != 2 * b and b != 2 * a for a, b in pairs)


def _cross_entropy(P: np.ndarray, y: np.ndarray) -> float:
    """The loss of any output P (K, m) against integer labels y (1, m)."""
    with np.errstate(all="ignore"):
        return float(-np.mean(np.log(np.take_along_axis(np.asarray(P, float), np.asarray(y, int), axis=0))))


CROSS_ENTROPY = Loss(
    name="cross-entropy",
    described="mean cross-entropy over the m examples",
    of_output=_cross_entropy,
    summed="it is m times the cross-entropy: a sum over the examples instead of their mean (divide by m)",
    ratios={Fraction(1, 2): "it is half the cross-entropy: there is no 1/2 in this loss"},
    nonfinite="log(0): a probability that underflows to 0 for large logits (exp(-800) is 0.0 in float64); "
              "compute log P[y] from the logits Z with the log-sum-exp trick instead of taking log(P)",
)
