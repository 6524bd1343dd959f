"""Multivariate linear regression: y_hat = w X + b, with the MSE."""
from autograder.kinds.model import Model, Param
from autograder.spec import Family, Mistake

from .common import LOSS_MISTAKES, MSE, VOCABULARY, distinct, regression_inputs, sizes

EXERCISE = Model(
    name="multivariate",
    title="Multivariate linear regression",
    params=(Param("w", (1, "n")), Param("b", ())),
    families=(
        Family("diagnosis", sizes(4, 1, 7), {"n": (2, 6), "k": (1, 1), "m": (3, 13)}, distinct),
        Family("n = 1", sizes(1, 1, 5), {"n": (1, 1), "k": (1, 1), "m": (2, 9)}),
        Family("m = 1", sizes(3, 1, 1), {"n": (2, 6), "k": (1, 1), "m": (1, 1)}),
        Family("n > m", sizes(5, 1, 3), {"n": (4, 8), "k": (1, 1), "m": (2, 3)}),
    ),
    inputs=regression_inputs,
    torch_forward=lambda torch, p, X, y: (lambda y_hat: (y_hat, torch.mean((y_hat - y) ** 2)))(p["w"] @ X + p["b"]),
    loss=MSE,
    vocabulary=VOCABULARY,
    formula="y_hat = w X + b",
    mistakes=(
        *(Mistake(i, text) for i, text in LOSS_MISTAKES),
        Mistake("no_bias_b", "the bias b is missing from y_hat"),
        Mistake("dw_without_x", "the gradient of w is missing the factor X (chain rule through y_hat = w X + b)"),
    ),
)
