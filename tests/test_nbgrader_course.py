"""The course end to end with real nbgrader, in a scratch course directory: the README's
instructor workflow (generate_assignment, submissions in nbgrader's layout, `autograder
autograde`, generate_feedback, export), plus what happens when a TA runs `nbgrader
autograde` anyway. One course run serves every test here (a module fixture; pytest runs a
module on one worker, see pyproject.toml).

Students: the solution notebook itself, the untouched release, a notebook with two classic
mistakes, and each example submission (examples/submissions/*.py) in the release's answer
cells. Honest work gets the same score per test cell from nbgrader's in-kernel checks and
from the sandbox; after `autograder autograde`, the gradebook holds the sandbox's scores
whatever was there before.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

import notebooks as nbs
from autograder import results_io
from autograder.batch import fingerprint, release_digest
from autograder.course import assignment
from autograder.nbgrader_guard import ALLOW_ENV
from autograder.secret import CourseSecret
from autograder.verdicts import SubmissionResult
from tools import course

pytestmark = pytest.mark.slow  # real nbgrader, kernels or many sandboxes (pyproject.toml)

SENTINEL = -1.0  # written over nbgrader's scores before the grader writes its own
LATE = "late_student"
SECRET = "a fixed secret for this test course"
GHOST = "ghost_student"  # in the gradebook, with a forged submission, but no folder in submitted/
REFERENCE_TEXT = "def sigmoid_mlp_backward(params, cache): the reference"


@dataclass
class CourseRun:
    root: Path
    students: list[str]
    nbgrader: dict[str, dict[str, float]]  # student -> grade cell -> score, after nbgrader autograde
    grader: dict[str, SubmissionResult]  # student -> `autograder autograde` result (--out)
    gradebook: dict[str, dict[str, float]]  # student -> grade cell -> score, after autograder autograde
    fields: dict[str, list[tuple]]  # student -> (manual_score, extra_credit) of every grade cell
    comments: dict[str, dict[str, str]]  # student -> answer cell -> comment
    export: dict[str, dict[str, str]]  # student -> row of `nbgrader export`
    refused: subprocess.CompletedProcess[str]  # `nbgrader autograde` without the override


def two_mistakes() -> dict:
    """The solution with a dropped factor 2 (univariate) and a missing keepdims (b1)."""
    nb = nbs.solved()
    for grade_id, old, new in [("univariate_backward_code", "dy = 2.0 / m * (y_hat - y)", "dy = 1.0 / m * (y_hat - y)"),
                               ("two_layer_linear_backward_code", "axis=1, keepdims=True)", "axis=1)")]:
        c = nbs.cell(nb, grade_id)
        assert old in c["source"]
        c["source"] = c["source"].replace(old, new)
    return nb


def run(*args: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True,
                          env={**course.venv_env(), AUTOGRADER_SECRET: SECRET, **(env or {})}, timeout=900)
    assert not check or proc.returncode == 0, f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


AUTOGRADER_SECRET = "AUTOGRADER_SECRET"


def nbgrader(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "nbgrader", *args, cwd=cwd, **kw)


def gradebook_state(db: Path, students: list[str], tests_only: bool = True,
                    assignment: str = nbs.ASSIGNMENT) -> tuple[dict, dict, dict]:
    """Scores (of the test cells only, unless asked: the written derivations wait for a TA),
    (manual_score, extra_credit) of every grade cell, and comments."""
    from nbgrader.api import Gradebook

    scores, fields, comments = {}, {}, {}
    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_notebook(assignment, assignment)
        for s in students:
            grades = [gb.find_grade(c.name, nb.name, assignment, s) for c in nb.grade_cells]
            scores[s] = {g.name: g.score for g, c in zip(grades, nb.grade_cells)
                         if c.cell_type == "code" or not tests_only}
            fields[s] = [(g.manual_score, g.extra_credit) for g in grades]
            comments[s] = {c.name: gb.find_comment(c.name, nb.name, assignment, s).comment or ""
                           for c in nb.solution_cells}
    return scores, fields, comments


def ghost(root: Path) -> None:
    """What a kernel can leave for a student who submitted nothing: a submission with full
    manual scores and extra credit, an autograded notebook and feedback holding the reference."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.update_or_create_student(GHOST)
        gb.add_submission(nbs.ASSIGNMENT, GHOST)
        nb = gb.find_notebook(nbs.ASSIGNMENT, nbs.ASSIGNMENT)
        for c in nb.grade_cells:
            grade = gb.find_grade(c.name, nb.name, nbs.ASSIGNMENT, GHOST)
            grade.manual_score, grade.extra_credit = c.max_score, 5.0
        gb.db.commit()
    for folder in ("autograded", "feedback"):
        (root / folder / GHOST / nbs.ASSIGNMENT).mkdir(parents=True)
        (root / folder / GHOST / nbs.ASSIGNMENT / "backprop.html").write_text(REFERENCE_TEXT)


