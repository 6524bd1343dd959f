"""`autograder autograde` grades against the release installed with the grader, never the
course's copy in assignments/, which code run with the instructor's rights may have edited
(the course red team's side:release_tamper shows the attack end to end)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograder import autograde, course

ROOT = Path(__file__).resolve().parents[1]


def _course(tmp_path: Path) -> autograde.Course:
    return autograde.Course(tmp_path, tmp_path / "submitted", tmp_path / "autograded", tmp_path / "assignments",
                            "sqlite://", "course", None)


def _copy(tmp_path: Path, edit=None) -> Path:
    nb = json.loads((ROOT / "assignments" / "backprop" / "backprop.ipynb").read_text())
    if edit:
        edit(nb)
    path = tmp_path / "assignments" / "backprop" / "backprop.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    return path


def _append_to_setup(nb: dict) -> None:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "setup":
            cell["source"] = "".join(cell["source"]) + "\ndef univariate_forward(params, X, y): ...\n"


def test_the_course_release_as_generated_is_not_stale(tmp_path: Path) -> None:
    _copy(tmp_path)
    release, stale = autograde.released_notebook(_course(tmp_path), course.assignment("backprop"))
    assert not stale, stale
    assert release.path == course.assignment("backprop").folder / "backprop.ipynb"


def test_an_edited_release_is_named_and_not_used(tmp_path: Path) -> None:
    copy = _copy(tmp_path, _append_to_setup)
    release, stale = autograde.released_notebook(_course(tmp_path), course.assignment("backprop"))
    assert stale == f"{copy} differs from the release installed with the grader (cell 2 (setup))"
    assert "def univariate_forward" not in release.cells["setup"].source


def test_a_cell_added_to_the_release_is_named(tmp_path: Path) -> None:
    _copy(tmp_path, lambda nb: nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "x"}))
    _, stale = autograde.released_notebook(_course(tmp_path), course.assignment("backprop"))
    assert stale.endswith("(43 cells instead of 42)"), stale


def test_a_fifo_in_place_of_the_release_does_not_stall_it(tmp_path: Path) -> None:
    path = tmp_path / "assignments" / "backprop" / "backprop.ipynb"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    _, stale = autograde.released_notebook(_course(tmp_path), course.assignment("backprop"))
    assert "cannot read the released notebook" in stale and "is a FIFO" in stale, stale


@pytest.mark.parametrize("text", ["[]", '{"cells": 3}', '{"cells": [{"metadata": []}]}', "[" * 100_000])
def test_a_malformed_course_release_is_named(tmp_path: Path, text: str) -> None:
    path = tmp_path / "assignments" / "backprop" / "backprop.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    _, stale = autograde.released_notebook(_course(tmp_path), course.assignment("backprop"))
    assert stale.startswith(f"cannot read the released notebook {path}"), stale
