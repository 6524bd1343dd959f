"""GitHub Classroom's autograding result: what its reporter reads, with partial credit.

GitHub Classroom's grader actions (autograding-command-grader, -io-grader, -python-grader)
each set a step output `result`: base64 of the JSON

    {"version": 1, "status": "pass" | "fail" | "error", "max_score": N,
     "tests": [{"name", "status", "score", "message", "test_code", "filename", "line_no",
                "duration"}, ...]}

and autograding-grading-reporter reads it from the env var `<RUNNER>_RESULTS`, adds up
`tests[].score` against `max_score` and records "Points X/Y" for Classroom. The stock
command grader gives all or nothing; here every check is a test with its own points. The
output is appended to $GITHUB_OUTPUT as `result=<base64>` (base64 has no newline, so the
one-line form of GitHub's output file is enough).
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from autograder.text import MESSAGE_CAP, NOTE_CAP, escape, label
from autograder.verdicts import SubmissionResult, Verdict

OUTPUT_NAME = "result"


def _message(text: str, cap: int) -> str:
    """Escaped and capped; '::' broken up, so that no line of it is an Actions workflow
    command when the reporter prints it to the log (`::add-mask::`, `::stop-commands::`)."""
    return escape(text, cap).replace("::", ": :")


def _test(name: str, status: str, score: float, max_score: float, message: str) -> dict[str, Any]:
    return {"name": _message(name, 200), "status": status, "score": score, "max_score": max_score,
            "message": message, "test_code": "", "filename": "", "line_no": 0, "duration": 0}


def _verdict(v: Verdict, prefix: str) -> dict[str, Any]:
    return _test(prefix + label(v.name), "pass" if v.passed else "fail", v.points, v.max_points,
                 "" if v.passed else _message(v.message, MESSAGE_CAP))


def to_classroom(results: list[SubmissionResult]) -> dict[str, Any]:
    several = len(results) > 1
    tests: list[dict[str, Any]] = []
    for r in results:
        prefix = f"{label(r.submission)}: " if several else ""
        if r.grader_error:
            tests.append(_test(prefix + "autograder", "error", 0, 0,
                               "the grader failed (not your fault): " + _message(r.grader_error, NOTE_CAP)))
        tests += [_verdict(v, prefix) for v in r.verdicts]
    errored = any(r.grader_error for r in results)
    passed = all(t["status"] == "pass" for t in tests)
    return {"version": 1, "status": "error" if errored else "pass" if passed else "fail",
            "max_score": sum(r.max_score for r in results), "tests": tests}


def grader_error(message: str) -> dict[str, Any]:
    """What Classroom gets when nothing could be graded (the grader could not start)."""
    return {"version": 1, "status": "error", "max_score": 0,
            "tests": [_test("autograder", "error", 0, 0, "the grader failed (not your fault): "
                            + _message(message, NOTE_CAP))]}


def encode(result: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(result).encode()).decode()


def output_file() -> Path | None:
    """$GITHUB_OUTPUT, the file a step's outputs are appended to (set by GitHub Actions)."""
    value = os.environ.get("GITHUB_OUTPUT")
    return Path(value) if value else None


def write_classroom(result: dict[str, Any], path: Path) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{OUTPUT_NAME}={encode(result)}\n")
