"""Which files are submissions, and whose: from trusted structure only.

`discover` serves `autograder grade PATH...`: every .py and .ipynb file under the paths
given, found without following links, labelled by its path relative to what was given.
`course_submissions` serves `autograder autograde`: a student is exactly a folder
`submitted/<id>/<assignment>/` at the top of nbgrader's layout, with a valid id; nothing
deeper (a `submitted/<victim>/...` folder planted inside one's own submission is just a
folder) and no link is ever taken for a student or a file.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from autograder.text import escape

SUFFIXES = (".py", ".ipynb")
# nbgrader student ids as this grader accepts them (ASCII; no path separators, no leading dot).
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}")


@dataclass(frozen=True)
class Job:
    """One submission to grade. `problem`: why it is refused without being read."""

    path: Path
    label: str  # shown in reports: a student id, or a path (escaped)
    student: str | None = None  # a valid nbgrader student id (autograde only)
    problem: str | None = None
    assignment: str | None = None  # the nbgrader assignment it answers, when the layout says


def valid_student_id(name: str) -> bool:
    return len(name) <= 64 and STUDENT_ID.fullmatch(name) is not None


def _label(path: Path, root: Path) -> str:
    return escape(path.relative_to(root).as_posix(), 200)


def _walk(root: Path) -> list[Path]:
    """Candidate files under `root`, not entering linked or hidden directories."""
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(directory) / f for f in sorted(files) if f.endswith(SUFFIXES) and not f.startswith(".")]
    return found


def discover(paths: list[Path]) -> list[Job]:
    jobs: list[Job] = []
    for p in paths:
        if p.is_dir() and not p.is_symlink():
            jobs += [Job(f, _label(f, p)) for f in _walk(p)]
        else:
            jobs.append(Job(p, escape(p.name, 200)))
    return _unique(jobs)


def _unique(jobs: list[Job]) -> list[Job]:
    """Same labels (same names in different arguments) are kept apart."""
    seen: dict[str, int] = {}
    out = []
    for job in jobs:
        n = seen.get(job.label, 0)
        seen[job.label] = n + 1
        out.append(job if n == 0 else Job(job.path, f"{job.label}#{n + 1}"))
    return out


def _what(path: Path) -> str | None:
    """None for a real directory; else what it is instead (never following a link)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISDIR(mode):
        return None
    return "a symbolic link" if stat.S_ISLNK(mode) else "not a directory"


@dataclass(frozen=True)
class Refused:
    """An entry of submitted/ that is nobody's submission (shown in the summary only)."""

    label: str
    reason: str


def course_submissions(submitted: Path, assignment: str, notebook: str) -> tuple[list[Job], list[Refused]]:
    """One job per student who has a `submitted/<id>/<assignment>/` folder, in id order."""
    jobs: list[Job] = []
    refused: list[Refused] = []
    if _what(submitted) is not None:
        return jobs, refused
    for name in sorted(os.listdir(submitted)):
        if name.startswith("."):
            continue
        if not valid_student_id(name):
            refused.append(Refused(escape(name, 100), "not a valid student id (letters, digits and _.@+- only)"))
            continue
        folder = submitted / name / assignment
        problem = _what(submitted / name)
        if problem is None:
            problem = _what(folder)
            if problem == "missing":
                continue  # no submission of this assignment
            problem = None if problem is None else f"submitted/{name}/{assignment} is {problem}"
        else:
            problem = f"submitted/{name} is {problem}"
        if problem is not None:
            problem += ": refused (a submission is a folder holding the notebook)"
        jobs.append(Job(folder / notebook, name, name, problem, assignment))
    return jobs, refused
