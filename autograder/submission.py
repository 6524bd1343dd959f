"""Loading a submission from disk into source code (grading never imports student files)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".py",)


class SubmissionError(Exception):
    """The file cannot be graded at all (unreadable, wrong format): shown to the student."""


@dataclass(frozen=True)
class Submission:
    label: str
    path: Path
    source: str


def load(path: Path) -> Submission:
    if path.suffix == ".py":
        try:
            return Submission(path.name, path, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise SubmissionError(f"cannot read {path.name}: {exc}") from None
    raise SubmissionError(f"{path.name}: only {', '.join(SUFFIXES)} files can be graded")


def find(paths: list[Path]) -> list[Path]:
    """Files given directly, plus gradable files found (recursively) under directories."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file()
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            found.append(p)
    return found
