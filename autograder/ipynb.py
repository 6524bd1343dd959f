"""A submitted notebook -> the chunks of code the grader runs, trusting only the release.

Cells are identified by their nbgrader grade_id and given the role that the *released*
notebook (the grader's own copy) gives that id; a submission's metadata is trusted for
nothing else. What runs, in the submission's order, one chunk per cell:

- answer cells (solution cells in the release): the student's code, whole;
- read-only cells the release marks `"autograder": {"grading": "run"}` (the imports): the
  release's source, whatever the submission holds there (missing ones are put back on top);
- cells the student added: only their imports, function and class definitions and
  assignments of constants, so exploration, plots and training runs do not run;
- nothing else: test cells, the cell importing the checks, the closing training cell,
  markdown. The grader runs its own checks, so an edited test cell changes nothing.

The notebook is hostile input read in the grader's process: its size, its number of cells,
each cell's size, each grade id and the JSON itself (nesting, numbers) are bounded, and
nothing here parses the student's Python or runs a regular expression on the student's
text. Python is parsed on the student's side of the sandbox (execution.py, cells.py).
"""
from __future__ import annotations

import importlib.util

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.execution import Chunk
from autograder.files import FileRefused, read_regular
from autograder.text import escape

RUN_MARK = ("autograder", "grading", "run")  # metadata.autograder.grading == "run" in the release
MAX_BYTES = 16 * 1024 * 1024  # a notebook with plots is a few MB
MAX_CELLS = 1000
MAX_CELL_CHARS = 200_000  # an answer cell is a few KB
MAX_CODE_CHARS = 1_000_000  # all the code sent to the student's side
MAX_NOTES = 12
MAX_NUMBER = 100  # characters of one JSON number
GRADE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # only ever matched against <= 64 characters
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class NotebookError(Exception):
    """The notebook cannot be graded at all: the message is for the student."""


class ReleaseError(Exception):
    """The grader's own released notebook is missing or broken: never the student's fault."""


@dataclass(frozen=True)
class ReleaseCell:
    grade_id: str
    role: str  # "answer" | "run" | "test" | "skip"
    source: str
    nbgrader: dict[str, Any]


@dataclass(frozen=True)
class Release:
    path: Path
    assignment: str
    cells: dict[str, ReleaseCell]  # by grade_id, in notebook order
    notebook: dict[str, Any]  # the whole released notebook (for the autograded copy)
    written: tuple[str, ...] = ()  # markdown answer cells (derivations, graded by hand): never run

    def ids(self, role: str) -> list[str]:
        return [c.grade_id for c in self.cells.values() if c.role == role]


@dataclass(frozen=True)
class Cell:
    """One cell of a submission, as read (untrusted, but bounded and well-typed)."""

    number: int  # 1-based position in the notebook, markdown included: what the student counts
    cell_type: str
    source: str
    grade_id: str | None
    nbgrader: dict[str, Any]  # only grade, solution (bools) and points (a number)


# --- reading notebooks -----------------------------------------------------------------

def _number(text: str) -> float:
    if len(text) > MAX_NUMBER:
        raise ValueError("a number in the notebook is too long")
    return float(text)


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_int=_number, parse_float=_number, parse_constant=_refuse)
    except UnicodeDecodeError:
        raise NotebookError(f"cannot read {name}: it is not UTF-8 text") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else escape(str(exc), 200)
        raise NotebookError(f"{name} is not a valid notebook: it is not valid JSON ({detail})") from None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def _grade_id(nbgrader: dict[str, Any]) -> str | None:
    value = nbgrader.get("grade_id")
    return value if isinstance(value, str) and len(value) <= 64 and GRADE_ID.fullmatch(value) else None


def _flags(nbgrader: dict[str, Any]) -> dict[str, Any]:
    """The metadata fields compared with the release, each of a plain type or None."""
    points = nbgrader.get("points")
    return {"grade": nbgrader.get("grade") is True, "solution": nbgrader.get("solution") is True,
            "points": points if isinstance(points, (int, float)) and not isinstance(points, bool) else None}


def _cell(number: int, raw: Any, name: str) -> Cell:
    source = _text(raw.get("source")) if isinstance(raw, dict) else None
    cell_type = raw.get("cell_type") if isinstance(raw, dict) else None
    if source is None or cell_type not in ("code", "markdown", "raw"):
        raise NotebookError(f"{name}: cell {number} is malformed (no cell type or no source text)")
    if len(source) > MAX_CELL_CHARS:
        raise NotebookError(f"{name}: cell {number} holds {len(source)} characters, more than the "
                            f"{MAX_CELL_CHARS} a cell may hold: move data out of the notebook")
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
    return Cell(number, cell_type, source, _grade_id(nbgrader), _flags(nbgrader))


