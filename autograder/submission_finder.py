"""Which file of an upload is the submission (Gradescope's /autograder/submission).

Students upload a notebook, a .py file, a zip's contents or a repository: the submission is
the file named as the assignment's notebook (or its .py twin), else the only .py/.ipynb
there is. Nothing is followed or opened here: links, hidden folders (.git,
.ipynb_checkpoints) and __pycache__ are skipped, and the walk stops after a bounded number
of entries, so an upload of a million files costs the grader nothing but a message.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from autograder.spec import Assignment
from autograder.text import escape

SUFFIXES = (".py", ".ipynb")
MAX_ENTRIES = 5000  # entries looked at in the whole upload
MAX_DEPTH = 8
SHOWN = 5  # candidates named in a message


@dataclass(frozen=True)
class Found:
    """The submission (path) or why there is none (problem, for the student)."""

    path: Path | None
    label: str
    problem: str | None = None


def _candidates(root: Path) -> tuple[list[Path], bool]:
    """Regular .py/.ipynb files under root (not following links), and whether the walk was cut."""
    found: list[Path] = []
    seen = 0
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                return found, True
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode) and depth < MAX_DEPTH:
                stack.append((Path(entry.path), depth + 1))
            elif (stat.S_ISREG(mode) or stat.S_ISLNK(mode)) and entry.name.endswith(SUFFIXES):
                found.append(Path(entry.path))  # a link is refused, with a message, when it is read
    return sorted(found), False


def _label(path: Path, root: Path) -> str:
    return escape(path.relative_to(root).as_posix(), 200)


def _listing(paths: list[Path], root: Path) -> str:
    shown = ", ".join(_label(p, root) for p in paths[:SHOWN])
    return shown + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")


def find_submission(root: Path, assignment: Assignment) -> Found:
    expected = assignment.notebook_name
    names = {expected, Path(expected).stem + ".py"}
    candidates, cut = _candidates(root)
    named = [p for p in candidates if p.name in names]
    chosen = named if named else candidates
    if len(chosen) == 1:
        return Found(chosen[0], _label(chosen[0], root))
    ask = f"submit your {expected} (the notebook you completed) and nothing else"
    if not chosen:
        more = f" (only the first {MAX_ENTRIES} files of your upload were looked at)" if cut else ""
        return Found(None, expected, f"no .ipynb or .py file was found in your submission{more}: {ask}")
    return Found(None, expected, f"your submission holds several files that could be the one to grade "
                                 f"({_listing(chosen, root)}): {ask}")
