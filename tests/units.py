"""Assignment 2 (`units`) as the tests use it: its declaration, oracles on both sides, and a
grade() shortcut. Oracles are cached per process (each pytest worker computes them once)."""
from __future__ import annotations

import functools
import importlib
import sys
import types
from dataclasses import replace
from pathlib import Path

from autograder import checks, course
from autograder.expected import Oracles
from autograder.kinds.model import Model
from autograder.reference import reference_student
from autograder.secret import CourseSecret
from autograder.student import InProcessStudent, Student
from autograder.verdicts import SubmissionResult

ROOT = Path(__file__).resolve().parent.parent
UNITS = course.assignment("units")
EXERCISES = {ex.name: ex for ex in UNITS.exercises}
FULL_MARKS = UNITS.max_points()
# The same assignment with error carried forward turned off (each failure charged on its own).
WITHOUT_CARRY_FORWARD = replace(UNITS, exercises=tuple(replace(ex, carry_forward=False) if isinstance(ex, Model) else ex
                                                      for ex in UNITS.exercises))
SUBMISSIONS = Path(__file__).parent / "submissions" / "units"
BASE = (SUBMISSIONS / "base.py").read_text()


def _reference_modules() -> dict[str, types.ModuleType]:
    return {k: v for k, v in sys.modules.items() if k == "reference" or k.startswith("reference.")}


@functools.cache
def reference() -> InProcessStudent:
    """The reference run like a submission. Loading it puts a `reference` package holding only
    this assignment into sys.modules; what was there before is put back, so that other tests
    of the same process (assignment 1's import reference.backprop) still find theirs."""
    saved = _reference_modules()
    try:
        return reference_student(ROOT / "reference", "units")
    finally:
        for name in _reference_modules():
            del sys.modules[name]
        sys.modules.update(saved)


@functools.cache
def reference_module(name: str) -> types.ModuleType:
    """reference/units/<name>.py imported as a package of its own (not `reference`, which
    an in-process reference of either assignment may have replaced in sys.modules)."""
    package = "units_reference_under_test"
    if package not in sys.modules:
        module = types.ModuleType(package)
        module.__path__ = [str(ROOT / "reference" / "units")]
        sys.modules[package] = module
    return importlib.import_module(f"{package}.{name}")


@functools.cache
def instructor_oracles(secret: bytes | None = None) -> Oracles:
    """Reference + known-wrong variants (+ graded cases from `secret`)."""
    return Oracles(reference=reference(), secret=CourseSecret(secret) if secret else None)


@functools.cache
def student_oracles(secret: bytes | None = None) -> Oracles:
    """What a student's machine has: torch and finite differences, no reference, no mutants."""
    return Oracles(secret=CourseSecret(secret) if secret else None)


def grade(student: Student | str, oracles: Oracles, label: str = "submission",
          carry_forward: bool = True) -> SubmissionResult:
    if isinstance(student, str):
        student = InProcessStudent.from_source(student, "submission.py")
    return checks.grade(student, oracles, label, UNITS if carry_forward else WITHOUT_CARRY_FORWARD)