def read_cells(data: Any, name: str) -> list[Cell]:
    """The cells of an untrusted notebook (parsed JSON); NotebookError for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        old = isinstance(data, dict) and "worksheets" in data
        raise NotebookError(f"{name} is not a Jupyter notebook (it has no list of cells)"
                            + ("; it is in the old nbformat 3: open and save it in a current Jupyter" if old else ""))
    if len(data["cells"]) > MAX_CELLS:
        raise NotebookError(f"{name} has {len(data['cells'])} cells, more than the {MAX_CELLS} a notebook may have")
    return [_cell(number, raw, name) for number, raw in enumerate(data["cells"], 1)]


def load_cells(path: Path) -> list[Cell]:
    try:
        data = read_regular(path, MAX_BYTES)
    except FileRefused as exc:
        raise NotebookError(str(exc)) from None
    return read_cells(parse_json(data, path.name), path.name)


# --- the release (trusted) ---------------------------------------------------------------

def _role(metadata: dict[str, Any]) -> str:
    nbgrader = metadata.get("nbgrader", {})
    if nbgrader.get("solution"):
        return "answer"
    if nbgrader.get("grade"):
        return "test"
    mark = metadata.get(RUN_MARK[0], {})
    return "run" if isinstance(mark, dict) and mark.get(RUN_MARK[1]) == RUN_MARK[2] else "skip"


def read_release(path: Path) -> Release:
    """The grader's own released notebook (trusted); a broken one is the grader's problem.
    Read bounded and without following links all the same: the course's copy is read too,
    to compare, and code that ran with the instructor's rights may have replaced it."""
    try:
        data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
        release = _release(path, data)
    except FileRefused as exc:
        raise ReleaseError(f"cannot read the released notebook {path}: {exc}") from None
    except (ValueError, RecursionError, AttributeError, TypeError, KeyError) as exc:
        raise ReleaseError(f"cannot read the released notebook {path}: {escape(str(exc), 200)}") from None
    if not release.ids("answer"):
        raise ReleaseError(f"the released notebook {path} has no solution cells")
    return release


def _release(path: Path, data: dict[str, Any]) -> Release:
    cells: dict[str, ReleaseCell] = {}
    for raw in data.get("cells", []):
        metadata = raw.get("metadata", {})
        grade_id = metadata.get("nbgrader", {}).get("grade_id")
        if raw.get("cell_type") == "code" and isinstance(grade_id, str):
            cells[grade_id] = ReleaseCell(grade_id, _role(metadata), _text(raw["source"]) or "", metadata["nbgrader"])
    written = tuple(raw["metadata"]["nbgrader"]["grade_id"] for raw in data.get("cells", [])
                    if raw.get("cell_type") == "markdown" and raw.get("metadata", {}).get("nbgrader", {}).get("solution"))
    return Release(path, path.parent.name, cells, data, written)


def cells_differ(release: Release, other: Release) -> str:
    """"" if `other` has the same cells as `release` (type, text, nbgrader metadata), else the
    first difference."""
    def cells(r: Release) -> list[tuple[Any, ...]]:
        return [(c.get("cell_type"), _text(c.get("source", "")), c.get("metadata", {}).get("nbgrader"))
                for c in r.notebook.get("cells", [])]

    ours, theirs = cells(release), cells(other)
    for number, (mine, yours) in enumerate(zip(ours, theirs), 1):
        if mine != yours:
            grade_id = (mine[2] or {}).get("grade_id")
            return f"cell {number}" + (f" ({grade_id})" if grade_id else "")
    return "" if len(ours) == len(theirs) else f"{len(theirs)} cells instead of {len(ours)}"


def default_release_dir() -> Path | None:
    """./assignments (run from the course directory), else the checkout this package runs from,
    else the released notebooks shipped in the package (exercises/<assignment>/, e.g. in a
    student's repository graded by GitHub Classroom)."""
    for candidate in (Path.cwd() / "assignments", Path(__file__).resolve().parent.parent / "assignments"):
        if candidate.is_dir():
            return candidate
    spec = importlib.util.find_spec("exercises")
    shipped = spec.submodule_search_locations if spec is not None else None
    return Path(list(shipped)[0]) if shipped else None


