"""Loading a submission from disk into chunks of code (grading never imports student files).

A .py file is one chunk; a notebook is one chunk per cell that runs (ipynb.py). Every read
is bounded and refuses links and special files (files.py): the bytes are hostile.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder import ipynb
from autograder.execution import Chunk
from autograder.files import FileRefused, read_regular
from autograder.text import escape

SUFFIXES = (".py", ".ipynb")
MAX_PY_BYTES = 1024 * 1024  # a .py submission is a few KB


class SubmissionError(Exception):
    """The file cannot be graded at all (unreadable, wrong format): shown to the student."""


@dataclass(frozen=True)
class Submission:
    chunks: tuple[Chunk, ...]
    # Notebooks only: what the student should know about how the notebook was read
    # (cells ignored, restored, missing).
    notes: tuple[str, ...] = ()


def load_py(path: Path) -> Submission:
    try:
        source = read_regular(path, MAX_PY_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise SubmissionError(str(exc)) from None
    except UnicodeDecodeError:
        raise SubmissionError(f"cannot read {escape(path.name, 100)}: it is not UTF-8 text") from None
    return Submission((Chunk(source, path.name),))


def load_notebook(path: Path, release: ipynb.Release) -> Submission:
    try:
        chunks, notes = ipynb.plan(ipynb.load_cells(path), release, path.name)
    except ipynb.NotebookError as exc:
        raise SubmissionError(str(exc)) from None
    return Submission(tuple(chunks), notes)


def load(path: Path, release_dir: Path | None = None, assignment: str | None = None) -> Submission:
    """release_dir: the released notebooks (.ipynb only; default ./assignments). Raises
    SubmissionError (the student's) or ipynb.ReleaseError (the grader's)."""
    if path.suffix == ".py":
        return load_py(path)
    if path.suffix == ".ipynb":
        try:
            release = ipynb.read_release(ipynb.find_release(path.name, release_dir or ipynb.default_release_dir(),
                                                            assignment))
        except ipynb.NotebookError as exc:
            raise SubmissionError(str(exc)) from None
        return load_notebook(path, release)
    raise SubmissionError(f"{escape(path.name, 100)}: only {', '.join(SUFFIXES)} files can be graded")
