"""Activation functions and their derivatives, elementwise, stable for any |z|."""
from __future__ import annotations

import numpy as np

from autograder.kinds.elementwise import Elementwise, Functions, ValueMistake
from autograder.spec import Mistake

MARGIN = 0.01  # no input this close to 0, where relu, leaky relu and elu have a kink


def _away_from_zero(z: np.ndarray) -> np.ndarray:
    return np.where(np.abs(z) < MARGIN, np.copysign(MARGIN, z) + z, z)


def inputs(rng: np.random.Generator, graded: bool) -> list[np.ndarray]:
    """A matrix, a row of large magnitudes (beyond +-709 exp overflows float64) and a (1, 1)."""
    if graded:
        rows, cols = int(rng.integers(2, 6)), int(rng.integers(3, 8))
        sizes = np.concatenate([rng.uniform(710, 1000, size=2), rng.uniform(20, 709, size=4)])
        large = np.sort(sizes * np.array([-1, 1, -1, 1, -1, 1]))[np.newaxis]
    else:
        rows, cols = 3, 5
        large = np.array([[-1000.0, -750.0, -40.0, -5.0, 5.0, 40.0, 750.0, 1000.0]])
    return [_away_from_zero(rng.normal(size=(rows, cols)) * 3), large, _away_from_zero(rng.normal(size=(1, 1)))]


def _fn(name: str, formula: str, torch, mistakes=(), derivative_mistakes=(), nonfinite: str = "") -> Elementwise:
    return Elementwise(
        name=name, torch=torch, formula=formula, inputs=inputs, derivative=f"{name}_grad", mistakes=mistakes,
        derivative_mistakes=derivative_mistakes, nonfinite=nonfinite,
        doc=f'"""Elementwise {formula}: an array of z\'s shape (any shape)."""',
        checked=f"`{name}` and `{name}_grad` on a matrix, on large |z| (up to 1000) and on a (1, 1) array")


EXP_OVERFLOW = "exp overflows to inf beyond |z| = 709 (and inf / inf is NaN)"

SIGMOID = _fn(
    "sigmoid", "1 / (1 + exp(-z))", lambda torch, z: torch.sigmoid(z),
    mistakes=(ValueMistake("sign_flipped", "it is 1 - sigmoid(z): the sign of z in exp(-z) is flipped",
                           lambda z, right: 1 - right),),
    derivative_mistakes=(
        Mistake("of_z", "the derivative is taken of the wrong tensor: sigma'(z) is not z * (1 - z)"),
        Mistake("value_only", "the derivative is incomplete: it is not sigmoid(z) alone"),
    ),
    nonfinite=f"{EXP_OVERFLOW}: compute with exp(-|z|), which never overflows, choosing the form by the sign of z")

TANH = _fn(
    "tanh", "tanh(z) = (exp(z) - exp(-z)) / (exp(z) + exp(-z))", lambda torch, z: torch.tanh(z),
    mistakes=(ValueMistake("range_0_1", "it lies between 0 and 1: that is (1 + tanh(z)) / 2, the logistic sigmoid of "
                                        "2z; tanh lies between -1 and 1", lambda z, right: (1 + right) / 2),),
    derivative_mistakes=(
        Mistake("not_squared", "the derivative is incomplete: it is not 1 - tanh(z)"),
        Mistake("of_z", "the derivative is taken of the wrong tensor: it is not 1 - z**2"),
    ),
    nonfinite=f"{EXP_OVERFLOW}: use np.tanh, or a form with exp(-2|z|) only")

RELU = _fn(
    "relu", "max(0, z)", lambda torch, z: torch.relu(z),
    mistakes=(ValueMistake("keeps_negative", "it keeps the negative part min(0, z); relu keeps the positive part",
                           lambda z, right: z - right),),
    derivative_mistakes=(
        Mistake("value_not_slope", "it returns relu(z) itself, not its slope"),
        Mistake("wrong_side", "the slope is 1 on the wrong side of 0"),
    ))

LEAKY_RELU = _fn(
    "leaky_relu", "max(0.01 z, z)", lambda torch, z: torch.nn.functional.leaky_relu(z, 0.01),
    mistakes=(ValueMistake("leak_wrong_side", "the slope 0.01 is applied on the wrong side of 0 (to z > 0)",
                           lambda z, right: np.where(z > 0, right * 0.01, right * 100)),),
    derivative_mistakes=(Mistake("no_leak", "for z < 0 the slope is not 0: that is relu's; the leak has a slope"),))

ELU = _fn(
    "elu", "z if z > 0 else exp(z) - 1", lambda torch, z: torch.nn.functional.elu(z, 1.0),
    mistakes=(ValueMistake("missing_minus_one", "for z < 0 it is exp(z): the - 1, which makes elu continuous at 0, is "
                                                "missing", lambda z, right: np.where(z > 0, right, right + 1)),),
    derivative_mistakes=(Mistake("value_not_slope", "for z < 0 it is elu(z) itself, not its slope"),),
    nonfinite="exp(z) is inf for large z, even where that branch is not used, and inf * 0 is NaN: select with "
              "np.where (or exponentiate min(z, 0)) rather than multiplying by a mask")

SOFTPLUS = _fn(
    "softplus", "log(1 + exp(z))", lambda torch, z: torch.nn.functional.softplus(z),
    mistakes=(ValueMistake("relu_only", "it is max(0, z), which only the large |z| approach; softplus is smooth, and "
                                        "its log term matters near 0", lambda z, right: np.maximum(z, 0.0)),),
    derivative_mistakes=(Mistake("sign_flipped", "the sign of z is flipped: the slope of softplus grows with z"),),
    nonfinite="log(1 + exp(z)) overflows for z > 709 (exp(z) is inf): use np.logaddexp(0, z), or "
              "max(z, 0) + np.log1p(exp(-|z|))")

SWISH = _fn(
    "swish", "z * sigmoid(z)", lambda torch, z: z * torch.sigmoid(z),
    mistakes=(ValueMistake("no_factor_z", "it is sigmoid(z) alone: the factor z is missing",
                           lambda z, right: right / z),),
    derivative_mistakes=(
        Mistake("first_term_only", "the product rule is incomplete: swish(z) = z * sigmoid(z) is a product of two "
                                   "functions of z, and its derivative is not sigmoid(z) alone"),
        Mistake("second_term_only", "the product rule is incomplete: the derivative is not z * sigma'(z) alone"),
    ),
    nonfinite=f"{EXP_OVERFLOW}: use a sigmoid that never overflows")

class _Functions(Functions):
    # tools/course.py builds the parameter table for every exercise's intro, used or not
    # (it reads `params`); activations have none, and their prose has no __TABLE__.
    params = ()


EXERCISE = _Functions(
    name="activations",
    title="Activation functions and their derivatives",
    functions=(SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, SWISH),
)
