"""The notebook nbgrader's later steps read: autograded/<student>/<assignment>/<name>.ipynb.

`nbgrader generate_feedback` renders it with the scores from the gradebook, and formgrader
shows it to TAs. It is built from the *release* (trusted: its cells, metadata and test
code) with the student's answer cells and added code cells in their places, every output
removed, and under each test cell one output: the sandbox's feedback for that cell. So no
text that student code printed in a kernel, no hidden-test source and no forged metadata
reaches it. Markdown is rendered as HTML: what the student added is left out, and their
written answers (derivations, graded by hand) come in with HTML and links neutralised.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from autograder.files import write_atomic
from autograder.gradebook import cell_feedback, grade_cell_verdicts
from autograder.ipynb import Cell, Release
from autograder.text import escape, written_answer
from autograder.verdicts import SubmissionResult

MISSING_ANSWER = "# (this answer cell was missing from the submitted notebook)"
MISSING_WRITTEN = "*(this answer cell was missing from the submitted notebook)*"
CODE_CAP = 20_000  # characters of one cell's code shown to the TA (an answer is a few KB)
ADDED_CAP = 100_000  # characters of code in the cells a student added, all together


def _code(source: str) -> str:
    """A student's code as the TA sees it: capped, and text any JSON writer and HTML
    renderer can take (a lone surrogate made generate_feedback fail for the student)."""
    return escape(source, CODE_CAP)


def _added_cell(cell: Cell) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "id": f"added-cell-{cell.number}", "metadata": {},
            "outputs": [], "source": _code(cell.source)}


def _stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text + "\n"}


def _added_after(cells: list[Cell] | None, release: Release) -> dict[str | None, list[Cell]]:
    """Code cells the student added, keyed by the released cell they follow (None: the top)."""
    added: dict[str | None, list[Cell]] = {}
    last: str | None = None
    budget = ADDED_CAP
    for cell in cells or []:
        if cell.grade_id in release.cells:
            last = cell.grade_id
        elif cell.cell_type == "code" and budget > 0:
            budget -= len(cell.source)
            added.setdefault(last, []).append(cell)
    return added


def build(release: Release, cells: list[Cell] | None, result: SubmissionResult) -> dict[str, Any]:
    """The autograded notebook. `cells`: the submission's, or None if it could not be read."""
    answers = {c.grade_id: _code(c.source) for c in cells or [] if c.grade_id in release.cells
               and release.cells[c.grade_id].role == "answer"}
    written = {c.grade_id: written_answer(c.source) for c in cells or []
               if c.cell_type == "markdown" and c.grade_id in release.written}
    added = _added_after(cells, release)
    out = copy.deepcopy(release.notebook)
    new_cells = [_added_cell(c) for c in added.get(None, [])]
    for raw in out["cells"]:
        raw.pop("attachments", None)
        nbgrader = raw.get("metadata", {}).get("nbgrader", {})
        grade_id = nbgrader.get("grade_id")
        if raw["cell_type"] == "code":
            raw["outputs"], raw["execution_count"] = [], None
            if nbgrader.get("solution"):
                raw["source"] = answers.get(grade_id, MISSING_ANSWER)
            elif nbgrader.get("grade"):
                verdicts = grade_cell_verdicts(result, grade_id)
                text = cell_feedback(verdicts) if verdicts else "autograder: this cell is graded by hand"
                raw["outputs"] = [_stream(text)]
        elif raw["cell_type"] == "markdown" and grade_id in release.written:
            raw["source"] = written.get(grade_id, MISSING_WRITTEN)  # a derivation, for the TA to grade
        new_cells.append(raw)
        new_cells += [_added_cell(c) for c in added.get(grade_id, [])] if grade_id else []
    out["cells"] = new_cells
    return out


def _real_dir(path: Path) -> None:
    """`path` as a real directory: a link or file planted there is removed, never followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        path.mkdir()
        return
    if not stat.S_ISDIR(mode):
        path.unlink()
        path.mkdir()


def remove(folder: Path) -> None:
    """`folder` gone, links inside it never followed (a link in its place is removed)."""
    if os.path.lexists(folder):
        if stat.S_ISDIR(os.lstat(folder).st_mode):
            shutil.rmtree(folder)  # does not follow links inside
        else:
            folder.unlink()


def write(autograded: Path, student: str, assignment: str, name: str, notebook: dict[str, Any]) -> Path:
    """Replaces autograded/<student>/<assignment>/ with a folder holding only `notebook`
    (whatever an earlier `nbgrader autograde` left there, links included, is gone)."""
    _real_dir(autograded)
    _real_dir(autograded / student)
    folder = autograded / student / assignment
    remove(folder)
    folder.mkdir()
    path = folder / name
    write_atomic(path, json.dumps(notebook, indent=1) + "\n")
    return path
