"""Loading a submission from disk into source code (grading never imports student files)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".py", ".ipynb")


class SubmissionError(Exception):
    """The file cannot be graded at all (unreadable, wrong format): shown to the student."""


@dataclass(frozen=True)
class CellSpan:
    """Lines first_line..last_line of a submission's source hold notebook cell `cell`."""

    first_line: int
    last_line: int
    cell: int


@dataclass(frozen=True)
class Submission:
    label: str
    path: Path
    source: str
    # Notebooks only: where each cell sits in `source`, and what the student should know
    # about how the notebook was read (cells ignored, restored, missing).
    cells: tuple[CellSpan, ...] = ()
    notes: tuple[str, ...] = ()

    def locate(self, message: str) -> str:
        """Traceback lines ("  line 57, in f: ...") as the student's notebook numbers them
        ("  cell 7, line 3, in f: ..."); unchanged for .py files."""
        if not self.cells:
            return message

        def where(match: re.Match[str]) -> str:
            line = int(match.group(2))
            span = next((s for s in self.cells if s.first_line <= line <= s.last_line), None)
            if span is None:
                return match.group(0)
            return f"{match.group(1)}cell {span.cell}, line {line - span.first_line + 1}"

        return re.sub(r"(?m)^(\s*)line (\d+)(?=, in |: )", where, message)


def _below_submitted(path: Path) -> tuple[str, ...]:
    """The parts of `path` below its last `submitted` folder (nbgrader's layout), else ()."""
    parts = path.parts
    return parts[len(parts) - parts[::-1].index("submitted"):] if "submitted" in parts else ()


def nbgrader_student(path: Path) -> str | None:
    """<student> for a path under submitted/<student>/..., else None."""
    below = _below_submitted(path)
    return below[0] if below else None


def nbgrader_folder(path: Path) -> Path | None:
    """submitted/<student>/<assignment>/ for a file in nbgrader's layout, else None."""
    below = _below_submitted(path)
    return Path(*path.parts[: len(path.parts) - len(below) + 2]) if len(below) > 2 else None


def load(path: Path, release_dir: Path | None = None) -> Submission:
    """release_dir: the released notebooks (.ipynb only; default ./assignments)."""
    if path.suffix == ".py":
        try:
            return Submission(path.name, path, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise SubmissionError(f"cannot read {path.name}: {exc}") from None
    if path.suffix == ".ipynb":
        from autograder.ipynb import to_submission  # imports this module

        return to_submission(path, release_dir)
    raise SubmissionError(f"{path.name}: only {', '.join(SUFFIXES)} files can be graded")
