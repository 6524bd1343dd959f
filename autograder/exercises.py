"""The four worked examples, declared once.

Everything that depends on an exercise (parameter shapes, test shapes, the seeded inputs,
points per check, tolerances) lives here and drives the grader, the notebooks' test cells
and the docs.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from autograder.secret import CourseSecret

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


def _distinct(d: Dims) -> bool:
    """Diagnosis needs n, k, m pairwise distinct and no two of them in ratio 2 (a factor 2
    would read as m/n), with m odd >= 3: at m = 1 "missing 1/m" vanishes, at k = n a
    transposed dW1 keeps its shape."""
    sizes = [d.n, d.k, d.m] if d.k > 1 else [d.n, d.m] if d.n > 1 else [d.m]
    pairs = [(a, b) for i, a in enumerate(sizes) for b in sizes[i + 1:]]
    return d.m % 2 == 1 and d.m >= 3 and all(a != b and a != 2 * b and b != 2 * a for a, b in pairs)


@dataclass(frozen=True)
class Family:
    """A kind of test case: the notebook shows `public`; graded runs draw n, k and m from
    the inclusive ranges (with the course secret) until `accept` holds."""

    name: str
    public: Dims
    n: tuple[int, int]
    k: tuple[int, int]
    m: tuple[int, int]
    accept: Callable[[Dims], bool] = lambda d: True

    def draw(self, rng: np.random.Generator) -> Dims:
        for _ in range(1000):
            d = Dims(*(int(rng.integers(lo, hi + 1)) for lo, hi in (self.n, self.k, self.m)))
            if self.accept(d):
                return d
        raise ValueError(f"case family {self.name!r} accepts none of its draws")


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    params: tuple[ParamSpec, ...]
    # The first family is the diagnosis case (see _distinct): its failures make the best
    # messages, so it runs first; the others are edge shapes (m = 1, n = 1, k = n, ...).
    families: tuple[Family, ...]
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

    def shapes(self, secret: CourseSecret | None = None) -> list[Dims]:
        """The test shapes, diagnosis first: public ones, or drawn with the course secret."""
        if secret is None:
            return [f.public for f in self.families]
        return [f.draw(np.random.default_rng(secret.seed("shape", self.name, f.name))) for f in self.families]

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
_TWO_LAYER_FAMILIES = (
    Family("diagnosis", Dims(4, 3, 7), n=(2, 6), k=(2, 6), m=(3, 13), accept=_distinct),
    Family("n = 1", Dims(1, 3, 5), n=(1, 1), k=(2, 6), m=(2, 9), accept=lambda d: d.k != d.m),
    Family("m = 1", Dims(3, 4, 1), n=(2, 6), k=(2, 6), m=(1, 1), accept=lambda d: d.n != d.k),
    Family("k = n", Dims(3, 3, 5), n=(2, 6), k=(2, 6), m=(2, 9), accept=lambda d: d.k == d.n != d.m),
    Family("wide hidden layer", Dims(2, 5, 9), n=(1, 3), k=(5, 9), m=(5, 13), accept=lambda d: d.k != d.m),
)

EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise(
            name="univariate",
            title="Univariate linear regression",
            params=(ParamSpec("w", ()), ParamSpec("b", ())),
            families=(
                Family("diagnosis", Dims(1, 1, 7), n=(1, 1), k=(1, 1), m=(3, 13), accept=_distinct),
                Family("m = 1", Dims(1, 1, 1), n=(1, 1), k=(1, 1), m=(1, 1)),
                Family("m even", Dims(1, 1, 4), n=(1, 1), k=(1, 1), m=(2, 12), accept=lambda d: d.m % 2 == 0),
            ),
            forward_formula="y_hat = w x + b",
        ),
        Exercise(
            name="multivariate",
            title="Multivariate linear regression",
            params=(ParamSpec("w", (1, "n")), ParamSpec("b", ())),
            families=(
                Family("diagnosis", Dims(4, 1, 7), n=(2, 6), k=(1, 1), m=(3, 13), accept=_distinct),
                Family("n = 1", Dims(1, 1, 5), n=(1, 1), k=(1, 1), m=(2, 9)),
                Family("m = 1", Dims(3, 1, 1), n=(2, 6), k=(1, 1), m=(1, 1)),
                Family("n > m", Dims(5, 1, 3), n=(4, 8), k=(1, 1), m=(2, 3)),
            ),
            forward_formula="y_hat = w X + b",
        ),
        Exercise(
            name="two_layer_linear",
            title="Two-layer linear network",
            params=_TWO_LAYER_PARAMS,
            families=_TWO_LAYER_FAMILIES,
            forward_formula="Z = W1 X + b1; y_hat = w2 Z + b2",
        ),
        Exercise(
            name="sigmoid_mlp",
            title="Two-layer sigmoid MLP",
            params=_TWO_LAYER_PARAMS,
            families=_TWO_LAYER_FAMILIES,
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


def _public_seed(*parts: object) -> int:
    # crc32 rather than hash(): stable across processes and Python versions.
    return zlib.crc32("/".join(map(str, parts)).encode())


def _rng(secret: CourseSecret | None, *parts: object) -> np.random.Generator:
    return np.random.default_rng(_public_seed(*parts) if secret is None else secret.seed("values", *parts))


def make_case(exercise: Exercise, dims: Dims, secret: CourseSecret | None = None) -> Case:
    """The inputs for one shape: public (seeded by the names) or graded (by the secret)."""
    rng = _rng(secret, exercise.name, dims, "grade")
    params: Params = {}
    for p in exercise.params:
        if p.is_scalar:
            params[p.name] = float(rng.normal())
        else:
            params[p.name] = rng.normal(size=p.shape(dims))
    X = rng.normal(size=exercise.x_shape(dims))
    y = rng.normal(size=(1, dims.m))
    return Case(exercise.name, dims, params, X, y)


def sigmoid_inputs(secret: CourseSecret | None = None) -> list[np.ndarray]:
    """Inputs for checking sigmoid: a matrix, large magnitudes (where a naive
    1/(1+exp(-z)) still returns the right value, with an overflow warning) and a (1, 1)."""
    rng = _rng(secret, "sigmoid")
    rows, cols = (3, 5) if secret is None else (int(rng.integers(2, 6)), int(rng.integers(3, 8)))
    large = np.array([[-30.0, -5.0, 0.0, 5.0, 30.0]]) if secret is None else \
        np.sort(rng.uniform(-40, 40, size=(1, 6)), axis=1)
    return [rng.normal(size=(rows, cols)) * 3, large, rng.normal(size=(1, 1))]


def markdown_table() -> str:
    """The exercises as the README shows them (tests keep the README in sync with this)."""
    rows = ["| exercise | forward | parameters | test shapes (n, k, m) | points |", "|---|---|---|---|---|"]
    for ex in EXERCISES.values():
        params = ", ".join(f"`{p.name}` {'scalar' if p.is_scalar else '(' + ', '.join(map(str, p.symbols)) + ')'}"
                           for p in ex.params)
        shapes = ", ".join(f"({d.n}, {d.k}, {d.m})" for d in ex.shapes())
        rows.append(f"| `{ex.name}` | `{ex.forward_formula}` | {params} | {shapes} | {ex.max_points():g} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
