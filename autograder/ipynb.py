"""A submitted notebook -> the Python source the grader runs, trusting only the release.

Cells are identified by their nbgrader grade_id and given the role that the *released*
notebook (assignments/<assignment>/, the grader's own copy) gives that id; a submission's
metadata is trusted for nothing else. What runs, in the submission's order:

- answer cells (solution cells in the release): the student's code, whole;
- read-only cells the release marks `"autograder": {"grading": "run"}` (the imports): the
  release's source, whatever the submission holds there (missing ones are put back on top);
- cells the student added: only their imports, function and class definitions and
  assignments of constants, so exploration, plots and training runs do not run;
- nothing else: test cells, the cell importing the checks, the closing training cell,
  markdown. The grader runs its own checks, so an edited test cell changes nothing.

Each cell runs on its own, as in Jupyter: an error (even a syntax error) stops that cell,
not the notebook, and the message reaches the student through the report. IPython magics
and `!` shell lines are not run. Line numbers are kept, so messages can say "cell 7, line 3".
"""
from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder import pyparse
from autograder.expected import GraderError
from autograder.submission import CellSpan, Submission, SubmissionError, nbgrader_folder

RUN_MARK = ("autograder", "grading", "run")  # metadata.autograder.grading == "run" in the release
MAX_BYTES = 50 * 1024 * 1024  # notebooks with plots are a few MB; beyond this, refuse to parse
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # cell magics whose body is Python
FAILED = "_autograder_cell_failed"  # defined by _PREAMBLE


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

    def ids(self, role: str) -> list[str]:
        return [c.grade_id for c in self.cells.values() if c.role == role]


@dataclass(frozen=True)
class Cell:
    """One cell of a submission, as read (untrusted)."""

    number: int  # 1-based position in the notebook, markdown included: what the student counts
    cell_type: str
    source: str
    grade_id: str | None
    nbgrader: dict[str, Any]


# --- reading notebooks -----------------------------------------------------------------

def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def _cells(data: Any, name: str) -> list[Cell]:
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        old = isinstance(data, dict) and "worksheets" in data
        raise SubmissionError(f"{name} is not a Jupyter notebook (it has no list of cells)"
                              + ("; it is in the old nbformat 3: open and save it in a current Jupyter" if old else ""))
    cells = []
    for number, raw in enumerate(data["cells"], 1):
        source = _text(raw.get("source")) if isinstance(raw, dict) else None
        if source is None or not isinstance(raw.get("cell_type"), str):
            raise SubmissionError(f"{name}: cell {number} is malformed (no cell type or no source text)")
        metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader.get("grade_id"), str) else None
        cells.append(Cell(number, raw["cell_type"], source, grade_id, nbgrader))
    return cells


def read_cells(path: Path) -> list[Cell]:
    """The cells of an untrusted notebook; SubmissionError for anything that is not one."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SubmissionError(f"{path.name} is larger than {MAX_BYTES // 2**20} MB: clear the outputs and submit again")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SubmissionError(f"cannot read {path.name}: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise SubmissionError(f"{path.name} is not a valid notebook: it is not valid JSON ({exc})") from None
    return _cells(data, path.name)


def _role(metadata: dict[str, Any]) -> str:
    nbgrader = metadata.get("nbgrader", {})
    if nbgrader.get("solution"):
        return "answer"
    if nbgrader.get("grade"):
        return "test"
    mark = metadata.get(RUN_MARK[0], {})
    return "run" if isinstance(mark, dict) and mark.get(RUN_MARK[1]) == RUN_MARK[2] else "skip"


def read_release(path: Path) -> Release:
    """The grader's own released notebook (trusted); a broken one is the grader's problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GraderError(f"cannot read the released notebook {path}: {exc}") from None
    cells: dict[str, ReleaseCell] = {}
    for raw in data.get("cells", []):
        metadata = raw.get("metadata", {})
        grade_id = metadata.get("nbgrader", {}).get("grade_id")
        if raw.get("cell_type") == "code" and isinstance(grade_id, str):
            cells[grade_id] = ReleaseCell(grade_id, _role(metadata), _text(raw["source"]) or "", metadata["nbgrader"])
    release = Release(path, path.parent.name, cells)
    if not release.ids("answer"):
        raise GraderError(f"the released notebook {path} has no solution cells")
    return release


# --- which release ---------------------------------------------------------------------

def default_release_dir() -> Path | None:
    """./assignments (run from the course directory), else the checkout this package runs from."""
    for candidate in (Path.cwd() / "assignments", Path(__file__).resolve().parent.parent / "assignments"):
        if candidate.is_dir():
            return candidate
    return None