def forge(db: Path, students: list[str]) -> None:
    """What student code run by `nbgrader autograde` can do to the gradebook: auto scores,
    manual scores that take precedence, extra credit, manual comments."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_notebook(nbs.ASSIGNMENT, nbs.ASSIGNMENT)
        for s in students:
            for c in nb.grade_cells:
                grade = gb.find_grade(c.name, nb.name, nbs.ASSIGNMENT, s)
                grade.auto_score, grade.manual_score, grade.extra_credit = SENTINEL, c.max_score, 5.0
            for c in nb.solution_cells:
                gb.find_comment(c.name, nb.name, nbs.ASSIGNMENT, s).manual_comment = "FORGED COMMENT"
        gb.db.commit()


@pytest.fixture(scope="module")
def course_run(tmp_path_factory) -> CourseRun:
    root = tmp_path_factory.mktemp("course")
    shutil.copy(nbs.ROOT / "nbgrader_config.py", root)
    shutil.copytree(nbs.ROOT / "solutions", root / "solutions")
    shutil.copytree(nbs.ROOT / "reference", root / "reference")
    nbgrader("generate_assignment", nbs.ASSIGNMENT, cwd=root)
    released = json.loads((root / "assignments" / nbs.ASSIGNMENT / nbs.NOTEBOOK).read_text())
    submissions = {"solution": nbs.SOLUTIONS_NB, "release": released, "two_mistakes": two_mistakes()}
    submissions |= {f"ex_{py.stem}": nbs.filled(py) for py in sorted(nbs.EXAMPLES.glob("*.py"))}
    for student, nb in submissions.items():
        nbs.write(nb, root / "submitted" / student / nbs.ASSIGNMENT / nbs.NOTEBOOK)
        nbgrader("db", "student", "add", student, cwd=root)
    students = sorted(submissions)

    refused = nbgrader("autograde", nbs.ASSIGNMENT, cwd=root, check=False)  # the course's config refuses
    # A TA runs it anyway: every notebook runs in a kernel with the TA's rights (honest ones here).
    nbgrader("autograde", nbs.ASSIGNMENT, "--force", cwd=root, env={ALLOW_ENV: "1"})
    by_nbgrader, _, _ = gradebook_state(root / "gradebook.db", students)
    forge(root / "gradebook.db", students)
    ghost(root)
    # Handed in late and never seen by nbgrader: only the grader grades it.
    nbs.write(two_mistakes(), root / "submitted" / LATE / nbs.ASSIGNMENT / nbs.NOTEBOOK)
    nbgrader("db", "student", "add", LATE, cwd=root)

    run(sys.executable, "-m", "autograder.cli", "autograde", nbs.ASSIGNMENT, "--out", "out", cwd=root)
    every = [*students, LATE]
    release = release_digest(assignment(nbs.ASSIGNMENT).folder.parent)  # what the grader reads against
    digest = CourseSecret(SECRET.encode()).digest
    by_grader = {s: results_io.load_if_current(
        root / "out" / s, fingerprint(root / "submitted" / s / nbs.ASSIGNMENT / nbs.NOTEBOOK, release, digest))
        for s in every}
    written, fields, comments = gradebook_state(root / "gradebook.db", every)
    nbgrader("generate_feedback", nbs.ASSIGNMENT, "--force", cwd=root)
    nbgrader("export", cwd=root)
    with open(root / "grades.csv", newline="") as f:
        export = {row["student_id"]: row for row in csv.DictReader(f)}
    return CourseRun(root, students, by_nbgrader, by_grader, written, fields, comments, export, refused)


def test_the_course_config_stops_nbgrader_autograde_before_any_kernel_runs(course_run):
    assert course_run.refused.returncode != 0
    assert "this course is graded by `autograder autograde backprop`" in course_run.refused.stdout + course_run.refused.stderr


def test_a_refused_nbgrader_autograde_touches_nothing(course_run, tmp_path):
    """Refused per notebook only, nbgrader had already deleted every autograded/ folder and
    added each folder of submitted/ to the gradebook as a student."""
    root = shutil.copytree(course_run.root, tmp_path / "course")
    nbs.write(nbs.solved(), root / "submitted" / "=HYPERLINK(1)" / nbs.ASSIGNMENT / nbs.NOTEBOOK)
    before = sorted(p.relative_to(root) for p in (root / "autograded").rglob("*"))
    refused = nbgrader("autograde", nbs.ASSIGNMENT, "--force", cwd=root, check=False)
    assert refused.returncode != 0 and "Nothing was run" in refused.stdout + refused.stderr
    assert sorted(p.relative_to(root) for p in (root / "autograded").rglob("*")) == before
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert "=HYPERLINK(1)" not in {s.id for s in gb.students}


def test_the_course_grades_full_zero_and_partial(course_run):
    export = {s: float(row["score"]) for s, row in course_run.export.items()}
    assert export["solution"] == export["ex_correct"] == 29
    assert export["release"] == export["ex_stub"] == 0
    # one root mistake costs once: a factor 2 in both univariate gradients, keepdims in b1
    assert export["two_mistakes"] == course_run.grader["two_mistakes"].score == 29 - 1 - 1
    # the written derivations (6 points) wait for a TA: in the maximum, not in the score yet
    assert {float(row["max_score"]) for row in course_run.export.values()} == {29.0 + 6}


def test_nbgrader_and_the_sandbox_agree_on_every_test_cell_of_honest_work(course_run):
    """nbgrader's in-kernel checks (public inputs, hidden part against the reference) and the
    sandbox (the course secret's inputs) give every test cell the same score."""
    for student in course_run.students:
        result = course_run.grader[student]
        assert result is not None and result.grader_error is None, student
        assert course_run.nbgrader[student] == nbs.by_group(result), student
    partial = {s: sum(v.values()) for s, v in course_run.nbgrader.items()}
    assert partial["ex_mistake_missing_factor_2"] == 25 and partial["ex_mistake_no_keepdims"] == 27
    assert partial["ex_mistake_sigmoid_derivative"] == 28


def test_autograde_leaves_the_sandboxes_scores_whatever_the_gradebook_held(course_run):
    """Forged auto scores, manual scores and extra credit are all replaced or cleared."""
    for student in [*course_run.students, LATE]:
        assert course_run.gradebook[student] == nbs.by_group(course_run.grader[student]), student
        assert set(course_run.fields[student]) == {(None, None)}, student
        assert float(course_run.export[student]["score"]) == course_run.grader[student].score, student
    assert float(course_run.export[LATE]["score"]) == 27
    assert "FORGED COMMENT" not in json.dumps(course_run.comments)


def test_a_submission_autograde_did_not_grade_leaves_the_gradebook_and_the_folders(course_run):
    assert float(course_run.export[GHOST]["score"]) == 0
    for folder in ("autograded", "feedback"):
        assert not (course_run.root / folder / GHOST / nbs.ASSIGNMENT).exists()


def test_feedback_appears_once_under_its_test_cell(course_run):
    html = (course_run.root / "feedback" / "two_mistakes" / nbs.ASSIGNMENT / "backprop.html").read_text()
    assert html.count("autograder: 3/4 points for univariate (backward)") == 1
    assert "keepdims=True" in html and "half the right value" in html
    assert "27.0 / 35.0" in html
    notebook = json.loads((course_run.root / "autograded" / "two_mistakes" / nbs.ASSIGNMENT / nbs.NOTEBOOK).read_text())
    test = nbs.cell(notebook, "univariate_backward")
    assert [o["text"].splitlines()[0] for o in test["outputs"]] == ["autograder: 3/4 points for univariate (backward)"]
    assert "BEGIN HIDDEN TESTS" not in json.dumps(notebook)
    assert all(not c.get("outputs") for c in notebook["cells"] if not c["metadata"].get("nbgrader", {}).get("grade"))


def test_every_student_gets_a_feedback_file(course_run):
    for student in [*course_run.students, LATE]:
        assert (course_run.root / "feedback" / student / nbs.ASSIGNMENT / "backprop.html").is_file(), student
    stub = (course_run.root / "feedback" / "release" / nbs.ASSIGNMENT / "backprop.html").read_text()
    assert "not implemented yet" in stub and "0.0 / 35.0" in stub


def test_feedback_comments_show_student_text_verbatim_not_as_html():
    """nbgrader renders comments as markdown; an error message is the student's text."""
    from nbconvert.filters.markdown import markdown2html

    from autograder.gradebook import submission_comment
    from autograder.verdicts import SubmissionResult

    result = SubmissionResult("s", [], notes=["cell 3 was changed <script>alert(1)</script> ```` **bold**"])
    html = markdown2html(submission_comment(result))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "**bold**" in html and "cell 3 was changed" in html


def test_secret_never_reaches_the_student_folders(course_run):
    secret = SECRET.encode()
    for folder in ("autograded", "feedback"):
        for path in (course_run.root / folder).rglob("*"):
            assert not path.is_file() or secret not in path.read_bytes(), path
    assert os.environ.get(AUTOGRADER_SECRET) != SECRET  # the tests' own environment never holds it


def _regrade(course_run: CourseRun, tmp_path: Path, student: str, *args: str) -> Path:
    """autograde of one student, in a copy of the course (the module's course stays as it was)."""
    root = shutil.copytree(course_run.root, tmp_path / "course")
    run(sys.executable, "-m", "autograder.cli", "autograde", nbs.ASSIGNMENT, "--student", student, *args, cwd=root)
    return root


def _set_by_hand(db: Path, student: str, cell: str, score: float, comment: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        gb.find_grade(cell, nbs.ASSIGNMENT, nbs.ASSIGNMENT, student).manual_score = score
        gb.find_comment(cell, nbs.ASSIGNMENT, nbs.ASSIGNMENT, student).manual_comment = comment
        gb.db.commit()


def test_a_tas_grade_of_a_written_derivation_survives_a_regrade(course_run, tmp_path):
    _set_by_hand(course_run.root / "gradebook.db", "solution", "sigmoid_mlp_derivation", 1.5, "sigma' is right")
    try:
        root = _regrade(course_run, tmp_path, "solution")
    finally:
        _set_by_hand(course_run.root / "gradebook.db", "solution", "sigmoid_mlp_derivation", None, None)
    scores, _, comments = gradebook_state(root / "gradebook.db", ["solution"], tests_only=False)
    assert scores["solution"]["sigmoid_mlp_derivation"] == 1.5
    assert comments["solution"]["sigmoid_mlp_derivation"] == "sigma' is right"
    assert sum(scores["solution"].values()) == 29 + 1.5


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element of an HTML page with its attributes (text, escaped or not, is not an element)."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Tags().feed(html)
    return found


def test_the_written_derivation_reaches_the_ta_as_text_never_as_html(course_run, tmp_path):
    """A derivation with HTML and links in it: formgrader renders the autograded notebook."""
    from nbconvert import HTMLExporter

    nb = nbs.solved()
    hostile = ("$\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$ and $a < b$ <script>alert(1)</script> "
               "<img src=x onerror=alert(2)> [click](javascript:alert(3)) ![i](javascript:alert(4))\n\n"
               "[ref]: javascript:alert(5)\n\nsee [this][ref] <a href='javascript:alert(6)'>a</a>")
    nbs.cell(nb, "sigmoid_mlp_derivation")["source"] = hostile
    submitted = course_run.root / "submitted" / "writer" / nbs.ASSIGNMENT / nbs.NOTEBOOK
    nbs.write(nb, submitted)
    try:
        root = _regrade(course_run, tmp_path, "writer", "--create-students")
    finally:
        shutil.rmtree(submitted.parent.parent)
    autograded = json.loads((root / "autograded" / "writer" / nbs.ASSIGNMENT / nbs.NOTEBOOK).read_text())
    written = "".join(nbs.cell(autograded, "sigmoid_mlp_derivation")["source"])
    assert "\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))" in written  # the math, as written
    html, _ = HTMLExporter().from_notebook_node(nbformat.reads(json.dumps(autograded), as_version=4))
    tags = _tags(html)
    assert "<script>alert(1)" not in html
    assert not [t for t in tags if any(k.startswith("on") for k, _ in t[1])]
    assert not [t for t in tags if any(v and "javascript:" in v.lower() for _, v in t[1])]
    assert "&lt;script&gt;alert(1)" in html  # shown to the TA as text
