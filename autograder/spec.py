"""What the engine knows about any exercise: sizes, case families, checks, mistakes, and the
`Exercise` interface that every kind of exercise implements.

The engine names no exercise. An exercise is one declaration (exercises/<assignment>/...)
made with a *kind* from autograder/kinds/ (a model with forward and backward passes,
elementwise functions, ...) or with a class of its own that implements `Exercise`. An
assignment is a list of exercises plus its notebook's prose.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from autograder.secret import CourseSecret


@dataclass(frozen=True)
class Sizes:
    """Named sizes of one test case, e.g. n=4, k=3, m=7 (in the declaration's order)."""

    items: tuple[tuple[str, int], ...]

    def __getitem__(self, name: str) -> int:
        return dict(self.items)[name]

    def get(self, name: str, default: int | None = None) -> int | None:
        return dict(self.items).get(name, default)

    def __str__(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.items)

    @classmethod
    def of(cls, **sizes: int) -> "Sizes":
        return cls(tuple(sizes.items()))


@dataclass(frozen=True)
class Family:
    """A kind of test case: the notebook shows `public`; graded runs draw each size from its
    inclusive range (with the course secret) until `accept` holds."""

    name: str
    public: Sizes
    ranges: dict[str, tuple[int, int]]
    accept: Callable[[Sizes], bool] = lambda s: True

    def draw(self, rng: np.random.Generator) -> Sizes:
        for _ in range(1000):
            sizes = Sizes(tuple((name, int(rng.integers(lo, hi + 1))) for name, (lo, hi) in self.ranges.items()))
            if self.accept(sizes):
                return sizes
        raise ValueError(f"case family {self.name!r} accepts none of its draws")


def public_seed(*parts: object) -> int:
    # crc32 rather than hash(): stable across processes and Python versions.
    return zlib.crc32("/".join(map(str, parts)).encode())


def rng_for(secret: CourseSecret | None, *parts: object) -> np.random.Generator:
    """Values of the public cases (seeded by their names) or of the graded ones (the secret)."""
    return np.random.default_rng(public_seed(*parts) if secret is None else secret.seed("values", *parts))


def family_sizes(name: str, families: tuple[Family, ...], secret: CourseSecret | None) -> list[Sizes]:
    """One case per family, in declaration order: public, or drawn with the course secret."""
    if secret is None:
        return [f.public for f in families]
    return [f.draw(np.random.default_rng(secret.seed("shape", name, f.name))) for f in families]


@dataclass(frozen=True)
class Tolerance:
    """|a - b| <= atol_scale * max|b| + rtol * |b|, per tensor, in float64 (and never below
    what float32 arithmetic errs on the case: compare.py).

    rtol 1e-5 admits float32 arithmetic inside a student's computation (relative error
    ~1e-6) and rejects float16 (~1e-3); the atol floor scaled to the tensor's magnitude
    keeps tiny entries of a correct gradient from failing (CS231n's elementwise rule does).
    """

    rtol: float = 1e-5
    atol_scale: float = 1e-5


@dataclass(frozen=True)
class Check:
    """A check worth points. `group` is its notebook test cell (grade id `<exercise>_<group>`)."""

    name: str  # e.g. "forward: y_hat", "gradient: W1"
    group: str
    points: float


def grade_cell_id(exercise: str, group: str) -> str:
    """The grade id of a group's test cell in the notebook ("<exercise>_<group>"); its answer
    cell is this id + "_code". Either name may hold an underscore: ids are compared whole."""
    return f"{exercise}_{group}"


@dataclass(frozen=True)
class Group:
    """One answer cell and the test cell after it: which functions the student writes there."""

    name: str  # "forward", "backward", "sigmoid", ...
    functions: tuple[str, ...]
    title: str  # "forward pass"


@dataclass(frozen=True)
class Mistake:
    """A known mistake: its public wording (which must not give the answer away), and where
    its wrong values come from: `torch`, a public torch formulation of the forward whose
    autograd gives them (a wrong forward, or a wrong *local* derivative rule: no backward
    is written out), so that a student's machine names it too; or the instructors'
    reference/<assignment>/, which holds known-wrong code under the same id."""

    id: str
    text: str
    torch: Callable[..., Any] | None = None


class Exercise(Protocol):
    """What the engine asks of any exercise."""

    name: str
    title: str
    # Points of a written derivation graded by hand (an nbgrader manually graded markdown
    # answer cell; its prompt is the prose section "derivation"); 0: none.
    derivation_points: float
    notes: str  # the section of the course notes it practises, shown with its title


    def groups(self) -> tuple[Group, ...]: ...

    def checks(self) -> tuple[Check, ...]: ...

    def expected(self, secret: CourseSecret | None, reference: Any) -> Any:
        """Everything grading compares with, from the oracles (computed once per session;
        `reference` is a Student running the reference, or None on a student's machine)."""
        ...

    def grade(self, student: Any, expected: Any) -> list[Any]:
        """Verdicts, one per check, in `checks()` order."""
        ...


@dataclass(frozen=True)
class Assignment:
    """A list of exercises plus what the notebook says around them."""

    name: str  # the nbgrader assignment, e.g. "backprop"
    title: str
    exercises: tuple[Any, ...]  # Exercise
    folder: Path  # exercises/<name>/: the notebook's prose (*.md) and closing code
    setup: str = "import numpy as np"  # the notebook's read-only first code cell (the grader runs it too)
    notebook: str = ""  # the notebook's file name (default: <name>.ipynb)
    files: dict[str, Callable[[], str]] = field(default_factory=dict)  # data shipped with the release: path -> content

    @property
    def notebook_name(self) -> str:
        return self.notebook or f"{self.name}.ipynb"

    def exercise(self, name: str) -> Any:
        for ex in self.exercises:
            if ex.name == name:
                return ex
        raise KeyError(name)

    def max_points(self) -> float:
        """What the checks award (the grader's part of the grade)."""
        return sum(c.points for ex in self.exercises for c in ex.checks())

    def manual_points(self) -> float:
        """What the written derivations are worth (graded by hand, in formgrader)."""
        return sum(ex.derivation_points for ex in self.exercises)

    def prose(self, name: str) -> str:
        """A markdown file of the assignment's folder (the notebook's text lives there)."""
        return (self.folder / name).read_text(encoding="utf-8").strip()

