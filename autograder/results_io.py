"""SubmissionResult <-> JSON: the per-submission record that makes a batch resumable."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from autograder.files import write_atomic
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict

RECORD = "result.json"


def to_dict(result: SubmissionResult, fingerprint: str = "") -> dict[str, Any]:
    return {"fingerprint": fingerprint, **asdict(result)}


def from_dict(data: dict[str, Any]) -> SubmissionResult:
    exercises = [
        ExerciseResult(e["exercise"], e["title"], [Verdict(**v) for v in e["verdicts"]]) for e in data["exercises"]
    ]
    return SubmissionResult(
        submission=data["submission"],
        exercises=exercises,
        protection=data["protection"],
        student_output=data["student_output"],
        grader_error=data["grader_error"],
        notes=list(data["notes"]),
    )


def save(result: SubmissionResult, directory: Path, fingerprint: str) -> None:
    write_atomic(directory / RECORD, json.dumps(to_dict(result, fingerprint), indent=1))


def load_if_current(directory: Path, fingerprint: str) -> SubmissionResult | None:
    """The saved result, if it was made from the same submission and the grader did not fail."""
    path = directory / RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint or data.get("grader_error"):
        return None
    try:
        return from_dict(data)
    except (KeyError, TypeError):
        return None
