"""Gradescope's results.json: one test per verdict, named "<exercise>: <check>"."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.files import write_atomic
from autograder.text import MESSAGE_CAP, NOTE_CAP, OUTPUT_CAP, escape
from autograder.verdicts import SubmissionResult


def _about(result: SubmissionResult) -> list[str]:
    parts = []
    if result.notes:
        parts.append("About your submission:\n" + "\n".join(f"- {escape(n, NOTE_CAP)}" for n in result.notes))
    if result.student_output.strip():
        parts.append(f"Your code printed:\n{escape(result.student_output, OUTPUT_CAP)}")
    return parts


def to_gradescope(result: SubmissionResult, execution_time: float | None = None) -> dict[str, Any]:
    tests = [
        {
            "name": v.name,
            "number": str(i + 1),
            "score": v.points,
            "max_score": v.max_points,
            "status": "passed" if v.passed else "failed",
            "output": escape(v.message, MESSAGE_CAP),
            "visibility": "visible",
        }
        for i, v in enumerate(result.verdicts)
    ]
    out: dict[str, Any] = {
        "score": result.score,
        "tests": tests,
        "output": f"Graded {result.protection}." + "".join(f"\n\n{part}" for part in _about(result)),
        "extra_data": {"protection": result.protection},
    }
    if result.grader_error:
        # A grader failure must not read as a zero: no score, and say so.
        del out["score"]
        out["output"] = f"The autograder failed (not your fault): {escape(result.grader_error, NOTE_CAP)}"
    if execution_time is not None:
        out["execution_time"] = round(execution_time, 3)
    return out


def write_gradescope(result: SubmissionResult, path: Path, execution_time: float | None = None) -> None:
    write_atomic(path, json.dumps(to_gradescope(result, execution_time), indent=2))
