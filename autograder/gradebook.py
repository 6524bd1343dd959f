"""Writing results into nbgrader's gradebook, so formgrader and `generate_feedback` show them.

Grade cells are matched by name: the notebook's graded test cell for exercise E and check
group G has grade_id "E_G" (see solutions/) and gets the points of that group; its feedback
becomes the comment of the answer cell "E_G_code" just above it (or, failing that, of the
exercise's first answer cell). Notes about how the notebook was read go with the first
comment. Results are written for students in nbgrader's layout (submitted/<student>/...).
"""
from __future__ import annotations

import re
from pathlib import Path

from autograder.submission import SUFFIXES
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict


class GradebookError(Exception):
    pass


def db_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


def _fenced(text: str) -> str:
    """Markdown that shows `text` verbatim: nbgrader renders comments as markdown (and
    would pass raw HTML from a student's error message through), a code block does not."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def feedback(ex: ExerciseResult, verdicts: list[Verdict], notes: list[str]) -> str:
    score, total = sum(v.points for v in verdicts), sum(v.max_points for v in verdicts)
    failed = [v for v in verdicts if not v.passed]
    head = f"autograder: {score:g}/{total:g} points for {ex.exercise} ({', '.join(sorted({v.group for v in verdicts}))})"
    lines = [f"FAIL {v.check}:\n" + "\n".join("    " + line for line in v.message.splitlines()) for v in failed]
    if not failed:
        lines = ["all checks passed"]
    lines += [f"note: {n}" for n in notes]
    return f"{head}\n\n{_fenced(chr(10).join(lines))}"


def _student(label: str) -> str | None:
    """The student id of a result: batch labels nbgrader submissions by student id; a
    second notebook of the same student ("alice#2") or a file's name or path is not one."""
    if not label or "#" in label or "/" in label or label.endswith(SUFFIXES):
        return None
    return label


def write_gradebook(results: list[SubmissionResult], db: str, assignment: str, course_id: str) -> int:
    """Returns the number of grade cells written. Results with a grader error are skipped
    (nbgrader's own score stays), and so are results that are not a student's submission."""
    from nbgrader.api import Gradebook, MissingEntry

    written = 0
    with Gradebook(db_url(db), course_id) as gb:
        try:
            target = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradebookError(f"assignment {assignment!r} is not in the gradebook: run `nbgrader generate_assignment {assignment}` first") from None
        for result in results:
            student = _student(result.submission)
            if result.grader_error or student is None:
                continue
            gb.update_or_create_student(student)
            try:
                gb.find_submission(assignment, student)
            except MissingEntry:
                gb.add_submission(assignment, student)
            by_exercise = {e.exercise: e for e in result.exercises}
            for nb in target.notebooks:
                answers = sorted(c.name for c in nb.solution_cells)
                comments: dict[str, list[Verdict]] = {}
                for cell in sorted(nb.grade_cells, key=lambda c: c.name):
                    exercise, _, group = cell.name.rpartition("_")
                    ex = by_exercise.get(exercise)
                    verdicts = [v for v in ex.verdicts if v.group == group] if ex else []
                    if not verdicts:
                        continue
                    grade = gb.find_grade(cell.name, nb.name, assignment, student)
                    grade.auto_score = min(ex.group_score(group), cell.max_score)
                    grade.needs_manual_grade = False
                    written += 1
                    answer = f"{cell.name}_code" if f"{cell.name}_code" in answers else \
                        next((a for a in answers if a.startswith(exercise + "_")), None)
                    if answer is not None:
                        comments.setdefault(answer, []).extend(verdicts)
                notes = list(result.notes)
                order = {id(v): i for i, v in enumerate(result.verdicts)}
                for answer, verdicts in sorted(comments.items(), key=lambda item: order[id(item[1][0])]):
                    ex = by_exercise[verdicts[0].exercise]
                    comment = gb.find_comment(answer, nb.name, assignment, student)
                    comment.auto_comment = feedback(ex, verdicts, notes)
                    notes = []
            gb.db.commit()
    return written
