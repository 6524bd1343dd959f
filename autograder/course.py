"""Finding the assignments: each is a package of declarations (exercises/<assignment>/) whose
`ASSIGNMENT` lists its exercises.

By default they come from the installed `exercises` package (what students install with
the engine: public parts only). `$AUTOGRADER_EXERCISES` (or the commands' --exercises)
names another folder of assignment packages, e.g. a course's own, or one being written:
declarations are the instructors' code and are imported like the engine.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import pkgutil
import sys
import types
from pathlib import Path

from autograder.spec import Assignment
from autograder.text import label

EXERCISES_ENV = "AUTOGRADER_EXERCISES"


class CourseError(Exception):
    """No such assignment or exercise, or a declaration that does not load."""


def _package(root: Path | None) -> str:
    """The package whose subpackages are the assignments."""
    if root is None:
        return "exercises"
    name = "autograder_exercises_" + hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    if name not in sys.modules:  # a namespace package over the folder, so relative imports work
        module = types.ModuleType(name)
        module.__path__ = [str(root.resolve())]
        sys.modules[name] = module
    return name


def exercises_root(given: Path | None = None) -> Path | None:
    configured = os.environ.get(EXERCISES_ENV)
    return given or (Path(configured) if configured else None)


def assignments(root: Path | None = None) -> dict[str, Assignment]:
    """Every assignment, by name, in a stable order."""
    package = _package(exercises_root(root))
    try:
        parent = importlib.import_module(package)
    except ImportError as exc:
        raise CourseError(f"no exercises to grade: {exc}") from None
    found: dict[str, Assignment] = {}
    for info in sorted(pkgutil.iter_modules(parent.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"{package}.{info.name}")
        except Exception as exc:  # noqa: BLE001 - a broken declaration is named, not a traceback
            raise CourseError(f"the assignment {info.name!r} does not load: {type(exc).__name__}: {exc}") from None
        assignment = getattr(module, "ASSIGNMENT", None)
        if isinstance(assignment, Assignment):
            found[assignment.name] = assignment
    return found


def assignment(name: str | None, root: Path | None = None) -> Assignment:
    """The named assignment, or the only one there is."""
    found = assignments(root)
    if name is None and len(found) == 1:
        return next(iter(found.values()))
    if name in found:
        return found[name]
    known = ", ".join(found) or "none"
    raise CourseError(f"no assignment {name!r} (known: {known})" if name else
                      f"several assignments ({known}): say which with --assignment")


def assignments_for(name: str | None, files: list[Path], root: Path | None = None) -> list[Assignment]:
    """The assignment each file answers: the named one, else the only one installed, else the
    one the file is named after (backprop.ipynb, units.py: the release's names; file names
    only, never contents), so that a batch may mix assignments. Raises CourseError."""
    found = assignments(root)
    if name is not None or len(found) <= 1 or not files:
        return [assignment(name, root)] * len(files)
    per_file = [next((a for a in found.values() if f.name in (a.notebook_name, f"{a.name}.py")), None)
                for f in files]
    unnamed = [f.name for f, a in zip(files, per_file) if a is None]
    if unnamed:
        names = ", ".join(label(n) for n in unnamed[:3]) + (f" and {len(unnamed) - 3} more" if len(unnamed) > 3 else "")
        release = ", ".join(f"{a.notebook_name} or {a.name}.py" for a in found.values())
        raise CourseError(f"several assignments ({', '.join(found)}) and {names} named after none of them: "
                          f"say which with --assignment, or name each file like its release ({release})")
    return [a for a in per_file if a is not None]


def markdown_table(assignment: Assignment) -> str:
    """An assignment's exercises as the README shows them (a test keeps the README in sync)."""
    rows = ["| exercise | students write | what | test cases (public) | points |", "|---|---|---|---|---|"]
    for ex in assignment.exercises:
        functions = ", ".join(f"`{f}`" for g in ex.groups() for f in g.functions)
        what, cases = ex.summary()
        rows.append(f"| `{ex.name}` | {functions} | {what} | {cases} | {sum(c.points for c in ex.checks()):g} |")
    return "\n".join(rows)


def exercise_of(name: str, root: Path | None = None) -> tuple[Assignment, object]:
    """The assignment holding the exercise `name` (exercise names are unique in a course)."""
    for a in assignments(root).values():
        for ex in a.exercises:
            if ex.name == name:
                return a, ex
    raise CourseError(f"no exercise {name!r}")


if __name__ == "__main__":
    for found in assignments().values():
        print(f"<!-- exercises:{found.name}:begin -->\n{markdown_table(found)}\n<!-- exercises:{found.name}:end -->\n")
