"""Softmax regression (a multinoulli output unit): P = softmax(W X + b), cross-entropy of integer labels."""
from __future__ import annotations

import numpy as np

from autograder.diagnosis import Vocabulary
from autograder.kinds.elementwise import Elementwise, ValueMistake
from autograder.kinds.model import Model, Param
from autograder.spec import Family, Mistake, Sizes

from .common import CLASSES, CROSS_ENTROPY, EXAMPLES, FEATURES, LARGE_M, distinct, even, is_large, large_labels, \
    scaled_features

OVERFLOW = ("exp overflows to inf for logits beyond 709 (and inf / inf is NaN): subtract each column's max before "
            "exponentiating (softmax(z) = softmax(z - c) for any constant c)")


def _softmax_inputs(rng: np.random.Generator, graded: bool) -> list[np.ndarray]:
    """A matrix of logits, large logits (some beyond 709 in every column) and one column."""
    K, m = (int(rng.integers(2, 6)), int(rng.integers(3, 8))) if graded else (3, 5)
    large = rng.uniform(-800, 800, size=(K + 1, m + 1))
    large[0] = rng.uniform(710, 800, size=m + 1)
    return [rng.normal(size=(K, m)) * 3, rng.permuted(large, axis=0), rng.normal(size=(K, 1)) * 3]


def _over_rows(z: np.ndarray, right: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX = Elementwise(
    name="softmax",
    torch=lambda torch, z: torch.softmax(z, dim=0),
    formula="exp(z) / sum(exp(z)) over each column (the classes, axis 0)",
    inputs=_softmax_inputs,
    doc='"""Softmax of each column of z (K, m): the classes are axis 0; an array of z\'s shape."""',
    checked="`softmax` on a matrix of logits, on large logits (up to 800) and on a single column",
    mistakes=(ValueMistake("wrong_axis", "it is normalised over the wrong axis: each row sums to 1, but the classes "
                                         "are the rows, so each column (one example) must", _over_rows),),
    nonfinite=OVERFLOW,
)


def inputs(rng: np.random.Generator, s: Sizes) -> tuple[np.ndarray, np.ndarray]:
    """X, and integer labels (int64) in [0, K); in the large-logits family logits reach the hundreds."""
    large = is_large(s)
    X = scaled_features(rng, s["n"], s["m"], large)
    y = large_labels(s["m"], (0, 1)) if large else rng.integers(0, s["K"], size=(1, s["m"]))
    return X, y.astype(np.int64)


def torch_forward(torch, p, X, y):
    Z = p["W"] @ X + p["b"]
    return torch.softmax(Z, dim=0), torch.nn.functional.cross_entropy(Z.T, y[0])


def sizes(n: int, K: int, m: int) -> Sizes:
    return Sizes.of(n=n, K=K, m=m)


EXERCISE = Model(
    name="softmax",
    title="Softmax regression: a multinoulli output",
    params=(Param("W", ("K", "n")), Param("b", ("K", 1))),
    families=(
        Family("diagnosis", sizes(4, 3, 7), {"n": (2, 6), "K": (3, 6), "m": (3, 13)},
               lambda s: distinct(s, ("n", "K", "m"))),
        Family("m = 1", sizes(3, 4, 1), {"n": (2, 6), "K": (2, 6), "m": (1, 1)}, lambda s: s["n"] != s["K"]),
        Family("K = 2", sizes(3, 2, 5), {"n": (1, 6), "K": (2, 2), "m": (3, 9)}, lambda s: s["n"] != s["m"]),
        Family("large logits", sizes(3, 4, 14), {"n": (2, 5), "K": (2, 6), "m": LARGE_M}, even),
    ),
    inputs=inputs,
    torch_forward=torch_forward,
    loss=CROSS_ENTROPY,
    vocabulary=Vocabulary(sizes=(FEATURES, CLASSES, EXAMPLES), output="P"),
    formula="P = softmax(W X + b)",
    helpers=(SOFTMAX,),
    output_shape="(K, m)",
    y_shape="(1, m), integer class labels in [0, K)",
    output_nonfinite=OVERFLOW,
    mistakes=(
        Mistake("wrong_axis", "softmax is taken over the wrong axis: each column of P (one example) must sum to 1"),
        Mistake("elementwise_jacobian", "softmax is treated as an elementwise function: dZ is not dP * P * (1 - P), "
                                        "since each P[k] depends on every logit of its column (the full Jacobian)"),
        Mistake("labels_not_one_hot", "the integer labels are used as they are: subtracting y (1, m) from P (K, m) "
                                      "broadcasts it over the classes; the labels must be one-hot encoded first"),
        # Last: these losses are NaN or inf on large logits.
        Mistake("no_shift", "softmax without the max shift: exp overflows for large logits"),
        Mistake("log_of_P", "the loss is the log of P, which underflows to 0 for large logits (log(0) is -inf): "
                            "compute log P[y] from the logits with log-sum-exp"),
    ),
)
