"""Assignment 1 (`backprop`) as the tests use it: its declaration and a grade() shortcut."""
from __future__ import annotations

from dataclasses import replace

from autograder import checks, course
from autograder.expected import Oracles
from autograder.student import Student
from autograder.verdicts import SubmissionResult

BACKPROP = course.assignment("backprop")
EXERCISES = {ex.name: ex for ex in BACKPROP.exercises}
FULL_MARKS = BACKPROP.max_points()
# The same assignment with error carried forward turned off (each failure charged on its own).
WITHOUT_CARRY_FORWARD = replace(BACKPROP, exercises=tuple(replace(ex, carry_forward=False) for ex in BACKPROP.exercises))


def grade(student: Student, oracles: Oracles, label: str, exercises: list[str] | None = None,
          carry_forward: bool = True) -> SubmissionResult:
    return checks.grade(student, oracles, label, BACKPROP if carry_forward else WITHOUT_CARRY_FORWARD, exercises)
