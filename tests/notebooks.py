"""Notebook submissions for tests: the committed release, filled with code from a .py or
from the solutions, then graded the way `autograder grade` grades a file."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from assignment1 import BACKPROP
from autograder.batch import grade_job, in_process
from autograder.expected import Oracles
from autograder.layout import Job
from autograder.verdicts import SubmissionResult
from tools import course

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
ASSIGNMENT, NOTEBOOK = "backprop", "backprop.ipynb"
RELEASE, SOLUTIONS = ROOT / "assignments" / ASSIGNMENT, ROOT / "solutions" / ASSIGNMENT
# Sources as single strings (Jupyter stores them as lists of lines), for easy editing in tests.
RELEASE_NB = course.normalise(json.loads((RELEASE / NOTEBOOK).read_text()))
SOLUTIONS_NB = course.normalise(json.loads((SOLUTIONS / NOTEBOOK).read_text()))

Notebook = dict[str, Any]


def release(assignment: str = ASSIGNMENT) -> Notebook:
    if assignment == ASSIGNMENT:
        return copy.deepcopy(RELEASE_NB)
    return course.normalise(json.loads((ROOT / "assignments" / assignment / f"{assignment}.ipynb").read_text()))


def solved(assignment: str = ASSIGNMENT) -> Notebook:
    """The release with its answer cells taken from the solutions (hidden tests stay hidden)."""
    nb = release(assignment)
    solutions = SOLUTIONS_NB if assignment == ASSIGNMENT else \
        course.normalise(json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text()))
    for c in answer_cells(nb):
        c["source"] = cell(solutions, c["metadata"]["nbgrader"]["grade_id"])["source"]
    return nb


def filled(py: str | Path) -> Notebook:
    source = py.read_text() if isinstance(py, Path) else py
    return course.fill(release(), source)


def cell(nb: Notebook, grade_id: str) -> dict[str, Any]:
    return course.answer_cell(nb, grade_id)


def answer_cells(nb: Notebook) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def code_cell(source: str, **metadata: Any) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": source}


def write(nb: Notebook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


def grade(path: Path, oracles: Oracles, label: str | None = None) -> SubmissionResult:
    """What `autograder grade --no-sandbox` computes for one file (same code path)."""
    return grade_job(Job(path, label or path.name), oracles, in_process, BACKPROP, None, "in-process (test)")


def by_group(result: SubmissionResult) -> dict[str, float]:
    """Scores keyed like the notebook's grade cells: "<exercise>_<group>"."""
    out: dict[str, float] = {}
    for v in result.verdicts:
        key = f"{v.exercise}_{v.group}"
        out[key] = out.get(key, 0.0) + v.points
    return out


def message(result: SubmissionResult, name: str) -> str:
    return next(v.message for v in result.verdicts if v.name == name)