def find_release(name: str, release_dir: Path | None, assignment: str | None = None) -> Path:
    """The released notebook a file answers (of `assignment` if known): by file name, else
    the only released notebook there is (students rename their downloads)."""
    if release_dir is None or not release_dir.is_dir():
        raise ReleaseError("no released notebooks to grade notebooks against: run from the course directory "
                           "(the one with assignments/), after `nbgrader generate_assignment`")
    released = sorted(release_dir.glob(f"{assignment or '*'}/*.ipynb"))
    if not released:
        raise ReleaseError(f"no released notebooks in {release_dir}: run `nbgrader generate_assignment` first")
    named = [p for p in released if p.name == name]
    if len(named) == 1:
        return named[0]
    if len(released) == 1:
        return released[0]
    raise NotebookError(f"{escape(name, 100)}: cannot tell which assignment this notebook answers: name it like the "
                        f"released notebook ({', '.join(p.parent.name + '/' + p.name for p in released)})")


# --- the plan: which code runs ----------------------------------------------------------

def without_hidden_tests(source: str) -> str:
    """The source with nbgrader's hidden-test blocks removed (a line scan: linear)."""
    kept, hidden = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith(HIDDEN_BEGIN):
            hidden = True
        elif stripped.startswith(HIDDEN_END) and hidden:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def _changed(cell: Cell, trusted: ReleaseCell) -> list[str]:
    notes = []
    # The source notebook and nbgrader's autograded copies hold the hidden tests: not a change.
    if without_hidden_tests(cell.source).strip() != without_hidden_tests(trusted.source).strip():
        what = "the grader ignores it and runs its own checks" if trusted.role == "test" else \
            "the grader uses the released version" if trusted.role == "run" else "the grader does not run it"
        notes.append(f"cell {cell.number} (`{cell.grade_id}`) is read-only, but its code was changed: {what}")
    changed = [k for k, v in _flags(trusted.nbgrader).items() if cell.nbgrader.get(k) != v]
    if changed:
        notes.append(f"cell {cell.number} (`{cell.grade_id}`): its nbgrader metadata ({', '.join(changed)}) differs "
                     "from the released notebook: ignored, cells keep the role the released notebook gives them")
    return notes


def _capped(notes: list[str]) -> tuple[str, ...]:
    if len(notes) <= MAX_NOTES:
        return tuple(notes)
    return (*notes[:MAX_NOTES - 1], f"... and {len(notes) - MAX_NOTES + 1} more notes like these")


def _chunk(cell: Cell, code: str, mode: str) -> Chunk:
    return Chunk(code, f"<cell {cell.number}>", cell.number, mode)


def plan(cells: list[Cell], release: Release, name: str) -> tuple[list[Chunk], tuple[str, ...]]:
    """(chunks to run, notes for the student); NotebookError if it is not a submission."""
    answers = release.ids("answer")
    present = {c.grade_id for c in cells if c.grade_id is not None}
    if not present & set(answers):
        other = sorted(present - set(release.cells))
        hint = (f"it looks like a notebook of another assignment (its cells are {', '.join(other[:4])})" if other
                else "it has none of the answer cells")
        raise NotebookError(f"{escape(name, 100)} is not a submission of assignment {release.assignment!r}: {hint}. "
                            f"Submit the notebook released as {release.assignment}/{release.path.name}, with its "
                            f"answer cells ({', '.join(answers)})")
    chunks = [Chunk(release.cells[i].source, "<released setup code>", 0, "cell")
              for i in release.ids("run") if i not in present]
    notes = [f"the answer cell `{i}` is missing from the notebook: the functions it defines are not graded"
             for i in answers if i not in present]
    for cell in cells:
        trusted = release.cells.get(cell.grade_id) if cell.grade_id is not None else None
        if cell.cell_type != "code":
            continue
        if trusted is None:  # a cell the student added
            chunks.append(_chunk(cell, cell.source, "definitions"))
        elif trusted.role == "answer":
            chunks.append(_chunk(cell, cell.source, "cell"))
        else:
            notes += _changed(cell, trusted)
            if trusted.role == "run":
                chunks.append(_chunk(cell, trusted.source, "cell"))
    if sum(len(c.code) for c in chunks) > MAX_CODE_CHARS:
        raise NotebookError(f"{escape(name, 100)} holds more than {MAX_CODE_CHARS} characters of code")
    return chunks, _capped(notes)