def find_release(path: Path, release_dir: Path | None) -> Path:
    """The released notebook a submission answers: by the nbgrader layout, else by file
    name, else the only released notebook there is (students rename their downloads)."""
    if release_dir is None or not release_dir.is_dir():
        raise GraderError("no released notebooks to grade notebooks against: run from the course directory "
                          "(the one with assignments/), after `nbgrader generate_assignment`")
    released = sorted(release_dir.glob("*/*.ipynb"))
    if not released:
        raise GraderError(f"no released notebooks in {release_dir}: run `nbgrader generate_assignment` first")
    folder = nbgrader_folder(path)
    if folder is not None:
        assignment = folder.name
        in_assignment = [p for p in released if p.parent.name == assignment]
        named = [p for p in in_assignment if p.name == path.name]
        if named or len(in_assignment) == 1:
            return (named or in_assignment)[0]
    named = [p for p in released if p.name == path.name]
    if len(named) == 1:
        return named[0]
    if len(released) == 1:
        return released[0]
    raise SubmissionError(f"{path.name}: cannot tell which assignment this notebook answers: name it like the "
                          f"released notebook ({', '.join(p.parent.name + '/' + p.name for p in released)})")


# --- IPython syntax --------------------------------------------------------------------

_ASSIGNED_MAGIC = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!]")


def _parses(code: str) -> bool:
    try:
        pyparse.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _is_ipython_line(line: str) -> bool:
    s = line.strip()
    if not s or s.startswith("#"):
        return False
    return s[0] in "%!?" or bool(_ASSIGNED_MAGIC.match(s)) or s.endswith("?")


def strip_magics(code: str) -> str:
    """IPython syntax -> Python with the same line numbers: a magic or shell line becomes
    `pass` (so it can sit in a block), a cell magic with a non-Python body empties the cell.
    Only a cell that is not valid Python is touched."""
    if _parses(code):
        return code
    lines = code.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = (lines[first].lstrip()[2:].split() or [""])[0]
        if name not in PYTHON_CELL_MAGICS:
            return "\n" * (len(lines) - 1)  # %%bash, %%html, %%writefile...: not Python
        lines[first] = "pass"
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if _is_ipython_line(line) else line
                     for line in lines)


# --- cells the student added -----------------------------------------------------------

# Imports an added cell does not need for grading: the checks themselves (a copied
# `from autograder.notebook import check`) and display-only libraries (slow, and noisy
# without a display). An answer cell runs whole, imports included.
SKIPPED_IMPORTS = {"autograder", "matplotlib", "seaborn", "plotly", "IPython", "ipywidgets"}


def _skipped_import(node: ast.Import | ast.ImportFrom) -> bool:
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    return any(n.split(".")[0] in SKIPPED_IMPORTS for n in names)


def _is_constant(value: ast.expr) -> bool:
    if isinstance(value, (ast.Lambda, ast.Name)):
        return True
    if isinstance(value, ast.Attribute):  # e.g. sigmoid = scipy.special.expit
        return _is_constant(value.value)
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False
    return True


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return not _skipped_import(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets) and _is_constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.value is not None and _is_constant(node.value)
    return False


def definitions_only(code: str) -> str:
    """The cell's top-level imports and definitions, other lines blanked (numbers kept)."""
    tree = pyparse.parse(code)
    lines = code.split("\n")
    for node in tree.body:
        if not _is_definition(node):
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            for i in range(start - 1, node.end_lineno or start):
                lines[i] = ""
    return "\n".join(lines)


def _blank_future_imports(code: str) -> str:
    """`from __future__` must open a module; inside the per-cell `try` it cannot stand."""
    tree = pyparse.parse(code)
    lines = code.split("\n")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for i in range(node.lineno - 1, node.end_lineno or node.lineno):
                lines[i] = ""
    return "\n".join(lines)


# --- one cell, on its own --------------------------------------------------------------

