"""The course end to end with real nbgrader and real kernels, in a scratch course directory:
generate_assignment, submissions, nbgrader autograde, `autograder grade --gradebook`,
generate_feedback, export. One nbgrader run serves every test here (a module fixture;
pytest runs a module on one worker, see pyproject.toml).

Students: the solution notebook itself, the untouched release, a notebook with two classic
mistakes, and each example submission (examples/submissions/*.py) put into the release's
answer cells. On all of them, honest work, nbgrader and the grader must give every test
cell the same score.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import notebooks as nbs
from autograder import results_io
from autograder.verdicts import SubmissionResult
from tools import course

SENTINEL = -1.0  # written over nbgrader's scores before the grader writes its own
LATE = "late_student"


@dataclass
class CourseRun:
    root: Path
    students: list[str]
    nbgrader: dict[str, dict[str, float]]  # student -> grade cell -> score, after nbgrader autograde
    grader: dict[str, SubmissionResult]  # student -> `autograder grade` result
    gradebook: dict[str, dict[str, float]]  # the same as `nbgrader`, after `autograder grade --gradebook`
    comments: dict[str, dict[str, str]]  # student -> answer cell -> comment
    export: dict[str, dict[str, str]]  # student -> row of `nbgrader export`
    grader_stdout: str


def two_mistakes() -> dict:
    """The solution with a dropped factor 2 (univariate) and a missing keepdims (b1)."""
    nb = nbs.solved()
    for grade_id, old, new in [("univariate_backward_code", "dy = 2.0 / m * (y_hat - y)", "dy = 1.0 / m * (y_hat - y)"),
                               ("two_layer_linear_backward_code", "axis=1, keepdims=True)", "axis=1)")]:
        c = nbs.cell(nb, grade_id)
        assert old in c["source"]
        c["source"] = c["source"].replace(old, new)
    return nb


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=course.venv_env(), timeout=900)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "nbgrader", *args, cwd=cwd)


def grades(db: Path, students: list[str]) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float]] = {}
    comments: dict[str, dict[str, str]] = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_notebook(course.ASSIGNMENT, course.ASSIGNMENT)
        for s in students:
            scores[s] = {c.name: gb.find_grade(c.name, nb.name, course.ASSIGNMENT, s).auto_score for c in nb.grade_cells}
            comments[s] = {c.name: gb.find_comment(c.name, nb.name, course.ASSIGNMENT, s).auto_comment or ""
                           for c in nb.solution_cells}
    return scores, comments


def overwrite_scores(db: Path, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_notebook(course.ASSIGNMENT, course.ASSIGNMENT)
        for s in students:
            for c in nb.grade_cells:
                gb.find_grade(c.name, nb.name, course.ASSIGNMENT, s).auto_score = SENTINEL
        gb.db.commit()


@pytest.fixture(scope="module")
def course_run(tmp_path_factory) -> CourseRun:
    root = tmp_path_factory.mktemp("course")
    shutil.copy(nbs.ROOT / "nbgrader_config.py", root)
    shutil.copytree(nbs.ROOT / "solutions", root / "solutions")
    shutil.copytree(nbs.ROOT / "reference", root / "reference")  # the hidden tests use it
    nbgrader("generate_assignment", course.ASSIGNMENT, cwd=root)
    released = json.loads((root / "assignments" / course.ASSIGNMENT / course.NOTEBOOK).read_text())
    submissions = {"solution": nbs.SOLUTIONS_NB, "release": released, "two_mistakes": two_mistakes()}
    submissions |= {f"ex_{py.stem}": nbs.filled(py) for py in sorted(nbs.EXAMPLES.glob("*.py"))}
    for student, nb in submissions.items():
        nbs.write(nb, root / "submitted" / student / course.ASSIGNMENT / course.NOTEBOOK)
    students = sorted(submissions)

    nbgrader("autograde", course.ASSIGNMENT, cwd=root)
    by_nbgrader, _ = grades(root / "gradebook.db", students)
    overwrite_scores(root / "gradebook.db", students)
    # Handed in after nbgrader ran: only the grader sees it, and must create its gradebook entries.
    nbs.write(two_mistakes(), root / "submitted" / LATE / course.ASSIGNMENT / course.NOTEBOOK)
    graded = run(sys.executable, "-m", "autograder.cli", "grade", "submitted", "--out", "out",  # sandboxed
                 "--gradebook", "gradebook.db", "--assignment", course.ASSIGNMENT, cwd=root)
    by_grader = {s: results_io.load_if_current(root / "out" / s, _fingerprint(root, s)) for s in [*students, LATE]}
    written, comments = grades(root / "gradebook.db", [*students, LATE])
    nbgrader("generate_feedback", course.ASSIGNMENT, cwd=root)
    nbgrader("export", cwd=root)
    with open(root / "grades.csv", newline="") as f:
        export = {row["student_id"]: row for row in csv.DictReader(f)}
    return CourseRun(root, students, by_nbgrader, by_grader, written, comments, export, graded.stdout)


def _fingerprint(root: Path, student: str) -> str:
    from autograder.batch import fingerprint

    return fingerprint(root / "submitted" / student / course.ASSIGNMENT / course.NOTEBOOK)


def test_the_course_grades_full_zero_and_partial(course_run):
    export = {s: float(row["score"]) for s, row in course_run.export.items()}
    assert export["solution"] == export["ex_correct"] == 29
    assert export["release"] == export["ex_stub"] == 0
    assert 0 < export["two_mistakes"] < 29
    assert export["two_mistakes"] == course_run.grader["two_mistakes"].score == 29 - 3 - 2
    assert {float(row["max_score"]) for row in course_run.export.values()} == {29.0}


def test_nbgrader_and_the_grader_agree_on_every_test_cell_of_every_student(course_run):
    """Issue 4, A: per-cell nbgrader scores (the hidden check's partial credit) == the
    grader's per-(exercise, group) scores, on honest work of every kind."""
    assert set(course_run.grader) == {*course_run.students, LATE}
    for student in course_run.students:
        result = course_run.grader[student]
        assert result is not None and result.grader_error is None, student
        assert course_run.nbgrader[student] == nbs.by_group(result), student
    partial = {s: sum(v.values()) for s, v in course_run.nbgrader.items()}
    assert partial["ex_mistake_missing_factor_2"] == 13 and partial["ex_mistake_no_keepdims"] == 25
    assert partial["ex_mistake_sigmoid_derivative"] == 26


def test_the_grader_writes_its_scores_and_feedback_into_the_gradebook(course_run):
    """Issue 4, B: `autograder grade --gradebook` replaced every score (the sentinel is gone)
    and wrote a comment under each answer cell; generate_feedback shows them."""
    for student in [*course_run.students, LATE]:
        assert course_run.gradebook[student] == nbs.by_group(course_run.grader[student]), student
    assert float(course_run.export[LATE]["score"]) == course_run.grader[LATE].score == 24
    comments = course_run.comments["two_mistakes"]
    assert comments["univariate_backward_code"].startswith("autograder: 1/4 points for univariate (backward)")
    assert "half the right value" in comments["univariate_backward_code"]
    assert "keepdims=True" in comments["two_layer_linear_backward_code"]
    assert "all checks passed" in comments["univariate_forward_code"]
    assert "not implemented yet" in course_run.comments["release"]["sigmoid_mlp_sigmoid_code"]
    html = (course_run.root / "feedback" / "two_mistakes" / course.ASSIGNMENT / "backprop.html").read_text()
    assert "autograder: 1/4 points for univariate (backward)" in html
    assert "keepdims=True" in html and "half the right value" in html
    assert "24.0 / 29.0" in html


def test_the_hidden_tests_ran_against_the_reference_in_nbgrader(course_run):
    autograded = json.loads((course_run.root / "autograded" / "two_mistakes" / course.ASSIGNMENT / course.NOTEBOOK).read_text())
    test = nbs.cell(autograded, "two_layer_linear_backward")
    text = "".join("".join(o["text"]) for o in test["outputs"] if o.get("name") == "stdout")
    assert "against the reference solution, finite differences and torch.autograd" in text
    assert not [o for o in test["outputs"] if o.get("name") == "stderr" or o["output_type"] == "error"]


def test_feedback_comments_show_student_text_verbatim_not_as_html():
    """nbgrader renders comments as markdown; an error message is the student's text."""
    from nbconvert.filters.markdown import markdown2html

    from autograder.gradebook import feedback
    from autograder.verdicts import ExerciseResult, Verdict

    message = "`univariate_forward` raised an error:\nValueError: <script>alert(1)</script> ```` **bold**"
    verdict = Verdict("univariate", "forward: y_hat", "forward", 0.0, 1.0, False, message)
    text = feedback(ExerciseResult("univariate", "Univariate", [verdict]), [verdict], ["cell 3 was changed"])
    html = markdown2html(text)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "**bold**" in html and "cell 3 was changed" in html
