"""Univariate linear regression: y_hat = w x + b, with the MSE."""
from autograder.kinds.model import Model, Param
from autograder.spec import Family, Mistake

from .common import MSE, VOCABULARY, distinct, loss_mistakes, regression_inputs, sizes, without


def torch_forward(torch, p, X, y):
    y_hat = p["w"] * X + p["b"]
    return y_hat, torch.mean((y_hat - y) ** 2)


EXERCISE = Model(
    name="univariate",
    title="Univariate linear regression",
    params=(Param("w", ()), Param("b", ())),
    families=(
        Family("diagnosis", sizes(1, 1, 7), {"n": (1, 1), "k": (1, 1), "m": (3, 13)}, distinct),
        Family("m = 1", sizes(1, 1, 1), {"n": (1, 1), "k": (1, 1), "m": (1, 1)}),
        Family("m even", sizes(1, 1, 4), {"n": (1, 1), "k": (1, 1), "m": (4, 12)}, lambda s: s["m"] % 2 == 0),
    ),
    inputs=regression_inputs,
    torch_forward=torch_forward,
    loss=MSE,
    vocabulary=VOCABULARY,
    formula="y_hat = w x + b",
    x_shape="(1, m)",
    notes="linear regression with one feature, and gradient descent",
    derivation_points=1,
    mistakes=(
        *loss_mistakes(torch_forward),
        Mistake("no_bias_b", "the bias b is missing from y_hat", without(torch_forward, "b")),
        Mistake("dw_without_x", "the gradient of w is missing the factor x (chain rule through y_hat = w x + b)"),
    ),
)
