"""Instructor tools: the course notebooks, generated from the declarations and the reference.

    python -m tools.course                       # rewrite solutions/ and assignments/ of every assignment
    python -m tools.course --check               # exit 1 if any is out of date (the tests check this)
    python -m tools.course --assignment backprop # only one

An assignment's solution notebook (nbgrader's source) is built from its declarations
(exercises/<assignment>/: prose in markdown files, the checks' points, the stubs'
docstrings) and its reference (reference/<assignment>/: the code of the solution cells),
so nothing is typed twice. The release in assignments/ is what `nbgrader
generate_assignment` makes of it, run in a scratch course directory and normalised (the
committed copy is what students download).
"""
from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.spec import grade_cell_id

ROOT = Path(__file__).resolve().parent.parent
Notebook = dict[str, Any]
CHECKER = """\
# The checks behind the test cells come from the course's `autograder` package (no answers
# in it). Install it once, in the environment this notebook runs in (see the top of the notebook):
#     %pip install ../{wheel}
try:
    from autograder import __version__
    from autograder.notebook import check
except ImportError as exc:
    print(f"The course's checks are not installed in this notebook's environment ({{exc}}).\\n"
          "Run `%pip install ../{wheel}` in a new cell (the wheel is in the course's assignments/ folder),\\n"
          "then Kernel > Restart Kernel and run the notebook from the top. Until then the test cells check nothing.")

    def check(exercise, group, namespace, reference=False):
        print("not checked: the course's `autograder` package is not installed (see the second code cell)")
        return 0
else:
    if __version__ != "{version}":
        print(f"This notebook was written for autograder {version}; this environment has {{__version__}}: "
              "run `%pip install --force-reinstall ../{wheel}`, then restart the kernel.")"""


# --- the reference's code, for the solution cells --------------------------------------

@dataclass(frozen=True)
class RefFunction:
    name: str
    body: list[str]  # statements after the docstring, as written (comments kept)
    helpers: list[str]  # private functions of the reference package it calls, whole


def _functions(path: Path) -> tuple[list[str], dict[str, ast.FunctionDef]]:
    text = path.read_text()
    return text.splitlines(), {n.name: n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}


def reference_functions(assignment: str, reference: Path) -> dict[str, RefFunction]:
    """Every function of reference/<assignment>/*.py, with the private helpers it calls."""
    modules = [_functions(p) for p in sorted((reference / assignment).glob("*.py"))]
    private = {name: lines[node.lineno - 1: node.end_lineno] for lines, defs in modules
               for name, node in defs.items() if name.startswith("_")}
    out = {}
    for lines, defs in modules:
        for name, node in defs.items():
            first = node.body[0]
            body = node.body[1:] if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else node.body
            called = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            helpers = [line for h in sorted(called) if h in private for line in [*private[h], ""]]
            out[name] = RefFunction(name, lines[body[0].lineno - 1: node.end_lineno], helpers)
    return out


# --- cells -----------------------------------------------------------------------------

def _markdown(cell_id: str, text: str, nbgrader: dict | None = None) -> dict:
    metadata = {} if nbgrader is None else {"nbgrader": {"grade_id": cell_id, "locked": False, "schema_version": 3,
                                                          "task": False, **nbgrader}}
    return {"cell_type": "markdown", "id": cell_id, "metadata": metadata, "source": text}


def _code(cell_id: str, text: str, nbgrader: dict | None = None, run: bool = False) -> dict:
    metadata: dict[str, Any] = {}
    if nbgrader is not None:
        metadata["nbgrader"] = {"grade": False, "grade_id": cell_id, "locked": False, "schema_version": 3,
                                "solution": False, "task": False, **nbgrader}
    if run:
        metadata["autograder"] = {"grading": "run"}  # the grader runs this read-only cell (ipynb.py)
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": metadata, "outputs": [],
            "source": text}


