"""Logistic regression (a Bernoulli output unit): y_hat = sigmoid(w X + b), binary cross-entropy."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from autograder.diagnosis import Vocabulary
from autograder.kinds.model import Loss, Model, Param
from autograder.spec import Family, Mistake, Sizes

from .activations import SIGMOID
from .common import EXAMPLES, FEATURES, LARGE_M, distinct, even, is_large, large_labels, scaled_features


def inputs(rng: np.random.Generator, s: Sizes) -> tuple[np.ndarray, np.ndarray]:
    """X, and labels 0.0 / 1.0; in the large-logits family |z| reaches the hundreds and every
    label meets a large logit of either sign."""
    large = is_large(s)
    X = scaled_features(rng, s["n"], s["m"], large)
    y = large_labels(s["m"], (0.0, 1.0)) if large else rng.integers(0, 2, size=(1, s["m"])).astype(float)
    return X, y


def torch_forward(torch, p, X, y):
    z = p["w"] @ X + p["b"]
    return torch.sigmoid(z), torch.nn.functional.binary_cross_entropy_with_logits(z, y)


def _bce(y_hat: np.ndarray, y: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


BCE = Loss(
    name="cross-entropy",
    described="mean binary cross-entropy over the m examples",
    of_output=_bce,
    summed="it is m times the cross-entropy: a sum over the examples instead of their mean (divide by m)",
    ratios={Fraction(1, 2): "it is half the cross-entropy: there is no 1/2 in this loss"},
    factors={Fraction(2): "twice the right value: a factor 2 like the MSE's has no place in the cross-entropy's "
                          "gradient"},
    nonfinite="on large logits, log(0) (sigmoid(z) rounds to exactly 1.0 once z > 37, so log(1 - y_hat) is -inf) "
              "or exp(z) overflowing (beyond z = 709); compute the loss from the logits z with a form that neither "
              "overflows nor takes the log of sigmoid(z) (np.logaddexp or np.log1p)",
)

EXERCISE = Model(
    name="logistic",
    title="Logistic regression: a Bernoulli output",
    params=(Param("w", (1, "n")), Param("b", ())),
    families=(
        Family("diagnosis", Sizes.of(n=4, m=7), {"n": (2, 6), "m": (3, 13)}, lambda s: distinct(s, ("n", "m"))),
        Family("m = 1", Sizes.of(n=3, m=1), {"n": (2, 6), "m": (1, 1)}),
        Family("n = 1", Sizes.of(n=1, m=5), {"n": (1, 1), "m": (2, 9)}),
        Family("large logits", Sizes.of(n=3, m=14), {"n": (2, 5), "m": LARGE_M}, even),
    ),
    inputs=inputs,
    torch_forward=torch_forward,
    loss=BCE,
    vocabulary=Vocabulary(sizes=(FEATURES, EXAMPLES)),
    formula="y_hat = sigmoid(w X + b)",
    y_shape="(1, m), labels 0.0 or 1.0",
    helpers=(),  # sigmoid is checked in the activations exercise
    output_nonfinite="exp overflows to inf beyond |z| = 709 (and inf / inf is NaN): use a sigmoid that never "
                     "overflows (see `sigmoid` in the activations)",
    mistakes=(
        Mistake("mse_derivative", "the MSE's derivative is used: dL/dy_hat of the cross-entropy is not 2 (y_hat - y) "
                                  "/ m, and dL/dz has no sigma'(z) factor left once the loss's derivative is right"),
        Mistake("extra_sigmoid_derivative", "sigma'(z) is applied on top of (y_hat - y): the cross-entropy's "
                                            "derivative already cancels it, so dL/dz has no sigma'(z) factor"),
        Mistake("pm1_labels", "the loss is the one for labels in {-1, 1}, mean(log(1 + exp(-y z))); here the labels "
                              "are 0 and 1"),
        # Last: its loss is inf on large logits (see the report on mutants with an infinite loss).
        Mistake("naive_log", "the loss takes the log of sigmoid(z), which rounds to 0 or 1 for large |z| (log(0) is "
                             "-inf): compute it from the logits z"),
    ),
)
