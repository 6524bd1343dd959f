"""Expected values for every exercise, computed once per session from its oracles.

Each kind of exercise computes its own (reference, torch.autograd, finite differences,
cross-checked: autograder/kinds/). If the oracles ever disagree, the grader is wrong, not
the student, and grading stops. The reference is code from the course directory: it runs
like a submission, behind the `Student` interface (reference.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import store
from autograder.kinds.elementwise import OracleError
from autograder.secret import CourseSecret
from autograder.spec import Assignment
from autograder.student import Student


class GraderError(Exception):
    """The grader itself is broken or misconfigured: never a student's fault."""


# The engine files that compute expected values: a change to any of them (or to the
# assignment's folder, the reference, the secret) makes stored values stale.
ENGINE_FILES = ("kinds/model.py", "kinds/elementwise.py", "torch_oracle.py", "finite_diff.py", "compare.py",
                "spec.py", "secret.py", "diagnosis.py", "contract.py", "returned.py", "descent.py", "values.py",
                "store.py")
PUBLIC_STORE = "expected"  # exercises/<assignment>/expected/<exercise>.npz, shipped with the package


@dataclass
class Store:
    """Where an assignment's expected values are kept between runs, under a key naming what
    they depend on. The public store ships read-only; a course's graded store is signed with
    its secret (store.py), so a value nobody with the secret wrote is recomputed."""

    folder: Path
    key: str
    secret: CourseSecret | None = None
    writable: bool = True

    def load(self, name: str) -> Any | None:
        return store.load(self.folder / f"{name}.npz", self.key, self.secret)

    def save(self, name: str, values: Any) -> None:
        if self.writable:
            store.save(self.folder / f"{name}.npz", self.key, values, self.secret)


def values_key(assignment: Assignment, secret: CourseSecret | None, reference: dict[str, str] | None) -> str:
    engine = Path(__file__).resolve().parent
    extra = json.dumps({"secret": None if secret is None else secret.digest, "reference": reference}, sort_keys=True)
    return store.digest(assignment.folder, *(engine / f for f in ENGINE_FILES), extra=extra)


def engine_digest(assignment: Assignment) -> str:
    """Names the code that computes an assignment's values (its declarations and the engine's
    oracle files), without the secret or the reference: a Gradescope zip checks at grading
    time that the grader installed from it is the one its values were computed with."""
    engine = Path(__file__).resolve().parent
    return store.digest(assignment.folder, *(engine / f for f in ENGINE_FILES))


def public_store(assignment: Assignment) -> Store:
    """The values of the public inputs, computed when the package was built: the notebooks'
    visible checks read them instead of importing torch."""
    return Store(assignment.folder / PUBLIC_STORE, values_key(assignment, None, None), writable=False)


def graded_store(course_dir: Path, assignment: Assignment, secret: CourseSecret | None,
                 reference: dict[str, str] | None) -> Store:
    """A course's graded values, cached under <course>/.autograder-cache/ (signed)."""
    folder = course_dir / ".autograder-cache" / assignment.name
    return Store(folder, values_key(assignment, secret, reference), secret)


@dataclass
class Oracles:
    reference: Student | None = None  # the reference and its known-wrong variants (reference.py)
    secret: CourseSecret | None = None  # None: the public inputs the notebooks show
    store: Store | None = None  # values from an earlier run, when they are still current
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def secret_digest(self) -> str:
        return "public" if self.secret is None else self.secret.digest

    def values(self, assignment: Assignment) -> dict[str, Any]:
        """Every exercise's expected values, by exercise name (computed if need be)."""
        return {exercise.name: self.expected(exercise) for exercise in assignment.exercises}

    def stored(self, exercise: Any) -> bool:
        """Whether the exercise's values are known without computing them."""
        if exercise.name not in self._cache and self.store is not None:
            values = self.store.load(exercise.name)
            if values is not None:
                self._cache[exercise.name] = values
        return exercise.name in self._cache

    def expected(self, exercise: Any) -> Any:
        if not self.stored(exercise):
            try:
                self._cache[exercise.name] = exercise.expected(self.secret, self.reference)
            except OracleError as exc:
                raise GraderError(str(exc)) from None
            except ImportError as exc:  # torch: the oracles' values are not stored for these inputs
                raise GraderError(f"the expected values of {exercise.name} are not stored for these inputs, and "
                                  f"computing them needs {exc.name or 'torch'}: pip install 'torch==2.13.0'") from None
            if self.store is not None:
                self.store.save(exercise.name, self._cache[exercise.name])
        return self._cache[exercise.name]


def warm_up(oracles: Oracles, assignment: Assignment) -> None:
    """Compute every expected value up front (shared by all submissions of a batch)."""
    for exercise in assignment.exercises:
        oracles.expected(exercise)


def all_stored(oracles: Oracles, assignment: Assignment) -> bool:
    """Whether every exercise's values come from the store (then nothing needs the reference)."""
    return all(oracles.stored(exercise) for exercise in assignment.exercises)
