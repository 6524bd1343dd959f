"""What the four models of `backprop` share: notation, the MSE loss, inputs, sigmoid."""
from __future__ import annotations

from fractions import Fraction
from typing import Callable

import numpy as np

from autograder.diagnosis import Cause, SizeRole, Vocabulary
from autograder.kinds.elementwise import Elementwise, ValueMistake
from autograder.kinds.model import Loss, Param
from autograder.spec import Family, Mistake, Sizes

# m examples, n features, k hidden units; examples are columns: X is (n, m), y is (1, m).
VOCABULARY = Vocabulary(sizes=(
    SizeRole("n", "features", of="X", holder="X", axis="X.shape[0]"),
    SizeRole("k", "hidden units", holder="the hidden layer (Z or A)"),
    SizeRole("m", "examples", axis="X.shape[1]"),
))

MSE = Loss(
    name="MSE",
    described="mean squared error",
    of_output=lambda y_hat, y: float(np.mean((y_hat - y) ** 2)),
    summed="it is m times the MSE: a sum of squares instead of their mean (divide by m)",
    ratios={Fraction(1, 2): "it is half the MSE: the 1/(2m) convention; this course's loss is the plain mean of squares",
            Fraction(2): "it is twice the MSE"},
    factors={
        Fraction(2): "twice the right value: the factor 2 from the square is counted twice",
        Fraction(1, 2): "half the right value: the derivative of (y_hat - y)**2 brings a factor 2",
        # Any flipped factor along the chain gives -1 (y - y_hat, or A * (A - 1) in the sigmoid layer).
        Fraction(-1): "the right value with the wrong sign: a sign flip along the chain, e.g. (y - y_hat) where "
                      "d/dy_hat of (y_hat - y)**2 is +2 (y_hat - y)",
        Fraction(-2): "-2 times the right value: a sign error and the factor 2 counted twice",
        Fraction(-1, 2): "-1/2 times the right value: a sign error and a missing factor 2",
    },
)

def with_loss(forward: Callable, loss: Callable) -> Callable:
    """The torch forward with another loss of the same y_hat."""
    def wrong(torch, p, X, y):
        y_hat, _ = forward(torch, p, X, y)
        return y_hat, loss(torch, y_hat, y)
    return wrong


def without(forward: Callable, *names: str) -> Callable:
    """The torch forward with the parameters `names` left out (set to zero)."""
    def wrong(torch, p, X, y):
        return forward(torch, {k: v * 0 if k in names else v for k, v in p.items()}, X, y)
    return wrong


def loss_mistakes(forward: Callable) -> tuple[Mistake, ...]:
    return (
        Mistake("mae", "the loss uses the absolute error |y_hat - y| instead of the squared error",
                with_loss(forward, lambda torch, y_hat, y: torch.mean(torch.abs(y_hat - y)))),
        Mistake("rmse", "the loss takes a square root (RMSE); the MSE has no square root",
                with_loss(forward, lambda torch, y_hat, y: torch.sqrt(torch.mean((y_hat - y) ** 2)))),
    )

TWO_LAYER_PARAMS = (Param("W1", ("k", "n")), Param("b1", ("k", 1)), Param("w2", (1, "k")), Param("b2", ()))


def regression_inputs(rng: np.random.Generator, sizes: Sizes) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(size=(sizes["n"], sizes["m"])), rng.normal(size=(1, sizes["m"]))


def distinct(s: Sizes) -> bool:
    """The diagnosis case: m odd >= 3 (at m = 1 "missing 1/m" vanishes), and every ratio a
    mistake can make (n, k, m, their inverses, m/n, m/k, the loss's 2 and 1/2) a different
    number, so that a ratio names one mistake only (at k = n a transposed dW1 would even
    keep its shape)."""
    n, k, m = s["n"], s["k"], s["m"]
    sizes = [x for x in (n, k) if x > 1] + [m]
    ratios = [Fraction(2), Fraction(1, 2)] + [Fraction(x) for x in sizes] + [Fraction(1, x) for x in sizes]
    ratios += [Fraction(m, x) for x in sizes[:-1]]
    return m % 2 == 1 and m >= 3 and len(set(ratios)) == len(ratios) and len(set(sizes)) == len(sizes)


def sizes(n: int, k: int, m: int) -> Sizes:
    return Sizes.of(n=n, k=k, m=m)


TWO_LAYER_FAMILIES = (
    Family("diagnosis", sizes(4, 3, 7), {"n": (2, 6), "k": (2, 6), "m": (3, 13)}, distinct),
    Family("n = 1", sizes(1, 3, 5), {"n": (1, 1), "k": (2, 6), "m": (2, 9)}, lambda s: s["k"] != s["m"]),
    Family("m = 1", sizes(3, 4, 1), {"n": (2, 6), "k": (2, 6), "m": (1, 1)}, lambda s: s["n"] != s["k"]),
    Family("k = n", sizes(3, 3, 5), {"n": (2, 6), "k": (2, 6), "m": (2, 9)}, lambda s: s["k"] == s["n"] != s["m"]),
    Family("wide hidden layer", sizes(2, 5, 9), {"n": (1, 3), "k": (5, 9), "m": (5, 13)}, lambda s: s["k"] != s["m"]),
)


def hidden_broadcast(actual: np.ndarray, s: Sizes) -> Cause | None:
    """A (k, m) y_hat: a (k, 1) term (b1) or the hidden layer leaked into the output."""
    if actual.shape == (s["k"], s["m"]) and s["k"] > 1:
        return Cause("broadcast-hidden", f"y_hat has shape {actual.shape}, k = {s['k']} rows: a (k, 1) term such as b1 "
                                         "(or the hidden layer itself) was broadcast into y_hat; y_hat = w2 A + b2 is a "
                                         "(1, m) row")
    return None


def _sigmoid_inputs(rng: np.random.Generator, graded: bool) -> list[np.ndarray]:
    """A matrix, large magnitudes (where a naive 1/(1+exp(-z)) still returns the right value,
    with an overflow warning) and a (1, 1)."""
    rows, cols = (int(rng.integers(2, 6)), int(rng.integers(3, 8))) if graded else (3, 5)
    large = np.sort(rng.uniform(-40, 40, size=(1, 6)), axis=1) if graded else np.array([[-30.0, -5.0, 0.0, 5.0, 30.0]])
    return [rng.normal(size=(rows, cols)) * 3, large, rng.normal(size=(1, 1))]


SIGMOID = Elementwise(
    name="sigmoid",
    torch=lambda torch, z: torch.sigmoid(z),
    formula="1 / (1 + exp(-z))",
    inputs=_sigmoid_inputs,
    doc='"""Elementwise logistic sigmoid 1 / (1 + exp(-z)): an array of z\'s shape."""',
    checked="sigmoid on a matrix, on large |z|, and on a (1, 1) array",
    mistakes=(ValueMistake("sign-flipped", "it is 1 - sigmoid(z): the sign of z in exp(-z) is flipped",
                           lambda z, right: 1 - right),),
)
