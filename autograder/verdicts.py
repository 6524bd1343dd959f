"""What grading produces: one verdict per check, grouped by exercise and submission."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    exercise: str
    check: str  # e.g. "forward: y_hat", "gradient: W1"
    group: str  # one notebook test cell each ("forward", "backward", "sigmoid", ...)
    points: float
    max_points: float
    passed: bool
    message: str
    cause: str | None = None  # the id of the likely mistake (diagnosis.Cause), for tests and class reports

    @property
    def name(self) -> str:
        return f"{self.exercise}: {self.check}"


@dataclass
class ExerciseResult:
    exercise: str
    title: str
    verdicts: list[Verdict]

    @property
    def score(self) -> float:
        return sum(v.points for v in self.verdicts)

    @property
    def max_score(self) -> float:
        return sum(v.max_points for v in self.verdicts)

    def group_score(self, group: str) -> float:
        return sum(v.points for v in self.verdicts if v.group == group)


@dataclass
class SubmissionResult:
    submission: str  # a label: file name or student id
    exercises: list[ExerciseResult]
    protection: str = "in-process (no sandbox)"
    student_output: str = ""  # what the student's code printed, capped
    # Set when the grader itself failed: never reported as the student's zero.
    grader_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def verdicts(self) -> list[Verdict]:
        return [v for e in self.exercises for v in e.verdicts]
