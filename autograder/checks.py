"""Grading a submission: every exercise of its assignment, each by its own kind's checks."""
from __future__ import annotations

from autograder.expected import Oracles
from autograder.spec import Assignment
from autograder.student import Student
from autograder.verdicts import ExerciseResult, SubmissionResult


def grade_exercise(exercise: object, student: Student, oracles: Oracles) -> ExerciseResult:
    verdicts = exercise.grade(student, oracles.expected(exercise))
    return ExerciseResult(exercise.name, exercise.title, verdicts)


def grade(student: Student, oracles: Oracles, label: str, assignment: Assignment,
          exercises: list[str] | None = None) -> SubmissionResult:
    chosen = [ex for ex in assignment.exercises if not exercises or ex.name in exercises]
    results = [grade_exercise(ex, student, oracles) for ex in chosen]
    return SubmissionResult(label, results, student_output=student.output())
