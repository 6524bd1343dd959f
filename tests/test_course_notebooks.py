"""The course's notebooks: generated from the spec and the reference, released by nbgrader,
and run in real Jupyter kernels (nbclient) the way students run them."""
from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import notebooks as nbs
from autograder import notebook
from autograder.expected import GraderError
from assignment1 import BACKPROP
from autograder.course import assignments
from tools import course

RELEASED = sorted((nbs.ROOT / "assignments").glob("*/*.ipynb"))


@pytest.mark.parametrize("assignment", list(assignments().values()), ids=lambda a: a.name)
def test_solutions_and_release_are_generated_from_the_spec_and_up_to_date(assignment):
    stale = [str(rel) for rel, content in course.expected_files(assignment).items()
             if not (nbs.ROOT / rel).is_file() or (nbs.ROOT / rel).read_text() != content]
    assert stale == [], "run `python -m tools.course` (see README, For instructors) and commit the result"


def test_test_cells_are_worth_the_points_of_their_checks():
    points = {(ex.name, c.group): 0.0 for ex in BACKPROP.exercises for c in ex.checks()}
    for ex in BACKPROP.exercises:
        for c in ex.checks():
            points[(ex.name, c.group)] += c.points
    graded = [c for c in nbs.SOLUTIONS_NB["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    tests = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
             for c in graded if c["cell_type"] == "code"}
    assert tests == {f"{ex}_{group}": p for (ex, group), p in points.items()}
    assert sum(tests.values()) == 29
    by_hand = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
               for c in graded if c["cell_type"] == "markdown"}
    assert by_hand == {f"{ex.name}_derivation": ex.derivation_points for ex in BACKPROP.exercises}
    assert sum(by_hand.values()) == BACKPROP.manual_points() == 6


def _execute(nb: dict, directory: Path) -> nbformat.NotebookNode:
    node = nbformat.reads(json.dumps(nb), as_version=4)  # as Jupyter reads a file
    NotebookClient(node, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(directory)}}).execute()
    return node


def _outputs(cell: nbformat.NotebookNode, kind: str) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == kind]


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in _outputs(cell, "stream") if o.name == "stdout")


@pytest.mark.slow
@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.parent.name)
def test_released_notebook_filled_with_the_solutions_runs_top_to_bottom(released, tmp_path):
    work = shutil.copytree(released.parent, tmp_path / released.parent.name)
    node = _execute(nbs.solved(released.parent.name), work)
    errors = [(c.id, o.ename, o.evalue) for c in node.cells for o in _outputs(c, "error")]
    assert errors == []
    for c in node.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade") and c.cell_type == "code":
            assert not [o for o in _outputs(c, "stream") if o.name == "stderr"], c.id
            (result,) = _outputs(c, "execute_result")
            assert float(result.data["text/plain"]) == meta["points"], _stdout(c)
            assert "FAIL" not in _stdout(c) and "PASS" in _stdout(c)
    train = next(c for c in node.cells if c.id == "train")
    assert any("image/png" in o.data for o in _outputs(train, "display_data")), "the loss curve was not plotted"
    if released.parent.name != "backprop":
        return
    line = _stdout(next(c for c in node.cells if c.id == "univariate_after")).splitlines()
    losses = [float(text.split("loss ")[1]) for text in line if text.startswith("step")]
    assert len(losses) == 6 and losses[-1] < 0.2 * losses[0]
    w, b = (float(part.split("= ")[1]) for part in line[-1].split(" (")[0].split(", "))
    assert abs(w - 2) < 0.2 and abs(b + 1) < 0.2, line[-1]  # the noisy line it was fitted to