def _string_rows(code: str) -> set[int]:
    """Rows (1-based) that continue a multi-line string: indenting them would change it."""
    rows: set[int] = set()
    fstring_starts: list[int] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            kind = tokenize.tok_name[tok.type]
            if kind == "FSTRING_START":
                fstring_starts.append(tok.start[0])
            elif kind == "FSTRING_END":
                rows.update(range(fstring_starts.pop() + 1, tok.end[0] + 1))
            elif kind == "STRING" and tok.end[0] > tok.start[0]:
                rows.update(range(tok.start[0] + 1, tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError, IndexError):
        pass
    return rows


def _wrapped(code: str, number: int) -> str:
    """The cell in a try block: an error stops this cell only, as in Jupyter."""
    inside = _string_rows(code)
    body = [line if (row in inside or not line.strip()) else "    " + line
            for row, line in enumerate(code.split("\n"), 1)]
    return "\n".join([f"try:  # cell {number}", *body, "    pass",
                      "except (Exception, SystemExit) as _autograder_error:",
                      f"    {FAILED}({number}, _autograder_error)"])


def _syntax_note(exc: SyntaxError, number: int) -> str:
    where = f"line {exc.lineno}: {(exc.text or '').strip()}\n" if exc.lineno else ""
    return f"cell {number} was not run: it is not valid Python:\n  {where}  {type(exc).__name__}: {exc.msg}"


def cell_code(code: str, number: int, filename: str) -> tuple[str, int]:
    """(Python for this cell, offset of the cell's first line within it)."""
    try:
        code = _blank_future_imports(code)
        wrapped = _wrapped(code, number)
        compile(wrapped, filename, "exec", dont_inherit=True)
        return wrapped, 1
    except SyntaxError as exc:
        # The message is about the student's cell, so compile the cell itself for it.
        try:
            compile(code, filename, "exec", dont_inherit=True)
            note = f"cell {number} was not run: {type(exc).__name__}: {exc.msg}"
        except SyntaxError as own:
            note = _syntax_note(own, number)
        return f"{FAILED}({number}, None, {note!r})", 0
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"{FAILED}({number}, None, {f'cell {number} was not run: {type(exc).__name__}'!r})", 0


# --- the whole notebook ----------------------------------------------------------------

_PREAMBLE = """\
# The grader runs your notebook's code cells from here on; see autograder/ipynb.py for which.
def _autograder_cell_failed(cell, error, note=None):
    import traceback

    if error is None:
        print(note)
        return

    name = f"cell {cell}" if cell else "the released setup code"
    print(f"{name} stopped with an error (the cells after it still ran, as in Jupyter):")
    for frame in [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__][-3:]:
        print(f"  line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}")  # reported as "cell N, line L"
    print(f"{type(error).__name__}: {error}")


def display(*objects, **kwargs):  # IPython's built-in; nothing is shown while grading
    return None


def check(*args, **kwargs):  # the notebook's in-kernel check; the grader runs its own
    return 0.0
"""


@dataclass(frozen=True)
class Plan:
    """What runs: (cell number, code) in order, plus notes for the student."""

    parts: list[tuple[int, str]]
    notes: list[str]


_HIDDEN_TESTS = re.compile(r"(?ms)^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?")


def _changed(cell: Cell, trusted: ReleaseCell) -> list[str]:
    notes = []
    # The source notebook and nbgrader's autograded copies hold the hidden tests: not a change.
    if _HIDDEN_TESTS.sub("", cell.source).strip() != trusted.source.strip():
        what = "the grader ignores it and runs its own checks" if trusted.role == "test" else \
            "the grader uses the released version" if trusted.role == "run" else "the grader does not run it"
        notes.append(f"cell {cell.number} (`{cell.grade_id}`) is read-only, but its code was changed: {what}")
    changed = [k for k in ("grade", "solution", "points") if cell.nbgrader.get(k) != trusted.nbgrader.get(k)]
    if changed:
        notes.append(f"cell {cell.number} (`{cell.grade_id}`): its nbgrader metadata ({', '.join(changed)}) differs "
                     "from the released notebook: ignored, cells keep the role the released notebook gives them")
    return notes


def plan(cells: list[Cell], release: Release, name: str) -> Plan:
    answers = release.ids("answer")
    present = {c.grade_id for c in cells if c.grade_id is not None}
    if not present & set(answers):
        other = sorted(present - set(release.cells))
        hint = (f"it looks like a notebook of another assignment (its cells are {', '.join(other[:4])})" if other
                else "it has none of the answer cells")
        raise SubmissionError(f"{name} is not a submission of assignment {release.assignment!r}: {hint}. Submit the "
                              f"notebook released as {release.assignment}/{release.path.name}, with its answer cells "
                              f"({', '.join(answers)})")
    parts: list[tuple[int, str]] = [(0, release.cells[i].source) for i in release.ids("run") if i not in present]
    notes = [f"the answer cell `{i}` is missing from the notebook: the functions it defines are not graded"
             for i in answers if i not in present]
    for cell in cells:
        if cell.cell_type != "code":
            continue
        trusted = release.cells.get(cell.grade_id) if cell.grade_id is not None else None
        if trusted is None:  # a cell the student added
            code = strip_magics(cell.source)
            parts.append((cell.number, definitions_only(code) if _parses(code) else ""))
        elif trusted.role == "answer":
            parts.append((cell.number, strip_magics(cell.source)))
        else:
            notes += _changed(cell, trusted)
            if trusted.role == "run":
                parts.append((cell.number, trusted.source))
    return Plan(parts, notes)


def to_submission(path: Path, release_dir: Path | None = None) -> Submission:
    """Load a notebook submission: SubmissionError if it is not one the student can fix,
    GraderError if the grader has no release to trust."""
    cells = read_cells(path)
    release = read_release(find_release(path, release_dir or default_release_dir()))
    p = plan(cells, release, path.name)
    chunks, spans, line = [], [], _PREAMBLE.count("\n") + 1
    for number, code in p.parts:
        text, offset = cell_code(code, number, path.name)
        if number and offset:
            spans.append(CellSpan(line + offset, line + offset + code.count("\n"), number))
        chunks.append(text)
        line += text.count("\n") + 1
    source = _PREAMBLE + "\n".join(chunks) + "\n"
    return Submission(path.name, path, source, cells=tuple(spans), notes=tuple(p.notes))
