"""Assignment 2 (`units`) as the tests use it: its declaration, oracles on both sides, and a
grade() shortcut. Oracles are cached per process (each pytest worker computes them once)."""
from __future__ import annotations

import functools
from pathlib import Path

from autograder import checks, course
from autograder.expected import Oracles
from autograder.reference import reference_student
from autograder.secret import CourseSecret
from autograder.student import InProcessStudent, Student
from autograder.verdicts import SubmissionResult

ROOT = Path(__file__).resolve().parent.parent
UNITS = course.assignment("units")
EXERCISES = {ex.name: ex for ex in UNITS.exercises}
FULL_MARKS = UNITS.max_points()
SUBMISSIONS = Path(__file__).parent / "submissions" / "units"
BASE = (SUBMISSIONS / "base.py").read_text()


@functools.cache
def reference() -> InProcessStudent:
    return reference_student(ROOT / "reference", "units")


@functools.cache
def instructor_oracles(secret: bytes | None = None) -> Oracles:
    """Reference + known-wrong variants (+ graded cases from `secret`)."""
    return Oracles(reference=reference(), secret=CourseSecret(secret) if secret else None)


@functools.cache
def student_oracles(secret: bytes | None = None) -> Oracles:
    """What a student's machine has: torch and finite differences, no reference, no mutants."""
    return Oracles(secret=CourseSecret(secret) if secret else None)


def grade(student: Student | str, oracles: Oracles, label: str = "submission") -> SubmissionResult:
    if isinstance(student, str):
        student = InProcessStudent.from_source(student, "submission.py")
    return checks.grade(student, oracles, label, UNITS)
