"""Known-wrong variants of the reference, for naming a student's mistake.

Each mutant reproduces one classic bug. Diagnosis compares a student's wrong output with
these; a match names the mistake. Constant factors (2, 1/2, m, -1, ...), transposes and
shape mistakes are found without mutants (by ratios and shape rules), so only bugs that
change values in a non-proportional way live here. Instructors only: the wrong formulas
spell out the right ones by contrast.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from reference import backprop as ref


@dataclass(frozen=True)
class Mutant:
    exercise: str
    description: str  # shown to the student as "likely cause: ..."
    # A wrong forward returns (y_hat, loss); a wrong backward gets the *reference* cache.
    forward: Callable | None = None
    backward: Callable | None = None


def _mse(y_hat, y):
    return float(np.mean((y_hat - y) ** 2))


# --- forward mistakes ------------------------------------------------------------------

def _mae(exercise: str):
    def fwd(params, X, y):
        y_hat = getattr(ref, f"{exercise}_forward")(params, X, y)[0]
        return y_hat, float(np.mean(np.abs(y_hat - y)))
    return fwd


def _rmse(exercise: str):
    def fwd(params, X, y):
        y_hat = getattr(ref, f"{exercise}_forward")(params, X, y)[0]
        return y_hat, float(np.sqrt(np.mean((y_hat - y) ** 2)))
    return fwd


def _without(exercise: str, *zeroed: str):
    def fwd(params, X, y):
        p = {k: (np.zeros_like(v) if k in zeroed and isinstance(v, np.ndarray) else 0.0 if k in zeroed else v)
             for k, v in params.items()}
        y_hat = getattr(ref, f"{exercise}_forward")(p, X, y)[0]
        return y_hat, _mse(y_hat, y)
    return fwd


def _mlp_no_sigmoid(params, X, y):
    return _without("two_layer_linear")(params, X, y)


def _mlp_sigmoid_on_output(params, X, y):
    y_hat = ref.sigmoid(ref.sigmoid_mlp_forward(params, X, y)[0])
    return y_hat, _mse(y_hat, y)


# --- backward mistakes (all receive the reference cache) ------------------------------

def _dy(y_hat, y):
    return 2.0 / y.shape[1] * (y_hat - y)


def _uni_dw_without_x(params, cache):
    X, y, y_hat = cache
    g = ref.univariate_backward(params, cache)
    return {**g, "w": float(np.sum(_dy(y_hat, y)))}


def _multi_dw_without_x(params, cache):
    X, y, y_hat = cache
    g = ref.multivariate_backward(params, cache)
    return {**g, "w": np.full((1, X.shape[0]), np.sum(_dy(y_hat, y)))}


def _two_layer_no_w2(params, cache):
    """Chain rule stops at the output: dZ = dy instead of w2.T @ dy."""
    X, y, Z, y_hat = cache
    dZ = np.ones((params["W1"].shape[0], 1)) * _dy(y_hat, y)
    return {**ref.two_layer_linear_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}


def _two_layer_dw2_without_b1(params, cache):
    X, y, Z, y_hat = cache
    g = ref.two_layer_linear_backward(params, cache)
    return {**g, "w2": _dy(y_hat, y) @ (params["W1"] @ X).T}


def _mlp_variant(dZ_rule: Callable):
    """The sigmoid MLP backward with dZ computed from (dA, A, Z) by a wrong rule."""
    def bwd(params, cache):
        X, y, A, y_hat = cache
        Z = params["W1"] @ X + params["b1"]
        dZ = dZ_rule(params["w2"].T @ _dy(y_hat, y), A, Z)
        return {**ref.sigmoid_mlp_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}
    return bwd


def _mlp_no_w2(params, cache):
    X, y, A, y_hat = cache
    dZ = _dy(y_hat, y) * A * (1 - A)
    return {**ref.sigmoid_mlp_backward(params, cache), "W1": dZ @ X.T, "b1": dZ.sum(axis=1, keepdims=True)}


def _mlp_dw2_with_Z(params, cache):
    X, y, A, y_hat = cache
    Z = params["W1"] @ X + params["b1"]
    return {**ref.sigmoid_mlp_backward(params, cache), "w2": _dy(y_hat, y) @ Z.T}


MUTANTS: tuple[Mutant, ...] = (
    *(m for ex in ("univariate", "multivariate", "two_layer_linear", "sigmoid_mlp") for m in (
        Mutant(ex, "the loss uses the absolute error |y_hat - y| instead of the squared error", forward=_mae(ex)),
        Mutant(ex, "the loss takes a square root (RMSE); the MSE has no square root", forward=_rmse(ex)),
    )),
    Mutant("univariate", "the bias b is missing from y_hat", forward=_without("univariate", "b")),
    Mutant("multivariate", "the bias b is missing from y_hat", forward=_without("multivariate", "b")),
    Mutant("two_layer_linear", "the bias b2 is missing from y_hat", forward=_without("two_layer_linear", "b2")),
    Mutant("two_layer_linear", "the bias b1 is missing from Z = W1 X + b1", forward=_without("two_layer_linear", "b1")),
    Mutant("two_layer_linear", "both biases b1 and b2 are missing", forward=_without("two_layer_linear", "b1", "b2")),
    Mutant("sigmoid_mlp", "the bias b2 is missing from y_hat", forward=_without("sigmoid_mlp", "b2")),
    Mutant("sigmoid_mlp", "the bias b1 is missing from Z = W1 X + b1", forward=_without("sigmoid_mlp", "b1")),
    Mutant("sigmoid_mlp", "the sigmoid is missing: y_hat uses Z instead of A = sigmoid(Z)", forward=_mlp_no_sigmoid),
    Mutant("sigmoid_mlp", "a sigmoid is applied to the output y_hat; only the hidden layer has one",
           forward=_mlp_sigmoid_on_output),
    Mutant("univariate", "the gradient of w is missing the factor x (chain rule through y_hat = w x + b)",
           backward=_uni_dw_without_x),
    Mutant("multivariate", "the gradient of w is missing the factor X (chain rule through y_hat = w X + b)",
           backward=_multi_dw_without_x),
    Mutant("two_layer_linear", "the chain rule skips the output weights: the hidden-layer gradient needs w2.T @ dy",
           backward=_two_layer_no_w2),
    Mutant("sigmoid_mlp", "the chain rule skips the output weights: the hidden-layer gradient needs w2.T @ dy",
           backward=_mlp_no_w2),
    Mutant("two_layer_linear", "dw2 uses W1 X without the bias b1: Z = W1 X + b1", backward=_two_layer_dw2_without_b1),
    Mutant("sigmoid_mlp", "the sigmoid derivative is missing: dZ = dA * A * (1 - A)",
           backward=_mlp_variant(lambda dA, A, Z: dA)),
    Mutant("sigmoid_mlp", "the sigmoid derivative is taken of the wrong tensor: sigma'(Z) = A * (1 - A) with A = sigmoid(Z), not Z * (1 - Z)",
           backward=_mlp_variant(lambda dA, A, Z: dA * Z * (1 - Z))),
    Mutant("sigmoid_mlp", "the sigmoid derivative is taken of the wrong tensor: sigmoid(A) * (1 - sigmoid(A)) applies the sigmoid twice; use A * (1 - A)",
           backward=_mlp_variant(lambda dA, A, Z: dA * ref.sigmoid(A) * (1 - ref.sigmoid(A)))),
    Mutant("sigmoid_mlp", "the sigmoid derivative is incomplete: it is A * (1 - A), not A alone",
           backward=_mlp_variant(lambda dA, A, Z: dA * A)),
    Mutant("sigmoid_mlp", "the sigmoid derivative is incomplete: it is A * (1 - A), not (1 - A) alone",
           backward=_mlp_variant(lambda dA, A, Z: dA * (1 - A))),
    Mutant("sigmoid_mlp", "the gradient of w2 uses the pre-activation Z; the output layer sees A = sigmoid(Z)",
           backward=_mlp_dw2_with_Z),
)
