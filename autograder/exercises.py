"""The four worked examples, declared once.

Everything that depends on an exercise (parameter shapes, test shapes, the seeded inputs,
points per check, tolerances) lives here and drives the grader, the notebooks' test cells
and the docs.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

Value = float | np.ndarray
Params = dict[str, Value]


@dataclass(frozen=True)
class Dims:
    """n features, k hidden units, m examples (examples are columns)."""

    n: int
    k: int
    m: int

    def __str__(self) -> str:
        return f"n={self.n}, k={self.k}, m={self.m}"


@dataclass(frozen=True)
class ParamSpec:
    name: str
    # Symbols from Dims ("n", "k", "m") or literal ints; () means a Python-float scalar.
    symbols: tuple[str | int, ...]

    def shape(self, dims: Dims) -> tuple[int, ...]:
        return tuple(s if isinstance(s, int) else getattr(dims, s) for s in self.symbols)

    @property
    def is_scalar(self) -> bool:
        return self.symbols == ()


@dataclass(frozen=True)
class Tolerance:
    """|a - b| <= atol_scale * max|b| + rtol * |b|, per tensor, in float64.

    rtol 1e-5 admits float32 arithmetic inside a student's computation (relative error
    ~1e-6) and rejects float16 (~1e-3); the atol floor scaled to the tensor's magnitude
    keeps tiny entries of a correct gradient from failing (CS231n's elementwise rule does).
    """

    rtol: float = 1e-5
    atol_scale: float = 1e-5


@dataclass(frozen=True)
class Points:
    y_hat: float = 1.0
    loss: float = 1.0
    per_gradient: float = 1.0
    no_mutation: float = 1.0
    descent: float = 1.0
    sigmoid: float = 1.0


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    params: tuple[ParamSpec, ...]
    shapes: tuple[Dims, ...]
    # n, k, m pairwise distinct and m odd >= 3: at m = 1 "missing 1/m" vanishes, at k = n
    # a transposed dW1 keeps its shape.
    diagnosis_shape: Dims
    needs_sigmoid: bool = False
    points: Points = field(default_factory=Points)
    tolerance: Tolerance = field(default_factory=Tolerance)
    forward_formula: str = ""

    @property
    def forward_name(self) -> str:
        return f"{self.name}_forward"

    @property
    def backward_name(self) -> str:
        return f"{self.name}_backward"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> ParamSpec:
        return next(p for p in self.params if p.name == name)

    def x_shape(self, dims: Dims) -> tuple[int, int]:
        return (dims.n, dims.m)

    def all_shapes(self) -> tuple[Dims, ...]:
        """Test shapes with the diagnosis shape first: its failures make the best messages."""
        rest = tuple(d for d in self.shapes if d != self.diagnosis_shape)
        return (self.diagnosis_shape, *rest)

    def max_points(self) -> float:
        p = self.points
        total = p.y_hat + p.loss + p.per_gradient * len(self.params) + p.no_mutation + p.descent
        return total + (p.sigmoid if self.needs_sigmoid else 0.0)


_TWO_LAYER_PARAMS = (
    ParamSpec("W1", ("k", "n")),
    ParamSpec("b1", ("k", 1)),
    ParamSpec("w2", (1, "k")),
    ParamSpec("b2", ()),
)
_TWO_LAYER_SHAPES = (
    Dims(4, 3, 7),  # diagnosis: pairwise distinct, m odd
    Dims(1, 3, 5),  # n = 1
    Dims(3, 4, 1),  # m = 1
    Dims(3, 3, 5),  # k = n
    Dims(2, 5, 9),  # wide hidden layer
)

EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise(
            name="univariate",
            title="Univariate linear regression",
            params=(ParamSpec("w", ()), ParamSpec("b", ())),
            shapes=(Dims(1, 1, 7), Dims(1, 1, 1), Dims(1, 1, 4)),
            diagnosis_shape=Dims(1, 1, 7),
            forward_formula="y_hat = w x + b",
        ),
        Exercise(
            name="multivariate",
            title="Multivariate linear regression",
            params=(ParamSpec("w", (1, "n")), ParamSpec("b", ())),
            shapes=(Dims(4, 1, 7), Dims(1, 1, 5), Dims(3, 1, 1), Dims(5, 1, 3)),
            diagnosis_shape=Dims(4, 1, 7),
            forward_formula="y_hat = w X + b",
        ),
        Exercise(
            name="two_layer_linear",
            title="Two-layer linear network",
            params=_TWO_LAYER_PARAMS,
            shapes=_TWO_LAYER_SHAPES,
            diagnosis_shape=Dims(4, 3, 7),
            forward_formula="Z = W1 X + b1; y_hat = w2 Z + b2",
        ),
        Exercise(
            name="sigmoid_mlp",
            title="Two-layer sigmoid MLP",
            params=_TWO_LAYER_PARAMS,
            shapes=_TWO_LAYER_SHAPES,
            diagnosis_shape=Dims(4, 3, 7),
            needs_sigmoid=True,
            forward_formula="Z = W1 X + b1; A = sigmoid(Z); y_hat = w2 A + b2",
        ),
    )
}


@dataclass(frozen=True)
class Case:
    """One grader-chosen input: parameters, X and y for one exercise and shape."""

    exercise: str
    dims: Dims
    params: Params
    X: np.ndarray
    y: np.ndarray


def _seed(*parts: object) -> int:
    # crc32 rather than hash(): stable across processes and Python versions.
    return zlib.crc32("/".join(map(str, parts)).encode())


def make_case(exercise: Exercise, dims: Dims, salt: str = "grade") -> Case:
    rng = np.random.default_rng(_seed(exercise.name, dims, salt))
    params: Params = {}
    for p in exercise.params:
        if p.is_scalar:
            params[p.name] = float(rng.normal())
        else:
            params[p.name] = rng.normal(size=p.shape(dims))
    X = rng.normal(size=exercise.x_shape(dims))
    y = rng.normal(size=(1, dims.m))
    return Case(exercise.name, dims, params, X, y)


def cases(exercise: Exercise) -> list[Case]:
    return [make_case(exercise, d) for d in exercise.all_shapes()]


def sigmoid_inputs() -> list[np.ndarray]:
    """Inputs for checking sigmoid: a scalar-like, a matrix, and large magnitudes where a
    naive 1/(1+exp(-z)) still returns the right value (with an overflow warning)."""
    rng = np.random.default_rng(_seed("sigmoid"))
    return [
        rng.normal(size=(3, 5)) * 3,
        np.array([[-30.0, -5.0, 0.0, 5.0, 30.0]]),
        rng.normal(size=(1, 1)),
    ]


def markdown_table() -> str:
    """The exercises as the README shows them (tests keep the README in sync with this)."""
    rows = ["| exercise | forward | parameters | test shapes (n, k, m) | points |", "|---|---|---|---|---|"]
    for ex in EXERCISES.values():
        params = ", ".join(f"`{p.name}` {'scalar' if p.is_scalar else '(' + ', '.join(map(str, p.symbols)) + ')'}"
                           for p in ex.params)
        shapes = ", ".join(f"({d.n}, {d.k}, {d.m})" for d in ex.all_shapes())
        rows.append(f"| `{ex.name}` | `{ex.forward_formula}` | {params} | {shapes} | {ex.max_points():g} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
