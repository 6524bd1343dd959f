"""docs/adding-an-exercise.md, followed step by step: a toy assignment declared in a folder
of its own gets, with no engine edits, the grader, the oracles' cross-check, the notebook's
visible and hidden test cells, the nbgrader round trip and every report.

One course directory serves the module (a module fixture; pytest runs a module on one
worker): the declaration, the reference, the generated notebooks, a graded batch.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tools import course as tools

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent

DECLARATION = '''
"""A quadratic model: y_hat = a x^2 + b, with the MSE."""
from fractions import Fraction

import numpy as np

from autograder.diagnosis import SizeRole, Vocabulary
from autograder.kinds.model import Loss, Model, Param
from autograder.spec import Family, Mistake, Sizes


def torch_forward(torch, p, X, y):
    y_hat = p["a"] * X ** 2 + p["b"]
    return y_hat, torch.mean((y_hat - y) ** 2)


EXERCISE = Model(
    name="quadratic",
    title="A quadratic model",
    params=(Param("a", ()), Param("b", ())),
    families=(
        Family("diagnosis", Sizes.of(m=5), {"m": (3, 9)}, lambda s: s["m"] % 2 == 1),
        Family("m = 1", Sizes.of(m=1), {"m": (1, 1)}),
    ),
    inputs=lambda rng, s: (rng.normal(size=(1, s["m"])), rng.normal(size=(1, s["m"]))),
    torch_forward=torch_forward,
    loss=Loss(name="MSE", described="mean squared error",
              of_output=lambda y_hat, y: float(np.mean((y_hat - y) ** 2)),
              factors={Fraction(1, 2): "half the right value: the square's derivative brings a factor 2"}),
    vocabulary=Vocabulary(sizes=(SizeRole("m", "examples", axis="X.shape[1]"),)),
    formula="y_hat = a x^2 + b",
    x_shape="(1, m)",
    mistakes=(Mistake("no_square", "y_hat uses x where x squared belongs"),),
)
'''
ASSIGNMENT = '''
from pathlib import Path

from autograder.spec import Assignment

from . import quadratic

ASSIGNMENT = Assignment(name="toy", title="A toy assignment", exercises=(quadratic.EXERCISE,),
                        folder=Path(__file__).parent)
'''
PROSE = '''<!-- intro -->
One feature x, a row of shape (1, m).

__TABLE__

<!-- before backward -->
**Hints.** Differentiate the square, then follow the chain rule.
'''
REFERENCE = '''
import numpy as np


def _mse(y_hat, y):
    return float(np.mean((y_hat - y) ** 2))


def quadratic_forward(params, X, y):
    y_hat = params["a"] * X ** 2 + params["b"]
    return y_hat, _mse(y_hat, y), (X, y, y_hat)


def quadratic_backward(params, cache):
    X, y, y_hat = cache
    dy = 2.0 / X.shape[1] * (y_hat - y)
    return {"a": float(np.sum(dy * X ** 2)), "b": float(np.sum(dy))}


def _no_square(params, X, y):
    y_hat = params["a"] * X + params["b"]
    return y_hat, _mse(y_hat, y), (X, y, y_hat)


KNOWN_WRONG = {"no_square": {"quadratic_forward": _no_square}}
'''
CORRECT = REFERENCE.split("def _no_square")[0]
HALF = CORRECT.replace("dy = 2.0 / X.shape[1]", "dy = 1.0 / X.shape[1]")
NO_SQUARE = CORRECT.replace('y_hat = params["a"] * X ** 2 + params["b"]', 'y_hat = params["a"] * X + params["b"]')


@dataclass
class Toy:
    course: Path
    exercises: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(list(args), cwd=self.course, env=self.env, capture_output=True, text=True, timeout=600)
        assert not check or proc.returncode == 0, f"{args}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        return proc

    def grade(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "autograder.cli", "grade", *args, "--assignment", "toy",
                        "--exercises", str(self.exercises), check=check)


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Toy:
    """Steps 1-5 of the guide: declare, write the prose, add to an assignment, write the
    reference, generate the notebooks."""
    root = tmp_path_factory.mktemp("toy")
    course, exercises = root / "course", root / "exercises"
    (exercises / "toy").mkdir(parents=True)
    (exercises / "toy" / "quadratic.py").write_text(DECLARATION)
    (exercises / "toy" / "quadratic.md").write_text(PROSE)
    (exercises / "toy" / "__init__.py").write_text(ASSIGNMENT)
    (exercises / "toy" / "intro.md").write_text("# A toy assignment\n\nPoints: __POINTS__.\n")
    (course / "reference" / "toy").mkdir(parents=True)
    (course / "reference" / "toy" / "__init__.py").write_text("")
    (course / "reference" / "toy" / "quadratic.py").write_text(REFERENCE)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env = {**tools.venv_env(), "AUTOGRADER_EXERCISES": str(exercises), "AUTOGRADER_SECRET": "toy secret"}
    toy = Toy(course, exercises, env)
    toy.run(sys.executable, "-m", "tools.course", "--exercises", str(exercises), "--course-dir", str(course))
    return toy


def test_the_notebooks_are_generated_from_the_declaration(toy):
    release = json.loads((toy.course / "assignments" / "toy" / "toy.ipynb").read_text())
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in release["cells"]]
    assert ids == [None, "setup", "checker", None, "quadratic_forward_code", "quadratic_forward", None,
                   "quadratic_backward_code", "quadratic_backward"]
    text = json.dumps(release)
    assert "Points: a quadratic model 6: 6 from the checks." in text and "Differentiate the square" in text
    assert "X ** 2" not in text  # the release holds stubs, not the reference's code
    solutions = json.dumps(json.loads((toy.course / "solutions" / "toy" / "toy.ipynb").read_text()))
    assert "X ** 2" in solutions and "BEGIN HIDDEN TESTS" in solutions


def test_the_grader_grades_and_names_the_mistakes(toy, tmp_path):
    for name, source in (("correct.py", CORRECT), ("half.py", HALF), ("no_square.py", NO_SQUARE)):
        (tmp_path / name).write_text(source)
    toy.grade(str(tmp_path), "--out", str(tmp_path / "out"), "--junit", str(tmp_path / "j.xml"),
              "--csv", str(tmp_path / "s.csv"), "--reference", str(toy.course / "reference"))
    scores = {row["submission"]: float(row["score"]) for row in csv.DictReader((tmp_path / "s.csv").open())}
    # half: the gradients of a and b, and the descent; no_square: all but "inputs not modified"
    assert scores == {"correct.py": 6, "half.py": 5, "no_square.py": 3}  # one root mistake costs once
    half = (tmp_path / "out" / "half.py" / "feedback.txt").read_text()
    assert "half the right value: the square's derivative brings a factor 2" in half
    no_square = json.loads((tmp_path / "out" / "no_square.py" / "results.json").read_text())
    assert any("y_hat uses x where x squared belongs" in t["output"] for t in no_square["tests"])
    assert {t["name"] for t in no_square["tests"]} >= {"quadratic: forward: y_hat", "quadratic: gradient: a"}
    assert len(ET.parse(tmp_path / "j.xml").getroot().findall("testsuite")) == 3


def test_the_oracles_cross_check_the_reference(toy, tmp_path):
    broken = tmp_path / "reference"
    shutil.copytree(toy.course / "reference", broken)
    code = (broken / "toy" / "quadratic.py").read_text()
    (broken / "toy" / "quadratic.py").write_text(code.replace('"b": float(np.sum(dy))', '"b": 2 * float(np.sum(dy))'))
    (tmp_path / "correct.py").write_text(CORRECT)
    proc = toy.grade(str(tmp_path / "correct.py"), "--reference", str(broken), check=False)
    assert proc.returncode == 3 and "oracles disagree on quadratic b" in proc.stderr


def test_visible_and_hidden_test_cells_run_in_a_kernel(toy, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_EXERCISES", str(toy.exercises))
    monkeypatch.chdir(toy.course)  # the hidden part finds reference/ from the course directory
    solutions = json.loads((toy.course / "solutions" / "toy" / "toy.ipynb").read_text())
    node = nbformat.reads(json.dumps(solutions), as_version=4)
    NotebookClient(node, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(toy.course)}}).execute()
    assert [o.ename for c in node.cells for o in c.get("outputs", []) if o.output_type == "error"] == []
    tests = [c for c in node.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in tests:
        (result,) = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert float(result.data["text/plain"]) == cell.metadata["nbgrader"]["points"]
        printed = "".join(o.text for o in cell.outputs if o.output_type == "stream")
        assert "against the reference solution" in printed  # the hidden part ran, with the reference


def test_the_nbgrader_round_trip(toy):
    course = toy.course
    toy.run(sys.executable, "-m", "nbgrader", "generate_assignment", "toy", "--force")
    toy.run(sys.executable, "-m", "nbgrader", "db", "student", "add", "alice")
    toy.run(sys.executable, "-m", "nbgrader", "db", "student", "add", "bob")
    solved = json.loads((course / "solutions" / "toy" / "toy.ipynb").read_text())
    stub = json.loads((course / "assignments" / "toy" / "toy.ipynb").read_text())
    for student, nb in (("alice", solved), ("bob", stub)):
        (course / "submitted" / student / "toy").mkdir(parents=True)
        (course / "submitted" / student / "toy" / "toy.ipynb").write_text(json.dumps(nb))
    toy.run(sys.executable, "-m", "autograder.cli", "autograde", "toy", "--exercises", str(toy.exercises))
    toy.run(sys.executable, "-m", "nbgrader", "generate_feedback", "toy", "--force")
    toy.run(sys.executable, "-m", "nbgrader", "export")
    grades = {row["student_id"]: float(row["score"]) for row in csv.DictReader((course / "grades.csv").open())}
    assert grades == {"alice": 6.0, "bob": 0.0}
    html = (course / "feedback" / "bob" / "toy" / "toy.html").read_text()
    assert "`quadratic_forward` is not implemented yet" in html


def test_the_engine_names_no_exercise():
    """The engine is generic: no exercise of the course appears in it."""
    from autograder.course import assignments

    names = {ex.name for a in assignments().values() for ex in a.exercises}
    for path in (ROOT / "autograder").rglob("*.py"):
        text = path.read_text()
        found = sorted(n for n in names if n in text)
        assert found == [], f"{path.relative_to(ROOT)} names {found}"
