"""A student's mistakes, graded three ways: what the notebook shows, what `autograder check`
says of the saved file, and what the course's grader gives.

    .venv/bin/python benchmarks/scenarios.py [--only ID ...]

Each scenario is the released notebook (assignment 1) with its answers filled in (the
solutions with one mistake edited in, from tests/mistakes.py, or an unusual but correct
version from tests/submissions/correct/), run top to bottom in a fresh Jupyter kernel as a
student runs it, then saved; a few are edited after running (a stale kernel). For each it
prints a markdown row: the running total the notebook's last test cell showed, the points of
`autograder check` on the saved file (public inputs, sandboxed where this machine can), the
points of `autograder grade` (the course: sandboxed, inputs from a fixed course secret), and
the first failing check's first line of feedback from the course's grader.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ["PYTHONPATH"] = str(ROOT)  # the kernels and the grader use this checkout

import notebooks as nbs  # noqa: E402
from mistakes import BASE, MISTAKES, patched  # noqa: E402

Notebook = dict[str, Any]
TOTAL = re.compile(r"total of the test cells run so far: ([\d.]+)/([\d.]+)")
SECRET = "a fixed secret for benchmarks/scenarios.py"


@dataclass(frozen=True)
class Scenario:
    id: str
    what: str
    notebook: Callable[[], Notebook]
    after_run: Callable[[Notebook], None] | None = None  # an edit made after running (not run again)


def _filled(source: str) -> Callable[[], Notebook]:
    return lambda: nbs.filled(source)


def _with_cell(source: str, code: str, at: int = 0) -> Callable[[], Notebook]:
    def build() -> Notebook:
        nb = nbs.filled(source)
        first = next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
        nb["cells"].insert(first + at, nbs.code_cell(code))
        return nb
    return build


def _edit_answer(grade_id: str, old: str, new: str) -> Callable[[Notebook], None]:
    def edit(nb: Notebook) -> None:
        cell = nbs.cell(nb, grade_id)
        text = "".join(cell["source"])
        assert old in text, (grade_id, old)
        cell["source"] = text.replace(old, new, 1)
    return edit


def _delete_added_cell(marker: str) -> Callable[[Notebook], None]:
    def edit(nb: Notebook) -> None:
        nb["cells"] = [c for c in nb["cells"] if marker not in "".join(c["source"])]
    return edit


TORCH_USE = '''
def univariate_backward(params, cache):
    import torch
    X, y, y_hat = cache
    w = torch.tensor(params["w"], requires_grad=True)
    b = torch.tensor(params["b"], requires_grad=True)
    loss = torch.mean((w * torch.tensor(X) + b - torch.tensor(y)) ** 2)
    loss.backward()
    return {"w": float(w.grad), "b": float(b.grad)}
'''
SWAPPED = '''
def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    return float(np.mean((y_hat - y) ** 2)), y_hat, (X, y, y_hat)
'''
HELPER = "def dmse(y_hat, y):  # helper cell\n    return 2 * (y_hat - y) / y.shape[1]\n"
USES_HELPER = '''
def univariate_backward(params, cache):
    X, y, y_hat = cache
    dy = dmse(y_hat, y)
    return {"w": float(np.sum(dy * X)), "b": float(np.sum(dy))}
'''


def _untouched(exercise: str) -> Callable[[], Notebook]:
    def build() -> Notebook:
        nb, release = nbs.filled(BASE), nbs.release()
        for c in nbs.answer_cells(nb):
            if c["metadata"]["nbgrader"]["grade_id"].startswith(exercise):
                c["source"] = nbs.cell(release, c["metadata"]["nbgrader"]["grade_id"])["source"]
        return nb
    return build


def scenarios() -> list[Scenario]:
    by_id = {m.id: m for m in MISTAKES}
    picked = ["missing_factor_2", "missing_1_over_m", "wrong_sign", "dW1_transposed", "db1_no_keepdims",
              "db1_wrong_axis", "sigmoid_derivative_missing", "sigmoid_derivative_of_Z", "sigmoid_applied_twice",
              "loss_extra_half", "loss_sum_not_mean", "X_mutated_in_forward", "m1_squeeze_y_hat", "nan", "float16"]
    correct = ROOT / "tests" / "submissions" / "correct"
    return [
        Scenario("correct", "the solutions", _filled(BASE)),
        *[Scenario(f"correct:{name}", f"correct, unusual: {name}", _filled((correct / f"{name}.py").read_text()))
          for name in ("einsum_dict", "float32", "loops", "recompute")],
        *[Scenario(i, by_id[i].exercise, _filled(by_id[i].source)) for i in picked],
        Scenario("torch_imported", "an added cell imports torch to compare", _with_cell(BASE, "import torch\n")),
        Scenario("torch_used", "univariate_backward uses torch.autograd", _filled(patched(TORCH_USE))),
        Scenario("torch_dunder", "the same, torch reached by __import__",
                 _filled(patched(TORCH_USE.replace("import torch", "torch = __import__('torch')")))),
        Scenario("stale_typo", "a cell edited with a typo after it ran", _filled(BASE),
                 _edit_answer("multivariate_backward_code", "return", "retrun")),
        Scenario("helper_deleted", "a helper cell deleted after it ran", _with_cell(patched(USES_HELPER), HELPER),
                 _delete_added_cell("# helper cell")),
        Scenario("untouched", "the sigmoid MLP not started", _untouched("sigmoid_mlp")),
        Scenario("syntax_error", "a syntax error in multivariate_backward", _filled(BASE),
                 None),
        Scenario("swapped_return", "univariate_forward returns (loss, y_hat, cache)", _filled(patched(SWAPPED))),
    ]


def _syntax_error(nb: Notebook) -> None:
    _edit_answer("multivariate_backward_code", "return", "return {")(nb)


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ") or "(none)"


def run_in_kernel(nb: Notebook, folder: Path) -> Notebook:
    node = nbformat.reads(json.dumps(nb), as_version=4)
    NotebookClient(node, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return json.loads(nbformat.writes(node))


def _printed(nb: Notebook) -> str:
    texts = [o.get("text", "") for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    return "\n".join("".join(t) for t in texts)


def shown(nb: Notebook) -> tuple[str, str]:
    """The running total the last test cell showed, and the notebook's first failure."""
    totals = [m.group(1) for m in TOTAL.finditer(_printed(nb))]
    return (totals[-1] if totals else "-"), _first_failure(_printed(nb))


