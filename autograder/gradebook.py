"""Writing results into nbgrader's gradebook: every field that enters a student's total.

A notebook's graded test cell for exercise E and check group G has grade_id "E_G" and gets
the points of that group. For every student it grades, `autograder autograde` sets:

- each test cell's auto score to the sandbox's, and clears its manual score and extra
  credit (nbgrader's total takes a manual score over the auto score, plus extra credit:
  a value left there from before, or forged by code that ran with the instructor's rights,
  would otherwise stand). `keep_manual` keeps them, for a person's own later adjustments;
- every other grade cell (answers graded by hand) to "needs manual grading", clearing its
  manual score and extra credit too unless `keep_manual`;
- the comments: the notes about how the notebook was read (and what the code printed) go
  under the first answer cell; every other automatic comment is cleared, and so are manual
  comments unless `keep_manual`. The checks' feedback itself goes under each test cell in
  the autograded notebook (autograded.py): each piece of feedback appears once.

A submission that could not be graded gets zeros and a comment saying why, never an old
score left standing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from autograder.text import NOTE_CAP, escape
from autograder.report_text import exercise_lines
from autograder.spec import grade_cell_id
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict


class GradebookError(Exception):
    pass


def fenced(text: str) -> str:
    """Markdown that shows `text` verbatim: nbgrader renders comments as markdown (and
    would pass raw HTML from a student's error message through), a code block does not."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def cell_feedback(verdicts: list[Verdict]) -> str:
    """The feedback shown under one test cell: its score, then each check (failures with
    why; a group nobody has started in one line)."""
    score, total = sum(v.points for v in verdicts), sum(v.max_points for v in verdicts)
    ex = verdicts[0].exercise
    head = f"autograder: {score:g}/{total:g} points for {ex} ({', '.join(sorted({v.group for v in verdicts}))})"
    return "\n".join([head, "", *exercise_lines(ExerciseResult(ex, ex, verdicts))])


def submission_comment(result: SubmissionResult) -> str | None:
    """What goes under the first answer cell: how the notebook was read, the grader's own
    failure if any, and the start of what the code printed."""
    parts = []
    if result.grader_error:
        parts.append(f"The grader failed on this submission (not your fault); a TA will look at it:\n"
                     f"{escape(result.grader_error, NOTE_CAP)}")
    if result.notes:
        parts.append("About your submission:\n" + "\n".join(f"- {escape(n, NOTE_CAP)}" for n in result.notes))
    if result.student_output.strip():
        shown = "\n".join(escape(result.student_output, 2000).split("\n")[:20])
        parts.append(f"Your code printed (first lines):\n{shown}")
    parts.append(f"Graded {result.protection}.")
    return fenced("\n\n".join(parts))


def grade_cell_verdicts(result: SubmissionResult, grade_id: str) -> list[Verdict]:
    """The verdicts behind test cell "E_G": exercise E, group G (either name may hold an
    underscore, so the id is matched whole, never split)."""
    return [v for v in result.verdicts if grade_cell_id(v.exercise, v.group) == grade_id]


@dataclass(frozen=True)
class Written:
    student: str
    cells: int


def _score_cell(grade: Any, verdicts: list[Verdict], max_score: float, failed: bool, clear: bool) -> None:
    """A test cell gets the checks' score; a score set by hand on it (or extra credit) would
    silently replace them, so it goes unless the TA keeps it (--keep-manual-scores)."""
    if clear:
        grade.manual_score = None
        grade.extra_credit = None
    grade.auto_score = 0.0 if failed else min(sum(v.points for v in verdicts), max_score)
    grade.needs_manual_grade = failed or grade.manual_score is not None


def _by_hand_cell(grade: Any, reset: bool) -> None:
    """A written answer's score is the TA's: kept, unless this student's test cells carried
    scores set by hand, the trace of student code that ran with a TA's rights (`nbgrader
    autograde`) and may have written these too: then it is graded again."""
    if reset:
        grade.manual_score = None
        grade.extra_credit = None
    grade.auto_score = None
    grade.needs_manual_grade = grade.manual_score is None


def write_student(gb: Any, assignment: str, notebook: Any, result: SubmissionResult, student: str,
                  timestamp: datetime | None, keep_manual: bool) -> Written:
    """One student's submission row, scores and comments (the caller commits)."""
    if timestamp is not None:
        gb.update_or_create_submission(assignment, student, timestamp=timestamp)
    else:
        gb.update_or_create_submission(assignment, student)
    failed = result.grader_error is not None
    grades = {c.name: gb.find_grade(c.name, notebook.name, assignment, student) for c in notebook.grade_cells}
    by_hand = {c.name for c in notebook.grade_cells if c.cell_type == "markdown"}
    tests = [grades[name] for name in grades if name not in by_hand]
    reset = not keep_manual and any(g.manual_score is not None or g.extra_credit for g in tests)
    for cell in notebook.grade_cells:
        if cell.name in by_hand:
            _by_hand_cell(grades[cell.name], reset)
        else:
            _score_cell(grades[cell.name], grade_cell_verdicts(result, cell.name), cell.max_score, failed,
                        not keep_manual)
    answers = sorted(notebook.solution_cells, key=lambda c: c.id)
    first = _first_answer(notebook, answers)
    for cell in answers:
        comment = gb.find_comment(cell.name, notebook.name, assignment, student)
        comment.auto_comment = submission_comment(result) if cell.name == first else None
        if not keep_manual and (cell.name not in by_hand or reset):
            comment.manual_comment = None
    return Written(student, len(grades))


def _first_answer(notebook: Any, answers: list[Any]) -> str | None:
    """The answer cell that comes first in the notebook (the source cells' order)."""
    order = {c.name: i for i, c in enumerate(getattr(notebook, "source_cells", []))}
    ranked = sorted(answers, key=lambda c: order.get(c.name, len(order)))
    return ranked[0].name if ranked else None
