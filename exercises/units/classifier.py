"""A classifier: a ReLU hidden layer and a softmax output, trained on handwritten digits."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from autograder.diagnosis import Cause, Vocabulary
from autograder.kinds.model import Case, Model, Param, Training
from autograder.secret import CourseSecret
from autograder.spec import Family, Mistake, Sizes

from .common import CLASSES, CROSS_ENTROPY, EXAMPLES, FEATURES, HIDDEN, distinct

DIGITS = Path(__file__).parent / "data" / "digits.csv"
KINK_MARGIN = 1e-3  # far beyond what a finite-difference step (1e-5) moves a pre-activation


@functools.cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 digits of data/digits.csv: X (64, 1797) in [0, 1], integer labels y (1, 1797)."""
    data = np.loadtxt(DIGITS, delimiter=",", skiprows=1)
    X, y = data[:, :-1].T.copy(), data[:, -1:].T.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def init(rng: np.random.Generator, h: int = 32) -> dict[str, Any]:
    n, K = 64, 10
    return {"W1": rng.normal(size=(h, n)) * np.sqrt(2 / n), "b1": np.zeros((h, 1)),
            "W2": rng.normal(size=(K, h)) * np.sqrt(1 / h), "b2": np.zeros((K, 1))}


def clear_of_kinks(case: Case) -> Case:
    """The case with each hidden unit's bias moved (if need be) so that no pre-activation
    W1 X + b1 lies within KINK_MARGIN of ReLU's kink: finite differences of the forward,
    an oracle, would straddle it there and disagree with the (sub)gradient."""
    p = case.params
    Z1 = p["W1"] @ case.X + p["b1"]
    b1 = p["b1"].copy()
    for i, row in enumerate(Z1):
        for shift in (0.0, *(s * 0.01 * k for k in range(1, 50) for s in (1, -1))):
            if np.min(np.abs(row + shift)) >= KINK_MARGIN:
                b1[i] += shift
                break
    return Case(case.sizes, {**p, "b1": b1}, case.X, case.y)


class ReluModel(Model):
    """A Model whose cases keep the hidden pre-activations off the ReLU kink. (The
    engine's `inputs(rng, sizes)` never sees the parameters, so only the case can.)"""

    def case(self, sizes: Sizes, secret: CourseSecret | None = None) -> Case:
        return clear_of_kinks(super().case(sizes, secret))


def inputs(rng: np.random.Generator, s: Sizes) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(size=(s["n"], s["m"])), rng.integers(0, s["K"], size=(1, s["m"]))


def torch_forward(torch, p, X, y):
    A1 = torch.relu(p["W1"] @ X + p["b1"])
    Z2 = p["W2"] @ A1 + p["b2"]
    return torch.softmax(Z2, dim=0), torch.nn.functional.cross_entropy(Z2.T, y[0])


def hidden_leak(actual: np.ndarray, s: Sizes) -> Cause | None:
    """A (h, m) P: the hidden layer, or a (h, 1) term, reached the output."""
    if actual.shape == (s["h"], s["m"]) and s["h"] != s["K"]:
        return Cause("broadcast-hidden", f"P has shape {actual.shape}, h = {s['h']} rows (the hidden units): the hidden "
                                         "layer (or b1) reached the output; P = softmax(W2 A1 + b2) has K rows")
    return None


def sizes(n: int, h: int, K: int, m: int) -> Sizes:
    return Sizes.of(n=n, h=h, K=K, m=m)


EXERCISE = ReluModel(
    name="classifier",
    title="A classifier: ReLU hidden layer, softmax output",
    params=(Param("W1", ("h", "n")), Param("b1", ("h", 1)), Param("W2", ("K", "h")), Param("b2", ("K", 1))),
    families=(
        Family("diagnosis", sizes(4, 5, 3, 7), {"n": (2, 6), "h": (2, 8), "K": (3, 6), "m": (3, 13)},
               lambda s: distinct(s, ("n", "h", "K", "m"))),
        Family("m = 1", sizes(3, 4, 2, 1), {"n": (2, 6), "h": (2, 6), "K": (2, 5), "m": (1, 1)},
               lambda s: len({s["n"], s["h"], s["K"]}) == 3),
        Family("K = 2", sizes(3, 4, 2, 5), {"n": (1, 6), "h": (2, 6), "K": (2, 2), "m": (3, 9)},
               lambda s: s["n"] != s["h"]),
        Family("wide hidden layer", sizes(2, 9, 3, 5), {"n": (1, 3), "h": (8, 12), "K": (2, 4), "m": (3, 9)},
               lambda s: s["h"] != s["m"]),
    ),
    inputs=inputs,
    torch_forward=torch_forward,
    loss=CROSS_ENTROPY,
    vocabulary=Vocabulary(sizes=(FEATURES, HIDDEN, CLASSES, EXAMPLES), output="P"),
    formula="A1 = relu(W1 X + b1); P = softmax(W2 A1 + b2)",
    output_shape="(K, m)",
    y_shape="(1, m), integer class labels in [0, K)",
    output_rules=(hidden_leak,),
    training=Training(data=digits, init=init, steps=300, rate=0.5, batch=64, target=0.90),
    mistakes=(
        Mistake("no_relu", "the ReLU is missing: the output layer sees Z1 instead of A1 = relu(Z1)"),
        Mistake("no_relu_derivative", "the ReLU's derivative is missing: the hidden layer's gradient goes through "
                                      "relu'(Z1)"),
        Mistake("relu_derivative_is_relu", "the ReLU's derivative is not relu(Z1) (that is A1): it is the slope of "
                                           "relu at Z1"),
        Mistake("relu_mask_wrong_side", "the ReLU's derivative is 1 on the wrong side of 0"),
        Mistake("dW2_with_Z1", "the gradient of W2 uses the pre-activation Z1; the output layer sees A1 = relu(Z1)"),
        Mistake("elementwise_jacobian", "softmax is treated as an elementwise function: dZ2 is not dP * P * (1 - P), "
                                        "since each P[k] depends on every logit of its column (the full Jacobian)"),
    ),
)
