"""The course's reference implementation, run like a submission.

The reference and its known-wrong variants (reference/backprop.py and mutants.py in the
course directory) are code from the course directory, which anything that ever ran with the
instructor's rights could have edited. So the grader never imports them: they are loaded
into a student-side namespace (a sandboxed child, unless grading runs without a sandbox) as
the package `reference`, and called through the same `Student` interface as a submission.
What they return is checked against torch.autograd and finite differences (expected.py).
"""
from __future__ import annotations

from pathlib import Path

from autograder.execution import Chunk
from autograder.student import InProcessStudent

MODULES = ("backprop", "mutants")  # reference/<name>.py, as reference.<name>

# Runs on the student side: the reference's functions become the namespace's own, and each
# known-wrong variant is reachable by its index among the exercise's variants.
LOADER = '''\
from reference.backprop import *
from reference.backprop import sigmoid

try:
    from reference import mutants as _mutants
    _MUTANTS = _mutants.MUTANTS
except ImportError:
    _MUTANTS = ()


def _variants(exercise):
    return [m for m in _MUTANTS if m.exercise == exercise]


def mutant_count(exercise):
    return len(_variants(exercise))


def mutant_description(exercise, index):
    return _variants(exercise)[index].description


def mutant_forward(exercise, index, params, X, y):
    m = _variants(exercise)[index]
    return m.forward(params, X, y) if m.forward is not None else None


def mutant_backward(exercise, index, params, X, y):
    m = _variants(exercise)[index]
    if m.backward is None:
        return None
    cache = globals()[exercise + "_forward"](params, X, y)[2]
    return m.backward(params, cache)


def mutant_parts(exercise, index):
    m = _variants(exercise)[index]
    return [float(m.forward is not None), float(m.backward is not None)]
'''


class ReferenceMissing(Exception):
    pass


def sources(directory: Path) -> dict[str, str]:
    """The reference package as source text: module name -> code."""
    if not (directory / "backprop.py").is_file():
        raise ReferenceMissing(f"no reference implementation at {directory} (reference/backprop.py)")
    modules = {"reference": (directory / "__init__.py").read_text() if (directory / "__init__.py").is_file() else ""}
    for name in MODULES:
        path = directory / f"{name}.py"
        if path.is_file():
            modules[f"reference.{name}"] = path.read_text(encoding="utf-8")
    return modules


def loader() -> list[Chunk]:
    return [Chunk(LOADER, "<reference loader>")]


def reference_student(directory: Path) -> InProcessStudent:
    """The reference in this process: for the notebooks' hidden tests and the project's own
    tests (trusted settings). `autograder grade` runs it in the sandbox instead."""
    student = InProcessStudent(loader(), sources(directory))
    if student.code.load_error is not None:
        raise ReferenceMissing(f"the reference at {directory} does not load: {student.code.load_error.message}")
    return student
