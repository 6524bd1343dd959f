"""`autograder check NOTEBOOK`: the saved file, graded as the course grades it, from any
folder (the released notebook comes with the package), so a stale kernel cannot mislead."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import notebooks as nbs
import pytest

CHECK = [sys.executable, "-m", "autograder.cli", "check"]


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CHECK, path.name], cwd=path.parent, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_saved_correct_notebook_earns_full_marks_in_the_sandbox(tmp_path):
    proc = check(nbs.write(nbs.solved(), tmp_path / "backprop.ipynb"))
    assert proc.returncode == 0, proc.stderr
    assert "The saved backprop.ipynb earns 29/29 on the notebook's public inputs" in proc.stdout
    assert "bubblewrap sandbox" in proc.stdout  # run as the course runs it, where the machine can


def test_what_the_kernel_still_knows_does_not_count(tmp_path):
    """A helper cell emptied after it ran: the kernel still has `sigmoid`, the file does not."""
    nb = nbs.solved()
    nbs.cell(nb, "sigmoid_mlp_sigmoid_code")["source"] = "# moved to another notebook\n"
    proc = check(nbs.write(nb, tmp_path / "mine.ipynb"))
    assert proc.returncode == 0, proc.stderr
    assert "The saved mine.ipynb earns 20/29" in proc.stdout
    assert "`sigmoid` is not defined" in proc.stdout


def test_a_typo_made_after_running_is_a_syntax_error_named_by_its_cell(tmp_path):
    nb = nbs.solved()
    cell = nbs.cell(nb, "multivariate_forward_code")
    cell["source"] = cell["source"].replace("def multivariate_forward(params, X, y):",
                                            "def multivariate_forward(params, X, y)")
    number = nb["cells"].index(cell) + 1  # as Jupyter counts, markdown included
    proc = check(nbs.write(nb, tmp_path / "backprop.ipynb"))
    assert proc.returncode == 0, proc.stderr
    assert (f"`multivariate_forward` is not defined: cell {number}, which defines it, was not run: it is not valid "
            f"Python:\n         cell {number}, line 1: def multivariate_forward(params, X, y)\n"
            "       SyntaxError: expected ':'") in proc.stdout
    assert "earns 23/29" in proc.stdout  # multivariate's 6 points


def test_not_a_notebook_is_a_usage_error(tmp_path):
    (tmp_path / "backprop.py").write_text("x = 1\n")
    for name in ("backprop.py", "missing.ipynb"):
        proc = subprocess.run([*CHECK, name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2
        assert proc.stderr.strip() == f"autograder: {name} is not a saved notebook (.ipynb file)"
