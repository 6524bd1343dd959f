"""Writing results into nbgrader's gradebook, so formgrader and `generate_feedback` show them.

Grade cells are matched by name: the notebook's graded test cell for exercise E and check
group G has grade_id "E_G" (see solutions/), and gets the sum of that group's points.
Feedback goes into the comment of the exercise's first solution cell.
"""
from __future__ import annotations

from pathlib import Path

from autograder.verdicts import ExerciseResult, SubmissionResult


class GradebookError(Exception):
    pass


def db_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


def _feedback(ex: ExerciseResult) -> str:
    failed = [v for v in ex.verdicts if not v.passed]
    if not failed:
        return f"{ex.exercise}: all checks passed ({ex.score:g}/{ex.max_score:g})."
    lines = [f"{ex.exercise}: {ex.score:g}/{ex.max_score:g}"]
    for v in failed:
        lines += [f"- {v.check}:", *("    " + line for line in v.message.splitlines())]
    return "\n".join(lines)


def write_gradebook(results: list[SubmissionResult], db: str, assignment: str, course_id: str) -> int:
    """Returns the number of grade cells written. Results with a grader error are skipped."""
    from nbgrader.api import Gradebook, MissingEntry

    written = 0
    with Gradebook(db_url(db), course_id) as gb:
        try:
            target = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradebookError(f"assignment {assignment!r} is not in the gradebook: run `nbgrader generate_assignment {assignment}` first") from None
        for result in results:
            if result.grader_error:
                continue
            student = result.submission
            gb.update_or_create_student(student)
            try:
                gb.find_submission(assignment, student)
            except MissingEntry:
                gb.add_submission(assignment, student)
            by_exercise = {e.exercise: e for e in result.exercises}
            for nb in target.notebooks:
                for cell in nb.grade_cells:
                    exercise, _, group = cell.name.rpartition("_")
                    if exercise not in by_exercise:
                        continue
                    grade = gb.find_grade(cell.name, nb.name, assignment, student)
                    grade.auto_score = min(by_exercise[exercise].group_score(group), cell.max_score)
                    grade.needs_manual_grade = False
                    written += 1
                commented: set[str] = set()
                for cell in sorted(nb.solution_cells, key=lambda c: c.name):
                    exercise = next((e for e in by_exercise if cell.name.startswith(e + "_")), None)
                    if exercise is None or exercise in commented:
                        continue
                    gb.find_comment(cell.name, nb.name, assignment, student).auto_comment = _feedback(by_exercise[exercise])
                    commented.add(exercise)
            gb.db.commit()
    return written
