"""Human-readable feedback: what a student reads after grading."""
from __future__ import annotations

from itertools import groupby

from autograder.text import MESSAGE_CAP, NOTE_CAP, escape, label
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict

NOT_ATTEMPTED = "not-implemented"
UNCHECKED = "not checked: "


def _pts(x: float) -> str:
    return f"{x:g}"


def _verdict_lines(v: Verdict, verbose: bool) -> list[str]:
    lines = [f"  {'PASS' if v.passed else 'FAIL'} {v.check} [{_pts(v.points)}/{_pts(v.max_points)}]"]
    if verbose and (not v.passed or v.cause == "carried-forward"):
        lines += ["       " + line for line in escape(v.message, MESSAGE_CAP).splitlines()]
    return lines


def exercise_lines(ex: ExerciseResult, verbose: bool = True) -> list[str]:
    """An exercise's verdicts; a group nobody has started is one line, not one per check."""
    lines = []
    for group in dict.fromkeys(v.group for v in ex.verdicts):
        verdicts = [v for v in ex.verdicts if v.group == group]
        if all(v.cause == NOT_ATTEMPTED for v in verdicts):
            first = verdicts[0].message.splitlines()[0]
            lines.append(f"  TODO {group}: not attempted yet ({escape(first, 200)}) "
                         f"[0/{_pts(sum(v.max_points for v in verdicts))}]")
            continue
        lines += _group_lines(verdicts, verbose)
    return lines


def _group_lines(verdicts: list[Verdict], verbose: bool) -> list[str]:
    """One reason is said once: failures in a row with one message (the forward fails, a
    syntax error) share a line, and a later check left unchecked for it points back."""
    lines: list[str] = []
    said: set[str] = set()
    for _, run in groupby(verdicts, key=lambda v: (v.points, v.message) if not v.passed else id(v)):
        same = list(run)
        first = same[0]
        if len(same) == 1 and (first.passed or first.message.removeprefix(UNCHECKED) not in said):
            lines += _verdict_lines(first, verbose)
        elif len(same) == 1:
            lines += _verdict_lines(first, False) + (["       " + UNCHECKED + "the same reason as above"] if verbose else [])
        else:
            lines.append(f"  FAIL {', '.join(v.check for v in same)} "
                         f"[{_pts(sum(v.points for v in same))}/{_pts(sum(v.max_points for v in same))}]")
            lines += ["       " + line for line in escape(first.message, MESSAGE_CAP).splitlines()] if verbose else []
        said |= {v.message for v in same if not v.passed}
    return lines


def render(result: SubmissionResult, verbose: bool = True) -> str:
    lines = [f"== {label(result.submission)}: {_pts(result.score)}/{_pts(result.max_score)} points =="]
    if result.grader_error:
        lines.append(f"GRADER ERROR (not your fault, nothing was scored): {escape(result.grader_error, NOTE_CAP)}")
    for ex in result.exercises:
        lines.append(f"{ex.exercise} ({ex.title}): {_pts(ex.score)}/{_pts(ex.max_score)}")
        lines += exercise_lines(ex, verbose)
    if result.notes:
        lines.append("about your submission:")
        lines += ["  - " + line for note in result.notes for line in escape(note, NOTE_CAP).splitlines()]
    if result.student_output.strip():
        lines.append("your code printed (first lines, escaped):")
        lines += ["  | " + line[:200] for line in escape(result.student_output).split("\n")[:10]]
    lines.append(f"(graded {result.protection})")
    return "\n".join(lines)
