"""The notebook's own test cells: grade one (exercise, group) in the student's kernel.

A graded test cell runs `score = check("<exercise>", "backward", globals())` and ends with
`score`: nbgrader gives the cell the number it ends with (partial credit), and that number
is what the grader gives the same code, because it is the grader's own checks that run.
Visible cells use finite differences and torch.autograd (students have no reference); the
hidden part of each cell passes `reference=True`, which loads the course's reference/.

The kernel holds the student's code, so none of this is tamper-proof (docs/design.md): the
sandboxed `autograder grade` is the grader whose scores count.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from autograder import course, report_text
from autograder.checks import grade_exercise
from autograder.execution import StudentCode
from autograder.expected import GraderError, Oracles, public_store
from autograder.reference import reference_student
from autograder.student import InProcessStudent
from autograder.verdicts import ExerciseResult, SubmissionResult

REFERENCE_ENV = "AUTOGRADER_REFERENCE"
SCORES = "_autograder_scores"  # in the notebook's namespace: (exercise, group) -> points, for the running total


class _KernelCode(StudentCode):
    """Functions defined in notebook cells. IPython compiles each cell under its own file
    name, so the traceback filter follows the file of the function being called: the
    student then sees frames (and line numbers) of the cell that defines it."""

    def call(self, name: str, args: list[Any]) -> Any:
        code = getattr(self.namespace.get(name), "__code__", None)
        if code is not None:
            self.places = {code.co_filename: None}
        elif name not in self.not_run:  # only then is the input history worth reading
            self.not_run.update(_not_valid_python(self.namespace.get("In", [])))
        return super().call(name, args)


class NotebookStudent(InProcessStudent):
    """The grader's Student interface on a live namespace (the notebook's globals())."""

    def __init__(self, namespace: dict[str, Any]) -> None:  # noqa: D107 - no source to run
        self.code = _KernelCode(namespace, {})


DEF = re.compile(r"^def[ \t]+(\w+)[ \t]*\(", re.M)


def _not_valid_python(history: list[str]) -> dict[str, str]:
    """Why a function a cell defines is missing from the kernel: the latest cell run that
    defines it (IPython's input history) is not valid Python, so it never ran."""
    latest: dict[str, str | None] = {}
    for count, source in reversed(list(enumerate(history))):  # In[count]: the cell's execution count
        names = [n for n in DEF.findall(source) if n not in latest] if isinstance(source, str) else []
        if not names:
            continue
        try:
            compile(source, "<cell>", "exec")
            why = None
        except (SyntaxError, ValueError) as exc:
            where = f"line {exc.lineno}: " if getattr(exc, "lineno", None) else ""
            why = (f"the cell that defines it (run as In [{count}]) is not valid Python ({where}"
                   f"{getattr(exc, 'msg', exc)}): fix it and run it")
        latest.update(dict.fromkeys(names, why))
    return {name: why for name, why in latest.items() if why}


def find_reference(assignment: str, start: Path | None = None) -> Path:
    """The course's reference/: $AUTOGRADER_REFERENCE, else the topmost ancestor of the
    working directory that holds nbgrader_config.py and reference/<assignment>/. Topmost,
    because nbgrader runs a notebook inside the student's own folder (autograded/<student>/
    <assignment>/), where a submission could have planted a reference of its own."""
    configured = os.environ.get(REFERENCE_ENV)
    if configured:
        path = Path(configured)
        if not (path / assignment / "__init__.py").is_file():
            raise GraderError(f"${REFERENCE_ENV}={configured} has no {assignment}/")
        return path
    here = (start or Path.cwd()).resolve()
    found = [d / "reference" for d in (here, *here.parents)
             if (d / "nbgrader_config.py").is_file() and (d / "reference" / assignment / "__init__.py").is_file()]
    if not found:
        raise GraderError(f"the reference solution was not found above {here}: run nbgrader from the course "
                          f"directory (which holds nbgrader_config.py and reference/), or set ${REFERENCE_ENV}")
    return found[-1]


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """nbgrader zeroes a test cell that writes anything to stderr (a warning, say), so the
    grading itself never does: stray warnings are dropped, the rest goes to stdout."""
    with contextlib.redirect_stderr(sys.stdout), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def render(result: ExerciseResult, group: str, title: str, oracles: Oracles, student_output: str) -> str:
    """The CLI's feedback (report_text), restricted to one group's verdicts."""
    verdicts = [v for v in result.verdicts if v.group == group]
    part = ExerciseResult(result.exercise, result.title, verdicts)
    names = ("the reference solution, " if oracles.reference is not None else "") + "finite differences and torch.autograd"
    label = f"{result.exercise}, {title}"
    return report_text.render(SubmissionResult(label, [part], protection=f"in this kernel, against {names}",
                                               student_output=student_output))


def check(exercise: str, group: str, namespace: dict[str, Any], reference: bool = False) -> float:
    """Grade `group` (e.g. "forward", "backward", "sigmoid") of `exercise` on the functions
    defined in `namespace`, print the feedback, and return the points earned."""
    assignment, ex = course.exercise_of(exercise)
    titles = {g.name: g.title for g in ex.groups()}
    if group not in titles:
        raise ValueError(f"unknown check group {group!r}: one of {', '.join(titles)}")
    with quiet():
        oracles = Oracles(reference=reference_student(find_reference(assignment.name), assignment.name)) \
            if reference else Oracles(store=public_store(assignment))
        student = NotebookStudent(namespace)
        result = grade_exercise(ex, student, oracles)
    score = float(result.group_score(group))
    print(render(result, group, titles[group], oracles, student.output()))
    print(summary_line(namespace, assignment, ex.name, group, score, titles[group]))
    return score


def summary_line(namespace: dict[str, Any], assignment: Any, exercise: str, group: str, score: float,
                 title: str) -> str:
    """One line per test cell: its points and the running total of the cells run so far
    (kept in the notebook's own namespace), and, once everything passes, how to make sure
    the saved notebook earns the same."""
    scores = namespace.setdefault(SCORES, {})
    scores[(exercise, group)] = score
    total, most = sum(scores.values()), assignment.max_points()
    line = f"-> {exercise}, {title}: {score:g} points; total of the test cells run so far: {total:g}/{most:g}"
    if total == most:
        line += (f"\n   Every check passes in this kernel. The grade comes from the saved notebook: Restart & Run All, "
                 f"save, and run `autograder check {assignment.notebook_name}` to see what it earns.")
    return line