def check_points(path: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(path), "--assignment", "backprop"],
                          cwd=path.parent, capture_output=True, text=True, timeout=600)
    found = re.search(r"earns ([\d.]+)/", proc.stdout)
    return found.group(1) if found else f"exit {proc.returncode}"


def _first_failure(feedback: str) -> str:
    """The first failing check's name and the line of its feedback that names a cause, else
    its first line."""
    block = re.search(r"^\s+(?:FAIL|TODO) (.*)\n((?:\s{5,}.*\n?)*)", feedback, re.M)
    if not block:
        return ""
    lines = [line.strip() for line in block.group(2).splitlines() if line.strip()]
    cause = next((line for line in lines if line.startswith(("likely cause", "the ", "all "))), lines[0] if lines else "")
    return f"{block.group(1)}: {cause}"[:160]


def course_grades(folder: Path, paths: list[Path], out: Path) -> dict[str, tuple[str, str]]:
    """One batch over `folder` (so that each file is labelled by its scenario's folder)."""
    env = {**os.environ, "AUTOGRADER_SECRET": SECRET}
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", "--assignment", "backprop",
                           str(folder), "--out", str(out), "--quiet"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=1800)
    if proc.returncode != 0:
        print(f"autograder grade exited {proc.returncode}: {proc.stderr[-2000:]}", file=sys.stderr)
    grades = {}
    for p in paths:
        folder = next(out.glob(f"{p.parent.name}*"), None)
        feedback = (folder / "feedback.txt").read_text() if folder else ""
        head = re.match(r"== .*: ([\d.]+)/[\d.]+ points ==", feedback)
        grades[p.parent.name] = (head.group(1) if head else "-", _first_failure(feedback))
    return grades


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="scenario ids")
    args = parser.parse_args()
    chosen = [s for s in scenarios() if not args.only or s.id in args.only]
    with tempfile.TemporaryDirectory() as tmp:
        paths, seen = [], {}
        for s in chosen:
            folder = Path(shutil.copytree(nbs.RELEASE, Path(tmp) / "scenarios" / s.id.replace(":", "_")))
            nb = s.notebook()
            if s.id == "syntax_error":
                _syntax_error(nb)
            ran = run_in_kernel(nb, folder)
            if s.after_run:
                s.after_run(ran)
            paths.append(nbs.write(ran, folder / nbs.NOTEBOOK))
            seen[s.id] = shown(ran)
            print(f"ran {s.id}: the notebook shows {seen[s.id][0]}", file=sys.stderr)
        grades = course_grades(Path(tmp) / "scenarios", paths, Path(tmp) / "out")
        print("| scenario | what | notebook shows | `autograder check` | course grade | the notebook's first failure | "
              "the course's first failure |")
        print("|---|---|---|---|---|---|---|")
        for s, path in zip(chosen, paths):
            (total, said), (grade, message) = seen[s.id], grades[path.parent.name]
            print(f"| `{s.id}` | {s.what} | {total} | {check_points(path)} | {grade} | {_cell(said)} | {_cell(message)} |")


if __name__ == "__main__":
    main()
