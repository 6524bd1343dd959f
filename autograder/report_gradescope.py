"""Gradescope's results.json: one test per verdict, named "<exercise>: <check>"."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.files import write_atomic
from autograder.text import escape
from autograder.verdicts import SubmissionResult


def to_gradescope(result: SubmissionResult, execution_time: float | None = None) -> dict[str, Any]:
    tests = [
        {
            "name": v.name,
            "number": str(i + 1),
            "score": v.points,
            "max_score": v.max_points,
            "status": "passed" if v.passed else "failed",
            "output": escape(v.message),
            "visibility": "visible",
        }
        for i, v in enumerate(result.verdicts)
    ]
    out: dict[str, Any] = {
        "score": result.score,
        "tests": tests,
        "output": f"Graded {result.protection}." + (
            f"\n\nYour code printed:\n{escape(result.student_output)}" if result.student_output.strip() else ""),
        "extra_data": {"protection": result.protection},
    }
    if result.grader_error:
        # A grader failure must not read as a zero: no score, and say so.
        del out["score"]
        out["output"] = f"The autograder failed (not your fault): {result.grader_error}"
    if execution_time is not None:
        out["execution_time"] = round(execution_time, 3)
    return out


def write_gradescope(result: SubmissionResult, path: Path, execution_time: float | None = None) -> None:
    write_atomic(path, json.dumps(to_gradescope(result, execution_time), indent=2))
