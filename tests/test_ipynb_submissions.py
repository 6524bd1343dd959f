"""`autograder grade` on .ipynb submissions: the student's cells graded exactly like a .py
file, IPython syntax tolerated, errors confined to their cell and located by cell number,
and a clear message (not a crash) for anything that is not a submission."""
from __future__ import annotations

import json

import pytest

import notebooks as nbs
from autograder import cells
from autograder.ipynb import ReleaseError
from autograder.submission import SubmissionError, load

EXAMPLE_FILES = sorted(nbs.EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("py", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_a_notebook_scores_exactly_like_the_same_code_in_a_py_file(py, tmp_path, oracles):
    as_py = nbs.grade(py, oracles)
    as_nb = nbs.grade(nbs.write(nbs.filled(py), tmp_path / "backprop.ipynb"), oracles)
    assert [(v.name, v.points, v.passed) for v in as_nb.verdicts] == [(v.name, v.points, v.passed) for v in as_py.verdicts]
    assert as_nb.score == as_py.score
    assert as_nb.notes == []


def test_the_solutions_notebook_and_the_untouched_release(tmp_path, oracles):
    full = nbs.grade(nbs.write(nbs.solved(), tmp_path / "a" / "backprop.ipynb"), oracles)
    assert full.score == full.max_score == 29, [v.message for v in full.verdicts if not v.passed]
    stub = nbs.grade(nbs.write(nbs.release(), tmp_path / "b" / "backprop.ipynb"), oracles)
    assert stub.score == 0
    assert "`univariate_forward` is not implemented yet" in nbs.message(stub, "univariate: forward: y_hat")
    # The hidden tests in the source notebook's test cells are not a student's edit.
    source = nbs.grade(nbs.write(nbs.SOLUTIONS_NB, tmp_path / "c" / "backprop.ipynb"), oracles)
    assert source.score == 29 and source.notes == []


def test_magics_and_shell_lines_are_not_run_and_line_numbers_survive(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    backward = nbs.cell(nb, "univariate_backward_code")
    backward["source"] = ("%%time\n%matplotlib inline\n!pip install numpy\nfiles = !ls\nnp.dot?\n"
                          + backward["source"].replace('m = cache["X"].shape[1]', 'm = cache["X"].shape[1]\n    boom = cache["nope"]'))
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    number = nb["cells"].index(backward) + 1
    msg = nbs.message(result, "univariate: gradient: w")
    # `boom = ...` is the 8th line of the cell: 5 IPython lines, the def, the m = ... line.
    assert f"cell {number}, line 8, in univariate_backward: boom = cache[\"nope\"]" in msg
    assert "KeyError: 'nope'" in msg
    assert result.score == 29 - 4  # the backward raises: its gradients, the descent path and (never having returned) its inputs
    assert "pip" not in result.student_output


def test_a_cell_magic_with_a_non_python_body_is_skipped(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    nb["cells"].insert(3, nbs.code_cell("%%bash\necho hello > /tmp/x\nrm -rf nothing\n"))
    nb["cells"].insert(3, nbs.code_cell("%%writefile helper.py\ndef sigmoid(z):\n    return z\n"))
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.score == 29


def test_an_error_stops_its_cell_only_as_in_jupyter_and_is_reported(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    forward = nbs.cell(nb, "univariate_forward_code")
    forward["source"] += "\n\nprint(univariate_forward({'w': 1.0, 'b': 0.0}, np.ones((1, 3)), np.zeros((1, 3)))[1])\nundefined_name\n"
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    number = nb["cells"].index(forward) + 1
    lines = forward["source"].split("\n")
    assert result.score == 29  # the functions above the error were defined, as in Jupyter
    assert "1.0\n" in result.student_output  # the cell ran up to the error
    assert f"cell {number} stopped with an error" in result.student_output
    assert f"cell {number}, line {lines.index('undefined_name') + 1}, in <module>: undefined_name" in result.student_output
    assert "NameError: name 'undefined_name' is not defined" in result.student_output


def test_a_syntax_error_costs_its_cell_not_the_notebook(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    broken = nbs.cell(nb, "multivariate_backward_code")
    broken["source"] += "\n\ndef oops(:\n    pass\n"
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    number = nb["cells"].index(broken) + 1
    assert result.score == 29 - 4  # the backward never ran: its gradients, the descent path and its inputs
    message = nbs.message(result, "multivariate: gradient: w")
    assert f"`multivariate_backward` is not defined: cell {number}, which defines it, was not run: it is not valid Python" \
        in message
    assert "def oops(:" in message
    assert f"cell {number} was not run: it is not valid Python" in result.student_output
    assert "def oops(:" in result.student_output
    # one reason for both gradients: said once, naming both checks
    from autograder.report_text import render

    report = render(result)
    assert "  FAIL gradient: w, gradient: b [0/2]" in report
    assert report.count(f"`multivariate_backward` is not defined: cell {number}") == 1


def test_cells_the_student_added_keep_only_imports_and_definitions(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    helper = "\n".join([
        "import matplotlib.pyplot as plt",
        "from autograder.notebook import check",
        "EPS = 0.0",
        "def square(a):",
        "    return a ** 2",
        "X_demo = np.ones((3, 4))",
        "print('EXPLORATION RAN')",
        "plt.plot([1, 2, 3])",
        "for _ in range(10 ** 9):",
        "    pass",
    ])
    nb["cells"].insert(2, nbs.code_cell(helper))
    uses = nbs.cell(nb, "univariate_forward_code")
    uses["source"] = uses["source"].replace("(cache[\"y_hat\"] - cache[\"y\"]) ** 2", "square(cache['y_hat'] - cache['y']) + EPS")
    uses["source"] = uses["source"].replace("np.mean((y_hat - y) ** 2)", "np.mean(square(y_hat - y) + EPS)")
    assert "square(" in uses["source"]
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.score == 29  # the helper and constant were defined; the loop never ran
    assert "EXPLORATION RAN" not in result.student_output
    assert "matplotlib" not in result.student_output


def test_the_training_cell_does_not_run_while_grading(tmp_path, oracles):
    nb = nbs.solved()
    train = nbs.cell(nb, "train")
    assert "sigmoid_mlp_forward(params, X_train, y_train)" in train["source"]
    nb["cells"].append(nbs.code_cell(train["source"] + "\nprint('TRAINED')"))  # a copy, as a student cell
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.score == 29
    assert "TRAINED" not in result.student_output and "Fontconfig" not in result.student_output


def test_definitions_only_keeps_line_numbers():
    code = "import numpy as np\nx = np.ones(3)\n\n@decorate\ndef f(a):\n    return a\nf(x)\nK = 3\n"
    kept = cells.definitions_only(code).split("\n")
    assert kept == ["import numpy as np", "", "", "@decorate", "def f(a):", "    return a", "", "K = 3", ""]


def test_strip_magics_keeps_valid_python_untouched():
    code = "x = 5 % 3\nprint('%d' % x)\n"
    assert cells.strip_magics(code) == code
    assert cells.strip_magics("for i in range(2):\n    !echo hi\n").split("\n") == ["for i in range(2):", "    pass", ""]


@pytest.mark.parametrize("content,phrase", [
    (b"{not json", "is not a valid notebook: it is not valid JSON"),
    (b"\xff\xfe\x00", "cannot read backprop.ipynb"),
    (json.dumps({"nbformat": 3, "worksheets": []}).encode(), "old nbformat 3"),
    (json.dumps({"cells": [{"cell_type": "code", "source": 5}]}).encode(), "cell 1 is malformed"),
    (json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "def univariate_forward(p, X, y): pass"}]}).encode(),
     "it has none of the answer cells"),
    (json.dumps({"cells": [{"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "q1_solution", "solution": True}},
                            "source": "x = 1"}]}).encode(), "another assignment (its cells are q1_solution)"),
])
def test_what_is_not_a_submission_gets_a_clear_zero_not_a_crash(content, phrase, tmp_path, oracles):
    path = tmp_path / "backprop.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError) as caught:
        load(path)
    assert phrase in str(caught.value)
    result = nbs.grade(path, oracles)
    assert result.score == 0 and result.grader_error is None
    assert all(phrase in nbs.message(result, f"{ex}: forward: y_hat") for ex in ("univariate", "sigmoid_mlp"))


def test_a_missing_answer_cell_is_noted_and_the_rest_graded(tmp_path, oracles):
    nb = nbs.solved()
    nb["cells"].remove(nbs.cell(nb, "sigmoid_mlp_sigmoid_code"))
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.score == 29 - 9  # the MLP calls sigmoid: its whole exercise is lost, nothing else
    assert "`sigmoid` is not defined" in nbs.message(result, "sigmoid_mlp: sigmoid")
    assert any("`sigmoid_mlp_sigmoid_code` is missing" in n for n in result.notes)


def test_no_release_to_trust_is_the_graders_failure_not_the_students(tmp_path, oracles):
    path = nbs.write(nbs.solved(), tmp_path / "backprop.ipynb")
    with pytest.raises(ReleaseError, match="no released notebooks"):
        load(path, release_dir=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReleaseError, match="no released notebooks"):
        load(path, release_dir=tmp_path / "empty")


def test_a_renamed_download_is_matched_to_the_only_release(tmp_path, oracles):
    result = nbs.grade(nbs.write(nbs.solved(), tmp_path / "backprop (1).ipynb"), oracles)
    assert result.score == 29
