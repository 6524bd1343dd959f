"""Which file of a Gradescope upload is graded: by name, else the only candidate; the walk
follows no link and reads a bounded number of entries."""
from __future__ import annotations

import os
from pathlib import Path

from autograder import course, submission_finder
from autograder.submission_finder import find_submission

BACKPROP = course.assignment("backprop")


def _files(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")


def test_the_named_notebook_wins_over_other_files(tmp_path):
    _files(tmp_path, "helpers.py", "notes/scratch.ipynb", "hw/backprop.ipynb")
    found = find_submission(tmp_path, BACKPROP)
    assert found.path == tmp_path / "hw" / "backprop.ipynb" and found.label == "hw/backprop.ipynb"


def test_a_renamed_notebook_is_taken_when_it_is_the_only_candidate(tmp_path):
    _files(tmp_path, "Backprop (1).ipynb", "README.md", ".ipynb_checkpoints/backprop-checkpoint.ipynb")
    assert find_submission(tmp_path, BACKPROP).path == tmp_path / "Backprop (1).ipynb"


def test_several_candidates_and_none_are_said_plainly(tmp_path):
    _files(tmp_path, "a.py", "b.ipynb", "__pycache__/c.py")
    several = find_submission(tmp_path, BACKPROP)
    assert several.path is None and "several files" in several.problem and "a.py, b.ipynb" in several.problem
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .ipynb or .py file was found" in find_submission(empty, BACKPROP).problem


def test_a_linked_submission_is_chosen_to_be_refused_when_read_not_followed(tmp_path):
    os.symlink("/etc/shadow", tmp_path / "backprop.ipynb")
    os.symlink("/", tmp_path / "rootfs")  # a linked folder is never entered
    found = find_submission(tmp_path, BACKPROP)
    assert found.path == tmp_path / "backprop.ipynb"  # read_regular refuses it, with a message


def test_a_huge_upload_costs_a_bounded_walk(tmp_path, monkeypatch):
    monkeypatch.setattr(submission_finder, "MAX_ENTRIES", 50)
    _files(tmp_path, *(f"d{i:03d}.txt" for i in range(60)), "zz/backprop.ipynb")
    found = find_submission(tmp_path, BACKPROP)
    assert found.path is None and "only the first 50 files" in found.problem
