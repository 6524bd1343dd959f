"""Human-readable feedback: what a student reads after grading."""
from __future__ import annotations

from autograder.text import MESSAGE_CAP, NOTE_CAP, escape, label
from autograder.verdicts import SubmissionResult


def _pts(x: float) -> str:
    return f"{x:g}"


def render(result: SubmissionResult, verbose: bool = True) -> str:
    lines = [f"== {label(result.submission)}: {_pts(result.score)}/{_pts(result.max_score)} points =="]
    if result.grader_error:
        lines.append(f"GRADER ERROR (not your fault, nothing was scored): {escape(result.grader_error, NOTE_CAP)}")
    for ex in result.exercises:
        lines.append(f"{ex.exercise} ({ex.title}): {_pts(ex.score)}/{_pts(ex.max_score)}")
        for v in ex.verdicts:
            mark = "PASS" if v.passed else "FAIL"
            lines.append(f"  {mark} {v.check} [{_pts(v.points)}/{_pts(v.max_points)}]")
            if not v.passed and verbose:
                lines += ["       " + line for line in escape(v.message, MESSAGE_CAP).splitlines()]
    if result.notes:
        lines.append("about your submission:")
        lines += ["  - " + line for note in result.notes for line in escape(note, NOTE_CAP).splitlines()]
    if result.student_output.strip():
        lines.append("your code printed (first lines, escaped):")
        lines += ["  | " + line[:200] for line in escape(result.student_output).split("\n")[:10]]
    lines.append(f"(graded {result.protection})")
    return "\n".join(lines)