def sections(text: str) -> dict[str, str]:
    """A prose file's sections: `<!-- name -->` starts one."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("<!--") and stripped.endswith("-->"):
            current = stripped[4:-3].strip()
            out[current] = []
        else:
            out.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def _param_table(exercise: Any) -> str:
    rows = ["| parameter | shape |", "|---|---|"]
    rows += [f"| `params[\"{p.name}\"]` | {'scalar (a Python float)' if p.is_scalar else '(' + ', '.join(map(str, p.symbols)) + ')'} |"
             for p in exercise.params]
    return "\n".join(rows)


def _solution(exercise: Any, ref: RefFunction) -> str:
    body = [textwrap.indent(line, "    ") for line in ref.helpers] + ref.body
    return "\n".join([exercise.signature(ref.name), textwrap.indent(exercise.docstring(ref.name), "    "),
                      "    ### BEGIN SOLUTION", *body, "    ### END SOLUTION"])


def _test(exercise: Any, group: str) -> str:
    where = [f"# on the test cases {exercise.summary()[1]}."] if group in ("forward", "backward") else []
    return "\n".join([
        f"# Checks {exercise.what_is_checked(group)}" + ("," if where else "."),
        *where,
        f'score = check("{exercise.name}", "{group}", globals())',
        "### BEGIN HIDDEN TESTS",
        f'score = check("{exercise.name}", "{group}", globals(), reference=True)',
        "### END HIDDEN TESTS",
        "score",
    ])


def _group_points(exercise: Any) -> dict[str, float]:
    points: dict[str, float] = {}
    for check in exercise.checks():
        points[check.group] = points.get(check.group, 0.0) + check.points
    return points


def _derivation_cells(exercise: Any, prose: dict[str, str], reference: Path, assignment: str) -> list[dict]:
    """The prompt and a markdown answer cell graded by hand (its model answer, in the
    solutions only, is reference/<assignment>/derivations/<exercise>.md)."""
    if not exercise.derivation_points:
        return []
    answer = (reference / assignment / "derivations" / f"{exercise.name}.md").read_text(encoding="utf-8").strip()
    points = f"{exercise.derivation_points:g} point" + ("" if exercise.derivation_points == 1 else "s")
    return [_markdown(f"{exercise.name}_derivation_text", prose["derivation"].replace("__POINTS__", points)),
            _markdown(f"{exercise.name}_derivation", answer,
                      {"solution": True, "grade": True, "points": exercise.derivation_points})]


def _after_cells(exercise: Any, prose: dict[str, str], assignment: Any) -> list[dict]:
    """What follows an exercise (e.g. training the model just written): prose and a
    read-only code cell that is not graded."""
    if "after" not in prose:
        return []
    return [_markdown(f"{exercise.name}_after_text", prose["after"]),
            _code(f"{exercise.name}_after", assignment.prose(f"{exercise.name}_after.txt"), {"locked": True})]


def exercise_cells(number: int, exercise: Any, assignment: Any, refs: dict[str, RefFunction],
                   reference: Path) -> list[dict]:
    prose = sections(assignment.prose(f"{exercise.name}.md"))
    intro = prose["intro"].replace("__TABLE__", _param_table(exercise))
    notes = f"\n\n*Course notes: {exercise.notes}.*" if exercise.notes else ""
    cells = [_markdown(f"{exercise.name}_text", f"## {number}. {exercise.title}{notes}\n\n{intro}")]
    points = _group_points(exercise)
    for group in exercise.groups():
        if f"before {group.name}" in prose:
            cells.append(_markdown(f"{exercise.name}_hints" if group.name == "backward" else
                                   f"{exercise.name}_{group.name}_text", prose[f"before {group.name}"]))
        if group.name == "backward":
            cells += _derivation_cells(exercise, prose, reference, assignment.name)
        if group.functions:  # a group of checks on functions written earlier has no answer cell
            code = "\n\n\n".join(_solution(exercise, refs[f]) for f in group.functions)
            cells.append(_code(grade_cell_id(exercise.name, group.name) + "_code", code, {"solution": True}))
        cells.append(_code(grade_cell_id(exercise.name, group.name), _test(exercise, group.name),
                           {"grade": True, "locked": True, "points": points[group.name]}))
    return cells + _after_cells(exercise, prose, assignment)


def _points_text(assignment: Any) -> str:
    def points(ex: Any) -> str:
        checks = f"{sum(c.points for c in ex.checks()):g}"
        return checks + (f" + {ex.derivation_points:g} for the derivation" if ex.derivation_points else "")

    totals = ", ".join(f"{ex.title[0].lower()}{ex.title[1:]} {points(ex)}" for ex in assignment.exercises)
    manual = assignment.manual_points()
    return f"{totals}: {assignment.max_points():g} from the checks" + (
        f" and {manual:g} for the written derivations, graded by hand" if manual else "")


def solutions_notebook(assignment: Any, reference: Path = ROOT / "reference") -> Notebook:
    refs = reference_functions(assignment.name, reference)
    import autograder

    cells = [
        _markdown("intro", assignment.prose("intro.md").replace("__POINTS__", _points_text(assignment))
                  .replace("__WHEEL__", wheel_name()) + "\n"),
        _code("setup", assignment.setup, {"locked": True}, run=True),
        _code("checker", CHECKER.format(wheel=wheel_name(), version=autograder.__version__), {"locked": True}),
    ]
    for number, ex in enumerate(assignment.exercises, 1):
        cells += exercise_cells(number, ex, assignment, refs, reference)
    if (assignment.folder / "closing.md").is_file():
        cells += [_markdown("train_text", assignment.prose("closing.md")),
                  _code("train", assignment.prose("closing_cell.txt"), {"locked": True})]
    if (assignment.folder / "next.md").is_file():
        cells.append(_markdown("next", assignment.prose("next.md")))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# --- files -----------------------------------------------------------------------------

def dumps(nb: Notebook) -> str:
    """As Jupyter and nbgrader write notebooks, so that running either leaves no diff."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(nb), version=4) + "\n"


