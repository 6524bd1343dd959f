"""The course's reference implementation, run like a submission.

The reference of an assignment (reference/<assignment>/*.py in the course directory) and
its known-wrong variants are code from the course directory, which anything that ever ran
with the instructor's rights could have edited. So the grader never imports them: they are
loaded into a student-side namespace (a sandboxed child, unless grading runs without a
sandbox) as the package `reference.<assignment>`, and called through the same `Student`
interface as a submission: each reference function under its own name, each known-wrong
variant as "<mistake id>:<function>". What they return is checked against torch.autograd
and finite differences.
"""
from __future__ import annotations

from pathlib import Path

from autograder.execution import Chunk
from autograder.student import InProcessStudent

# Runs on the student side: the reference modules' public functions become the namespace's
# own, and each module's KNOWN_WRONG = {mistake id: {function name: function}} too.
LOADER = '''\
import importlib as _importlib

for _name in {modules!r}:
    _module = _importlib.import_module(_name)
    for _key, _value in vars(_module).items():
        if callable(_value) and not _key.startswith("_") and getattr(_value, "__module__", None) == _name:
            globals()[_key] = _value
    for _mistake, _functions in getattr(_module, "KNOWN_WRONG", {{}}).items():
        for _function, _code in _functions.items():
            globals()[_mistake + ":" + _function] = _code
'''


class ReferenceMissing(Exception):
    pass


def sources(directory: Path, assignment: str) -> dict[str, str]:
    """reference/<assignment>/*.py as source text: module name -> code."""
    folder = directory / assignment
    if not (folder / "__init__.py").is_file():
        raise ReferenceMissing(f"no reference implementation of {assignment!r} at {folder}")
    modules = {"reference": "", f"reference.{assignment}": (folder / "__init__.py").read_text(encoding="utf-8")}
    for path in sorted(folder.glob("*.py")):
        if path.name != "__init__.py":
            modules[f"reference.{assignment}.{path.stem}"] = path.read_text(encoding="utf-8")
    return modules


def loader(modules: dict[str, str], assignment: str) -> list[Chunk]:
    names = [m for m in modules if m.startswith(f"reference.{assignment}.")]
    return [Chunk(LOADER.format(modules=names), "<reference loader>")]


def reference_student(directory: Path, assignment: str) -> InProcessStudent:
    """The reference in this process: for the notebooks' hidden tests and the project's own
    tests (trusted settings). The grading commands run it in the sandbox instead."""
    modules = sources(directory, assignment)
    student = InProcessStudent(loader(modules, assignment), modules)
    if student.code.load_error is not None:
        raise ReferenceMissing(f"the reference at {directory} does not load: {student.code.load_error.message}")
    return student
