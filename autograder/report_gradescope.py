"""Gradescope's results.json: one test per verdict, named "<exercise>: <check>".

The format is Gradescope's autograder specification (docs/specs.md of gradescope's
autograder_samples): top level `score`, `execution_time`, `output`, `output_format`,
`stdout_visibility`, `extra_data`, `tests`; each test `score`, `max_score`, `status`,
`name`, `number`, `output`, `output_format`, `tags`, `visibility`, `extra_data`.

A check's message is plain text that quotes the student's own words (exception messages,
names): it goes out as `text`, which Gradescope shows as it is. The overview is Markdown,
built so that nothing from a submission is ever read as Markdown or HTML (text.md_*).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.files import write_atomic
from autograder.text import MESSAGE_CAP, NOTE_CAP, OUTPUT_CAP, escape, label, md_block, md_code, md_text
from autograder.verdicts import SubmissionResult, Verdict

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


@dataclass(frozen=True)
class GradescopeOptions:
    """What students see and when (Gradescope's visibility settings)."""

    visibility: str = "visible"  # of every check's test
    stdout_visibility: str = "hidden"  # the grader's log: for the course staff

    def __post_init__(self) -> None:
        for value in (self.visibility, self.stdout_visibility):
            if value not in VISIBILITIES:
                raise ValueError(f"visibility {value!r}: one of {', '.join(VISIBILITIES)}")


def _test(v: Verdict, number: str, options: GradescopeOptions) -> dict[str, Any]:
    test: dict[str, Any] = {
        "name": label(v.name),
        "number": number,
        "score": v.points,
        "max_score": v.max_points,
        "status": "passed" if v.passed else "failed",
        "output": escape(v.message, MESSAGE_CAP),
        "output_format": "text",
        "tags": [v.exercise, v.group],
        "visibility": options.visibility,
    }
    if v.cause:
        test["extra_data"] = {"cause": v.cause}
    return test


def _tests(result: SubmissionResult, options: GradescopeOptions) -> list[dict[str, Any]]:
    """Numbered "exercise.check", so Gradescope lists them in the notebook's order."""
    return [_test(v, f"{i}.{j}", options)
            for i, ex in enumerate(result.exercises, 1) for j, v in enumerate(ex.verdicts, 1)]


def overview(result: SubmissionResult) -> str:
    """The submission's summary in Markdown: score per exercise, notes, printed output."""
    lines = [f"**{result.score:g} / {result.max_score:g} points** for {md_code(result.submission)}", "",
             "| exercise | points |", "|---|---|"]
    lines += [f"| {md_code(ex.exercise)} {md_text(ex.title, 100)} | {ex.score:g} / {ex.max_score:g} |"
              for ex in result.exercises]
    if result.notes:
        lines += ["", "**About your submission**", ""]
        lines += [f"- {md_text(note, NOTE_CAP)}" for note in result.notes]
    if result.student_output.strip():
        lines += ["", "**Your code printed** (escaped, first 4000 characters):", "",
                  md_block(result.student_output, OUTPUT_CAP)]
    lines += ["", f"Graded {md_text(result.protection, 400)}."]
    return "\n".join(lines)


def grader_failed(message: str) -> str:
    return (f"**The autograder could not grade this submission. This is not your fault** and not your score: "
            f"tell the course staff, who can regrade it once the grader is fixed.\n\n{md_block(message, NOTE_CAP)}")


def to_gradescope(result: SubmissionResult, execution_time: float | None = None,
                  options: GradescopeOptions = GradescopeOptions()) -> dict[str, Any]:
    out: dict[str, Any] = {
        "score": result.score,
        "output": overview(result),
        "output_format": "md",
        "stdout_visibility": options.stdout_visibility,
        "tests": _tests(result, options),
        "extra_data": {"protection": result.protection, "grader_error": result.grader_error is not None},
    }
    if result.grader_error:
        # Gradescope needs a score; the text and extra_data say it is the grader's failure.
        out["output"] = grader_failed(result.grader_error)
    if execution_time is not None:
        out["execution_time"] = round(execution_time, 3)
    return out


def write_gradescope(result: SubmissionResult, path: Path, execution_time: float | None = None,
                     options: GradescopeOptions = GradescopeOptions()) -> None:
    write_atomic(path, json.dumps(to_gradescope(result, execution_time, options), indent=2))