def normalise(nb: Notebook) -> Notebook:
    """What may differ between two runs of nbgrader on the same source: nothing is kept but
    cell type, id, source and metadata (outputs are empty in a release anyway)."""
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return out


def venv_env() -> dict[str, str]:
    """The environment with this interpreter's bin/ first on PATH: nbgrader runs `alembic`
    from PATH (as if the virtualenv were activated). The checkout's own packages come first
    on PYTHONPATH, so that processes started from a scratch directory (nbgrader, its
    kernels, the grader) run this tree's code, not a copy installed earlier."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def generate_release(into: Path, name: str, solutions: Path, config: Path = ROOT / "nbgrader_config.py") -> Path:
    """Run `nbgrader generate_assignment` on `solutions` in a scratch course directory under
    `into` (configured by the course's nbgrader_config.py); returns the release folder."""
    course = into / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(config, course)
    shutil.copytree(solutions, course / "solutions" / name)
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"],
                          cwd=course, capture_output=True, text=True, env=venv_env())
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stdout}\n{proc.stderr}")
    return course / "assignments" / name


def expected_files(assignment: Any, course_dir: Path = ROOT, reference: Path | None = None) -> dict[Path, str]:
    """Every generated file of one assignment (path relative to the course directory) and
    its content."""
    solutions = Path("solutions") / assignment.name
    notebook = solutions_notebook(assignment, reference or course_dir / "reference")
    files = {solutions / assignment.notebook_name: dumps(notebook)}
    files |= {solutions / rel: make() for rel, make in assignment.files.items()}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for rel, content in files.items():
            (src / rel.relative_to(solutions)).parent.mkdir(parents=True, exist_ok=True)
            (src / rel.relative_to(solutions)).write_text(content)
        release = generate_release(Path(tmp), assignment.name, src, course_dir / "nbgrader_config.py")
        for path in sorted(p for p in release.rglob("*") if p.is_file()):
            rel = Path("assignments") / assignment.name / path.relative_to(release)
            text = path.read_text()
            files[rel] = dumps(normalise(json.loads(text))) if path.suffix == ".ipynb" else text
    return files


# --- filling a notebook from a .py (tests, converting old submissions) ------------------

