"""Multivariate linear regression: y_hat = w X + b, with the MSE."""
from autograder.kinds.model import Model, Param
from autograder.spec import Family, Mistake

from .common import MSE, VOCABULARY, distinct, loss_mistakes, regression_inputs, sizes, without


def torch_forward(torch, p, X, y):
    y_hat = p["w"] @ X + p["b"]
    return y_hat, torch.mean((y_hat - y) ** 2)


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
    torch_forward=torch_forward,
    loss=MSE,
    vocabulary=VOCABULARY,
    formula="y_hat = w X + b",
    notes="linear regression with n features",
    derivation_points=1,
    mistakes=(
        *loss_mistakes(torch_forward),
        Mistake("no_bias_b", "the bias b is missing from y_hat", without(torch_forward, "b")),
        Mistake("dw_without_x", "the gradient of w is missing the factor X (chain rule through y_hat = w X + b)"),
    ),
)
