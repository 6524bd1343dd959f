"""Expected values for every exercise, computed once per session from its oracles.

Each kind of exercise computes its own (reference, torch.autograd, finite differences,
cross-checked: autograder/kinds/). If the oracles ever disagree, the grader is wrong, not
the student, and grading stops. The reference is code from the course directory: it runs
like a submission, behind the `Student` interface (reference.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograder.kinds.elementwise import OracleError
from autograder.secret import CourseSecret
from autograder.spec import Assignment
from autograder.student import Student


class GraderError(Exception):
    """The grader itself is broken or misconfigured: never a student's fault."""


@dataclass
class Oracles:
    reference: Student | None = None  # the reference and its known-wrong variants (reference.py)
    secret: CourseSecret | None = None  # None: the public inputs the notebooks show
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def secret_digest(self) -> str:
        return "public" if self.secret is None else self.secret.digest

    def expected(self, exercise: Any) -> Any:
        if exercise.name not in self._cache:
            try:
                self._cache[exercise.name] = exercise.expected(self.secret, self.reference)
            except OracleError as exc:
                raise GraderError(str(exc)) from None
        return self._cache[exercise.name]


def warm_up(oracles: Oracles, assignment: Assignment) -> None:
    """Compute every expected value up front (shared by all submissions of a batch)."""
    for exercise in assignment.exercises:
        oracles.expected(exercise)