def fill(notebook: Notebook, source: str) -> Notebook:
    """`notebook` with each answer cell's functions replaced by the functions of the same
    names in `source` (a .py submission); the rest of the .py (imports, helpers) goes at the
    top of the first answer cell."""
    tree = ast.parse(source)
    lines = source.splitlines()
    chunks = {}
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        chunks.setdefault(getattr(node, "name", None), []).append("\n".join(lines[start - 1: node.end_lineno]))
    out = copy.deepcopy(notebook)
    answers = [c for c in out["cells"]
               if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    used: set[str] = set()
    for cell in answers:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        names = [n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)]
        cell["source"] = "\n\n\n".join(code for n in names for code in chunks.get(n, []))
        used.update(names)
    rest = [code for name, codes in chunks.items() if name not in used for code in codes]
    answers[0]["source"] = "\n\n\n".join([*rest, answers[0]["source"]])
    return out


def answer_cell(nb: Notebook, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


# --- the public inputs' expected values, shipped so the notebooks' checks need no torch --

def stale_public_values(assignment: Any, write: bool) -> list[str]:
    """Exercises whose shipped expected values are missing or out of date (rewritten when
    `write`): computed here with torch and the oracles, on the public inputs."""
    from autograder.expected import Oracles, public_store

    shipped = public_store(assignment)
    stale = [ex.name for ex in assignment.exercises if shipped.load(ex.name) is None]
    if write:
        oracles = Oracles()
        writable = dataclasses.replace(shipped, writable=True)
        for name in stale:
            writable.save(name, oracles.expected(assignment.exercise(name)))
    return [f"{shipped.folder.relative_to(ROOT) if shipped.folder.is_relative_to(ROOT) else shipped.folder}/{n}.npz"
            for n in stale]


def stale_release_copy(assignment: Any, course_dir: Path, write: bool) -> list[Path]:
    """The released notebook, copied into the package (exercises/<name>/): `autograder
    check` reads a student's notebook against it, on a machine with only the wheel."""
    release = course_dir / "assignments" / assignment.name / assignment.notebook_name
    copy_ = assignment.folder / assignment.notebook_name
    if release.is_file() and copy_.is_file() and copy_.read_bytes() == release.read_bytes():
        return []
    if write:
        shutil.copyfile(release, copy_)
    return [copy_]


# --- the wheel students install, shipped next to the released notebooks -----------------

def wheel_name() -> str:
    import autograder

    return f"backprop_autograder-{autograder.__version__}-py3-none-any.whl"


def build_wheel(into: Path, root: Path = ROOT) -> Path:
    """The package (autograder/ and exercises/ only: never reference/ or solutions/), built
    offline from a clean copy of the sources, reproducibly."""
    from autograder.wheel import build_from_source

    return build_from_source(root, into)


def stale_wheel(course_dir: Path, write: bool) -> list[Path]:
    """assignments/<wheel>: what the notebooks' install cell installs."""
    shipped = course_dir / "assignments" / wheel_name()
    with tempfile.TemporaryDirectory() as tmp:
        built = build_wheel(Path(tmp))
        if shipped.is_file() and shipped.read_bytes() == built.read_bytes():
            return []
        if write:
            for old in shipped.parent.glob("backprop_autograder-*.whl"):
                old.unlink()
            shutil.copyfile(built, shipped)
    return [shipped.relative_to(course_dir)]


# --- command line ----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    from autograder import course

    parser = argparse.ArgumentParser(prog="python -m tools.course", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date (exit 1)")
    parser.add_argument("--assignment", help="only this assignment (default: every one)")
    parser.add_argument("--exercises", type=Path, help="a folder of assignment declarations (default: the installed ones)")
    parser.add_argument("--course-dir", type=Path, default=ROOT, help="where solutions/ and assignments/ go (default: here)")
    args = parser.parse_args(argv)
    stale = []
    chosen = [course.assignment(args.assignment, args.exercises)] if args.assignment else \
        list(course.assignments(args.exercises).values())
    for assignment in chosen:
        for rel, content in expected_files(assignment, args.course_dir).items():
            path = args.course_dir / rel
            if not path.is_file() or path.read_text() != content:
                stale.append(rel)
                if not args.check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(content)
        stale += stale_release_copy(assignment, args.course_dir, write=not args.check)
        stale += stale_public_values(assignment, write=not args.check)
    if not args.assignment:
        stale += stale_wheel(args.course_dir, write=not args.check)
    for rel in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {rel}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