@pytest.mark.slow
@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.parent.name)
def test_untouched_release_fails_its_tests_with_not_implemented_messages_not_tracebacks(released, tmp_path):
    work = shutil.copytree(released.parent, tmp_path / released.parent.name)
    node = _execute(json.loads(released.read_text()), work)
    assert [(c.id, o.ename) for c in node.cells for o in _outputs(c, "error")] == []
    graded = [c for c in node.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert len(graded) == sum(len(ex.groups()) for ex in assignments()[released.parent.name].exercises)
    for c in graded:
        (result,) = _outputs(c, "execute_result")
        assert float(result.data["text/plain"]) == 0.0
        assert "is not implemented yet (it raises NotImplementedError)" in _stdout(c)
        assert "Traceback" not in _stdout(c)
    train = next(c for c in node.cells if c.id == "train")
    assert "first, then run this cell again" in _stdout(train)
    if released.parent.name == "backprop":
        assert "Write sigmoid, sigmoid_mlp_forward and sigmoid_mlp_backward first" in _stdout(train)
        line = next(c for c in node.cells if c.id == "univariate_after")
        assert _stdout(line).strip() == "Write univariate_forward and univariate_backward first, then run this cell again."


def _namespace(py: Path) -> dict:
    namespace: dict = {"__name__": "__main__"}
    exec(compile(py.read_text(), str(py), "exec"), namespace)  # noqa: S102 - trusted example code
    return namespace


@pytest.mark.parametrize("reference", [False, True], ids=["visible", "hidden"])
def test_the_check_prints_the_graders_feedback_and_returns_its_score(reference, oracles, monkeypatch, tmp_path):
    monkeypatch.chdir(nbs.ROOT)  # the hidden part finds reference/ from the course directory
    py = nbs.EXAMPLES / "mistake_no_keepdims.py"
    graded = nbs.grade(py, oracles)
    out = io.StringIO()
    with redirect_stdout(out):
        score = notebook.check("two_layer_linear", "backward", _namespace(py), reference=reference)
    assert score == nbs.by_group(graded)["two_layer_linear_backward"] == 5  # b1 (the descent path follows from it)
    printed = out.getvalue()
    assert printed.startswith("== two_layer_linear, backward pass: 5/6 points ==")
    assert "-> two_layer_linear, backward pass: 5 points; total of the test cells run so far: 5/29" in printed
    # The very message `autograder grade` gives (the diagnosis shape comes first on both sides).
    assert nbs.message(graded, "two_layer_linear: gradient: b1").split("\n")[0] in printed
    assert "keepdims=True" in printed and "PASS gradient: W1" in printed
    assert ("the reference solution" in printed) == reference


def test_the_check_keeps_stderr_clean_whatever_the_student_code_does(capsys):
    namespace = _namespace(nbs.EXAMPLES / "correct.py")
    original = namespace["univariate_forward"]

    def noisy(params, X, y):
        import sys
        import warnings

        import numpy as np

        warnings.warn("careful")
        print("to stderr", file=sys.stderr)
        np.exp(np.array([1000.0]))  # overflow RuntimeWarning
        return original(params, X, y)

    namespace["univariate_forward"] = noisy
    assert notebook.check("univariate", "forward", namespace) == 2.0
    assert capsys.readouterr().err == ""


def test_autodiff_in_the_kernel_costs_what_the_grader_takes(oracles, tmp_path):
    """Imported, it costs nothing; used in a backward pass (even through __import__), that
    function's checks are lost, in the kernel as in the sandbox."""
    py = nbs.EXAMPLES / "correct.py"
    namespace = _namespace(py)
    exec("import torch\nfrom torch import tensor", namespace)  # noqa: S102 - an import cell
    with redirect_stdout(io.StringIO()):
        assert notebook.check("univariate", "backward", namespace) == 4.0
    using = tmp_path / "using.py"
    using.write_text(py.read_text() + "\n\ndef univariate_backward(params, cache):\n"
                     "    t = __import__('torch').tensor(1.0, requires_grad=True)\n    return {}\n")
    graded = nbs.by_group(nbs.grade(using, oracles))
    out = io.StringIO()
    with redirect_stdout(out):
        assert notebook.check("univariate", "backward", _namespace(using)) == graded["univariate_backward"] == 0.0
    assert "torch is not available when grading" in out.getvalue() and "derived by hand" in out.getvalue()
    assert "in univariate_backward" in out.getvalue()


def test_the_reference_is_found_from_the_course_root_not_from_a_students_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(notebook.REFERENCE_ENV, raising=False)
    course_dir = tmp_path / "course"
    student = course_dir / "autograded" / "alice" / "backprop"
    for d in (course_dir, student):  # alice planted a course of her own in her submission
        (d / "reference" / "backprop").mkdir(parents=True)
        (d / "reference" / "backprop" / "__init__.py").write_text("")
        (d / "nbgrader_config.py").write_text("")
    assert notebook.find_reference("backprop", student) == course_dir / "reference"
    monkeypatch.setenv(notebook.REFERENCE_ENV, str(student / "reference"))
    assert notebook.find_reference("backprop", tmp_path) == student / "reference"
    monkeypatch.delenv(notebook.REFERENCE_ENV)
    with pytest.raises(GraderError, match="reference solution was not found"):
        notebook.find_reference("backprop", tmp_path)


def test_in_the_kernel_tracebacks_show_the_line_of_the_cell_that_defines_the_function():
    import linecache

    cell = "def univariate_forward(params, X, y):\n    y_hat = params['w'] * X\n    return y_hat + params['nope'], 0.0, None\n"
    filename = "/tmp/ipykernel_0/1234.py"  # how IPython names a cell's code
    linecache.cache[filename] = (len(cell), None, cell.splitlines(keepends=True), filename)
    namespace: dict = {}
    exec(compile(cell, filename, "exec"), namespace)  # noqa: S102
    out = io.StringIO()
    with redirect_stdout(out):
        assert notebook.check("univariate", "forward", namespace) == 0.0
    assert "line 3, in univariate_forward: return y_hat + params['nope'], 0.0, None" in out.getvalue()
    assert "KeyError: 'nope'" in out.getvalue()


def test_a_function_whose_cell_is_not_valid_python_is_named_as_such_in_the_kernel():
    """A cell with a syntax error never defines its function: the test cell says so, with
    the line, from the kernel's input history (IPython's `In`), not just "not defined"."""
    source = (nbs.EXAMPLES / "correct.py").read_text()
    namespace = _namespace(nbs.EXAMPLES / "correct.py")
    del namespace["multivariate_backward"]
    broken = "def multivariate_backward(params, cache):\n    X, y, y_hat = cache\n    retrun {}\n"
    namespace["In"] = ["", source, broken, "x = 1"]
    out = io.StringIO()
    with redirect_stdout(out):
        assert notebook.check("multivariate", "backward", namespace) == 0.0
    assert ("`multivariate_backward` is not defined: the cell that defines it (run as In [2]) is not valid Python "
            "(line 3: invalid syntax): fix it and run it") in out.getvalue(), out.getvalue()
