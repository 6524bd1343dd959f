"""Assignment 1, `backprop`: four models of increasing size, forward and backward by hand."""
from pathlib import Path

import numpy as np

from autograder.spec import Assignment

from . import multivariate, sigmoid_mlp, two_layer_linear, univariate


def training_data() -> str:
    """The CSV shipped with the assignment: a noisy curve a small sigmoid MLP can fit."""
    rng = np.random.default_rng(2024)
    x = np.sort(rng.uniform(-3, 3, size=64))
    y = 0.8 * np.sin(1.5 * x) + 0.3 * x + 0.1 * rng.normal(size=x.size)
    return "x,y\n" + "".join(f"{a:.6f},{b:.6f}\n" for a, b in zip(x, y))


ASSIGNMENT = Assignment(
    name="backprop",
    title="Backpropagation by hand",
    exercises=(univariate.EXERCISE, multivariate.EXERCISE, two_layer_linear.EXERCISE, sigmoid_mlp.EXERCISE),
    folder=Path(__file__).parent,
    setup="import numpy as np",
    files={"data/train.csv": training_data},
)
