"""Assignment 1 (`backprop`) as the tests use it: its declaration and a grade() shortcut."""
from __future__ import annotations

from autograder import checks, course
from autograder.expected import Oracles
from autograder.student import Student
from autograder.verdicts import SubmissionResult

BACKPROP = course.assignment("backprop")
EXERCISES = {ex.name: ex for ex in BACKPROP.exercises}
FULL_MARKS = BACKPROP.max_points()


def grade(student: Student, oracles: Oracles, label: str, exercises: list[str] | None = None) -> SubmissionResult:
    return checks.grade(student, oracles, label, BACKPROP, exercises)
