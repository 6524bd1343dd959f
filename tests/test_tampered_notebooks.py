"""Red team, notebooks: tampering with test cells or nbgrader metadata, redefining the check
helpers, or smuggling code where the grader does not look for it earns nothing.

Each tamper is applied to two honest notebooks, the untouched release (0 points) and one
with a classic mistake (25/29); the correct functions are what gets smuggled, so a grader
that ran the smuggled code would give 29. `autograder grade` must give exactly the honest
score, and say what it ignored where the student could not otherwise tell.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

import notebooks as nbs

CORRECT = (nbs.EXAMPLES / "correct.py").read_text()
HONEST = {"stub": nbs.release, "no_keepdims": lambda: nbs.filled(nbs.EXAMPLES / "mistake_no_keepdims.py")}
Tamper = Callable[[dict[str, Any]], str | None]  # edits the notebook; returns the note expected, if any


def _test_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def edited_test_cells_return_full_points(nb):
    for c in _test_cells(nb):
        points = c["metadata"]["nbgrader"]["points"]
        c["source"] = f"score = {points}\nscore"
    return "is read-only, but its code was changed: the grader ignores it and runs its own checks"


def edited_test_cell_is_just_a_number(nb):
    _test_cells(nb)[0]["source"] = "10"
    return "is read-only, but its code was changed"


def metadata_points_and_solution_flag(nb):
    """Test cells worth 100 points, marked as answer cells, holding the correct functions."""
    cells = _test_cells(nb)
    for c in cells:
        c["metadata"]["nbgrader"].update(points=100, solution=True, grade=False, locked=False)
    cells[0]["source"] = CORRECT
    return "its nbgrader metadata (grade, solution, points) differs from the released notebook: ignored"


def check_helpers_redefined(nb):
    nb["cells"].insert(3, nbs.code_cell("\n".join([
        "import autograder.notebook",
        "def check(*args, **kwargs):",
        "    return 9.0",
        "autograder.notebook.check = check",
        "autograder.notebook.grade_exercise = lambda *a, **k: None",
    ])))
    return None


def code_in_the_setup_cell(nb):
    """Moved last, so that its functions would replace the answer cells' (cell order is the student's)."""
    setup = nbs.cell(nb, "setup")
    setup["source"] += "\n" + CORRECT
    nb["cells"].remove(setup)
    nb["cells"].append(setup)
    return "is read-only, but its code was changed: the grader uses the released version"


def added_cell_claims_the_setup_id(nb):
    nb["cells"].append(nbs.code_cell(CORRECT, nbgrader={"grade_id": "setup", "locked": True, "grade": False,
                                                        "solution": False}))
    return "the grader uses the released version"


def added_cell_claims_a_test_id(nb):
    nb["cells"].append(nbs.code_cell(CORRECT, nbgrader={"grade_id": "univariate_backward", "solution": True}))
    return "the grader ignores it"


def code_in_the_training_cell_marked_to_run(nb):
    train = nbs.cell(nb, "train")
    train["source"] = CORRECT
    train["metadata"]["autograder"] = {"grading": "run"}
    return "(`train`) is read-only, but its code was changed: the grader does not run it"


def code_in_metadata_and_outputs(nb):
    nb["metadata"]["autograder"] = {"source": CORRECT, "grading": "run"}
    answer = nbs.cell(nb, "univariate_forward_code")
    answer["metadata"]["code"] = CORRECT
    answer["metadata"]["nbgrader"]["source"] = CORRECT
    answer["outputs"] = [{"output_type": "stream", "name": "stdout", "text": CORRECT}]
    return None


def code_in_markdown_and_raw_cells(nb):
    nb["cells"].append({"cell_type": "markdown", "metadata": {"nbgrader": {"grade_id": "setup"}}, "source": CORRECT})
    nb["cells"].append({"cell_type": "raw", "metadata": {}, "source": CORRECT})
    return None


TAMPERS: list[Tamper] = [edited_test_cells_return_full_points, edited_test_cell_is_just_a_number, metadata_points_and_solution_flag,
                         check_helpers_redefined, code_in_the_setup_cell, added_cell_claims_the_setup_id,
                         added_cell_claims_a_test_id, code_in_the_training_cell_marked_to_run,
                         code_in_metadata_and_outputs, code_in_markdown_and_raw_cells]


@pytest.fixture(scope="module")
def honest(tmp_path_factory, oracles):
    directory = tmp_path_factory.mktemp("honest")
    return {name: nbs.grade(nbs.write(make(), directory / name / "backprop.ipynb"), oracles) for name, make in HONEST.items()}


def test_the_smuggled_code_would_be_worth_full_marks(tmp_path, oracles):
    """Guard for the tests below: if the correct functions ran, the score would change."""
    assert nbs.grade(nbs.write(nbs.filled(CORRECT), tmp_path / "backprop.ipynb"), oracles).score == 29


@pytest.mark.parametrize("base", sorted(HONEST))
@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda t: t.__name__)
def test_tampering_earns_nothing(tamper, base, honest, tmp_path, oracles):
    nb = copy.deepcopy(HONEST[base]())
    note = tamper(nb)
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.grader_error is None
    assert nbs.by_group(result) == nbs.by_group(honest[base])
    assert result.score == honest[base].score < 29
    if note is not None:
        assert any(note in n for n in result.notes), result.notes


def test_notes_reach_the_student_in_the_text_report(tmp_path, oracles):
    from autograder import report_text

    nb = nbs.release()
    edited_test_cells_return_full_points(nb)
    text = report_text.render(nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles))
    assert "about your submission:" in text
    assert "(`univariate_forward`) is read-only, but its code was changed" in text
