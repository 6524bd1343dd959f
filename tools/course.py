"""Instructor tools: the course notebooks, generated from the spec and the reference.

    python -m tools.course            # rewrite solutions/backprop/ and assignments/backprop/
    python -m tools.course --check    # exit 1 if either is out of date (the tests check this)

The solution notebook (nbgrader's source) is built from autograder/exercises.py (shapes,
test cases, the points of every test cell) and reference/backprop.py (the code of the
solution cells), so neither is typed twice. The release in assignments/ is what
`nbgrader generate_assignment backprop` makes of it, run in a scratch course directory and
normalised (the committed copy is what students download).
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "backprop"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
RELEASE = ROOT / "assignments" / ASSIGNMENT
DATA = Path("data") / "train.csv"
GROUP_ORDER = ("sigmoid", "forward", "backward")  # sigmoid is written before the MLP's forward

Notebook = dict[str, Any]


# --- points, from the grader's own checks ----------------------------------------------

def group_points() -> dict[tuple[str, str], float]:
    """(exercise, group) -> the points its test cell is worth: the max points of the
    verdicts the grader puts in that group (so the cells cannot drift from the checks)."""
    from autograder.checks import grade_exercise
    from autograder.exercises import EXERCISES
    from autograder.expected import Oracles
    from autograder.student import UnloadableStudent

    oracles, points = Oracles(), {}
    for ex in EXERCISES.values():
        for v in grade_exercise(ex, UnloadableStudent("points only"), oracles).verdicts:
            points[(ex.name, v.group)] = points.get((ex.name, v.group), 0.0) + v.max_points
    return points


# --- the reference's code, for the solution cells --------------------------------------

@dataclass(frozen=True)
class RefFunction:
    name: str
    body: list[str]  # statements after the docstring, as written (comments kept)
    helpers: list[str]  # private module-level functions it calls, whole


def reference_functions(path: Path = ROOT / "reference" / "backprop.py") -> dict[str, RefFunction]:
    text = path.read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    def source(node: ast.FunctionDef) -> list[str]:
        return lines[node.lineno - 1: node.end_lineno]

    out = {}
    for name, node in defs.items():
        body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) else node.body
        called = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        helpers = [line for h in sorted(called) if h.startswith("_") and h in defs for line in [*source(defs[h]), ""]]
        out[name] = RefFunction(name, lines[body[0].lineno - 1: node.end_lineno], helpers)
    return out


# --- notebook text ---------------------------------------------------------------------

def _shape(symbols: tuple) -> str:
    return "scalar (a Python float)" if symbols == () else "(" + ", ".join(map(str, symbols)) + ")"


def _param_table(exercise) -> str:
    rows = ["| parameter | shape |", "|---|---|"]
    rows += [f"| `params[\"{p.name}\"]` | {_shape(p.symbols)} |" for p in exercise.params]
    return "\n".join(rows)


def _cases(exercise) -> str:
    return ", ".join(f"({d.n}, {d.k}, {d.m})" for d in exercise.shapes())


INTRO = r"""# Backpropagation by hand

You will derive and implement, in numpy, the forward and backward passes of four models of
increasing size: univariate and multivariate linear regression, a two-layer linear network
and a two-layer sigmoid MLP, all with the mean squared error.

**Conventions.** $m$ examples, $n$ features, $k$ hidden units. Examples are columns: `X` has
shape $(n, m)$ and the targets `y` have shape $(1, m)$. The loss is the mean squared error
$$L = \frac{1}{m}\sum_{i=1}^{m} (\hat y_i - y_i)^2 .$$

**What you write**, for each model `E`, in the cells marked `# YOUR CODE HERE`:

- `E_forward(params, X, y)` returns `(y_hat, loss, cache)`: `y_hat` of shape $(1, m)$, `loss` a
  float, and `cache` anything your backward pass needs;
- `E_backward(params, cache)` returns a dict of gradients $\partial L / \partial p$ with exactly the
  keys of `params`, each of its parameter's shape (a float for a scalar parameter).

`params` maps names to values; scalar parameters are Python floats. Do not modify `params`,
`X` or `y` in place. Derive the backward pass by hand: a submission that uses an autodiff
library (torch, jax, autograd, tensorflow) gets no credit for its gradients.

**The test cells.** After each of your cells, a read-only test cell checks your functions on
several input shapes against finite differences and `torch.autograd`, says what is wrong
and the likely mistake, and ends with the points you earned. The grader runs the same checks
on the notebook you submit (plus hidden ones against the instructors' solution), so that
number is your score for the cell. Run the cells from top to bottom.

Points: __POINTS__.
"""

SETUP = "import numpy as np"

CHECKER = """\
# The checks behind the test cells: the course's `autograder` package (no answers in it).
from autograder.notebook import check"""

FORWARD = {
    "univariate": r"""One feature: the inputs form a row $x$ of shape $(1, m)$ (one example per column), the
targets a row $y$ of shape $(1, m)$, and the model has two numbers as parameters.

__TABLE__

**Forward propagation**
$$\hat y = w\,x + b \qquad (1 \times m),\qquad L = \frac{1}{m}\sum_{i=1}^{m} (\hat y_i - y_i)^2 .$$

Write `univariate_forward(params, X, y)` (here `X` is the row $x$).""",
    "multivariate": r"""$n$ features: `X` has shape $(n, m)$, one example per column; `y` has shape $(1, m)$.

__TABLE__

**Forward propagation**
$$\hat y = w X + b \qquad (1 \times n)(n \times m) \to (1 \times m),$$
the number $b$ being added to every entry (numpy broadcasts it). The loss is the same.""",
    "two_layer_linear": r"""A hidden layer of $k$ units, without activation.

__TABLE__

**Forward propagation**
$$Z = W_1 X + b_1 \qquad (k \times n)(n \times m) + (k \times 1) \to (k \times m)$$
$$\hat y = w_2 Z + b_2 \qquad (1 \times k)(k \times m) \to (1 \times m)$$
The column $b_1$ is added to every column of $W_1 X$. Keep whatever the backward pass needs
(such as $Z$) in the cache.""",
    "sigmoid_mlp": r"""The same network with a sigmoid on the hidden layer, $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ elementwise.

__TABLE__

**Forward propagation**
$$Z = W_1 X + b_1 \quad (k \times m), \qquad A = \sigma(Z) \quad (k \times m), \qquad \hat y = w_2 A + b_2 \quad (1 \times m).$$

First write `sigmoid(z)`: elementwise, for an array of any shape, returning the same shape.
(For large negative $z$, `np.exp(-z)` overflows to `inf` and numpy warns, although
`1 / (1 + inf)` is still the right 0. A version that never overflows computes
$e^{z} / (1 + e^{z})$ where $z < 0$.)""",
}

BACKWARD = {
    "univariate": r"""**Backward propagation: hints**

- Start at the loss: differentiate $(\hat y_i - y_i)^2$ and keep the $\frac{1}{m}$.
  $\partial L / \partial \hat y$ is a row of shape $(1, m)$, like $\hat y$.
- Chain rule: $\dfrac{\partial L}{\partial w} = \sum_{i} \dfrac{\partial L}{\partial \hat y_i}\,
  \dfrac{\partial \hat y_i}{\partial w}$, and the same for $b$. What are
  $\partial \hat y_i / \partial w$ and $\partial \hat y_i / \partial b$?
- Scalar parameters have scalar gradients: return `{"w": ..., "b": ...}` with two numbers.
- The tests use $m = 1$ too, but also $m = 7$, where a missing $\frac{1}{m}$ shows.""",
    "multivariate": r"""**Backward propagation: hints**

- $\partial L / \partial \hat y$ is the same $(1, m)$ row as before.
- $\hat y_j = \sum_l w_l X_{lj} + b$, so $\partial \hat y_j / \partial w_l = X_{lj}$. The sum over the
  examples $j$ is a matrix product: which product of a $(1, m)$ row and `X` $(n, m)$ has the
  shape $(1, n)$ of $w$?
- $b$ is added to every example, so its gradient sums over the examples.""",
    "two_layer_linear": r"""**Backward propagation: hints.** Go back one layer at a time; every intermediate gradient
has the shape of the quantity it belongs to.

1. $\partial L / \partial \hat y$: $(1, m)$, as before.
2. The output layer is the multivariate model with $Z$ as its input: $\partial L / \partial w_2$
   $(1, k)$ and $\partial L / \partial b_2$ (a number) follow as in exercise 2.
3. $\partial L / \partial Z$ $(k, m)$: $\hat y_j$ depends on $Z_{ij}$ through $w_{2,i}$. Which product
   of $w_2$ $(1, k)$ and $\partial L / \partial \hat y$ $(1, m)$ has shape $(k, m)$?
4. $Z = W_1 X + b_1$ is a linear layer again: $\partial L / \partial W_1$ $(k, n)$ and
   $\partial L / \partial b_1$ $(k, 1)$. Sum $b_1$'s gradient over the examples *and keep it a
   column* (`keepdims=True`): a $(k,)$ array would broadcast to $(k, k)$ in the update
   $b_1 - \eta\,\partial L / \partial b_1$.""",
    "sigmoid_mlp": r"""**Backward propagation: hints**

- The output layer is as in exercise 3 with $A$ in place of $Z$: $\partial L / \partial w_2$,
  $\partial L / \partial b_2$ and $\partial L / \partial A$ $(k, m)$.
- Through the activation, elementwise: $\dfrac{\partial L}{\partial Z} = \dfrac{\partial L}{\partial A}
  \odot \sigma'(Z)$ with $\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)$. Mind which tensor it is
  applied to: $\sigma'$ is evaluated at $Z$, and $\sigma(Z)$ is $A$.
- Then $W_1$ and $b_1$ exactly as in exercise 3.""",
}

DOCS = {  # indented into the function by _solution
    "forward": '''"""Forward pass: returns (y_hat, loss, cache).

params: __PARAMS__
X: (__XROWS__, m), one example per column; y: (1, m).
y_hat: (1, m); loss: a float (mean squared error); cache: what your backward needs.
"""''',
    "backward": '''"""Backward pass: returns grads, a dict with the keys of params.

params: __PARAMS__
cache: what your forward pass returned.
grads[p] has the shape of params[p]: __GRADS__.
"""''',
    "sigmoid": '''"""Elementwise logistic sigmoid 1 / (1 + exp(-z)): an array of z's shape."""''',
}

CHECKS = {
    "forward": "y_hat and the loss",
    "backward": "each gradient, that no input is modified in place, and 8 steps of gradient descent",
    "sigmoid": "sigmoid on a matrix, on large |z|, and on a (1, 1) array",
}

TRAIN_TEXT = r"""## 5. Training the sigmoid MLP

Your functions are all gradient descent needs. The cell below fits the sigmoid MLP ($k = 8$)
to a small dataset shipped with the assignment, `data/train.csv` (one feature, a noisy
curve, 64 examples), and plots the loss: it should fall steadily. If it rises or stalls from
the start, recheck your gradients above. (This cell is not graded.)"""

TRAIN = """\
import matplotlib.pyplot as plt

data = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
X_train, y_train = data[:, :-1].T, data[:, -1:].T  # examples are columns: (n, m) and (1, m)
n, m = X_train.shape
k, rate, steps = 8, 0.2, 3000
rng = np.random.default_rng(0)
params = {"W1": rng.normal(size=(k, n)), "b1": np.zeros((k, 1)), "w2": 0.5 * rng.normal(size=(1, k)), "b2": 0.0}

losses = []
try:
    for step in range(steps):
        y_hat, loss, cache = sigmoid_mlp_forward(params, X_train, y_train)
        grads = sigmoid_mlp_backward(params, cache)
        params = {p: params[p] - rate * grads[p] for p in params}
        losses.append(loss)
except NotImplementedError:
    print("Write sigmoid, sigmoid_mlp_forward and sigmoid_mlp_backward first, then run this cell again.")
else:
    order = np.argsort(X_train[0])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    left.semilogy(losses)
    left.set(xlabel="step", ylabel="loss (MSE)", title=f"loss: {losses[0]:.3f} -> {losses[-1]:.4f}")
    right.scatter(X_train[0], y_train[0], s=10, label="data")
    right.plot(X_train[0, order], y_hat[0, order], color="C1", label="MLP")
    right.set(xlabel="x", ylabel="y", title="the fitted curve")
    right.legend()
    plt.show()"""


def training_data() -> str:
    """The CSV shipped with the assignment: a noisy curve a small sigmoid MLP can fit."""
    rng = np.random.default_rng(2024)
    x = np.sort(rng.uniform(-3, 3, size=64))
    y = 0.8 * np.sin(1.5 * x) + 0.3 * x + 0.1 * rng.normal(size=x.size)
    return "x,y\n" + "".join(f"{a:.6f},{b:.6f}\n" for a, b in zip(x, y))


# --- cells -----------------------------------------------------------------------------

def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def _code(cell_id: str, text: str, nbgrader: dict | None = None, run: bool = False) -> dict:
    metadata: dict[str, Any] = {}
    if nbgrader is not None:
        metadata["nbgrader"] = {"grade": False, "grade_id": cell_id, "locked": False, "schema_version": 3,
                                "solution": False, "task": False, **nbgrader}
    if run:
        metadata["autograder"] = {"grading": "run"}  # the grader runs this read-only cell (ipynb.py)
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": metadata, "outputs": [],
            "source": text}


def _solution(name: str, group: str, exercise, ref: RefFunction) -> str:
    params = "{" + ", ".join(f'"{p.name}": {_shape(p.symbols).split(" (")[0]}' for p in exercise.params) + "}"
    grads = ", ".join(f"{p.name} {_shape(p.symbols).split(' (')[0]}" for p in exercise.params)
    doc = (DOCS[group].replace("__PARAMS__", params).replace("__GRADS__", grads)
           .replace("__XROWS__", "1" if exercise.name == "univariate" else "n"))
    signature = "def sigmoid(z):" if group == "sigmoid" else (
        f"def {name}(params, X, y):" if group == "forward" else f"def {name}(params, cache):")
    body = [textwrap.indent(line, "    ") for line in ref.helpers] + ref.body
    return "\n".join([signature, textwrap.indent(doc, "    "), "    ### BEGIN SOLUTION", *body, "    ### END SOLUTION"])


def _test(exercise: str, group: str, cases: str) -> str:
    where = [] if group == "sigmoid" else [f"# on the test cases (n, k, m) = {cases}."]
    return "\n".join([
        f"# Checks {CHECKS[group]}" + ("," if where else "."),
        *where,
        f'score = check("{exercise}", "{group}", globals())',
        "### BEGIN HIDDEN TESTS",
        f'score = check("{exercise}", "{group}", globals(), reference=True)',
        "### END HIDDEN TESTS",
        "score",
    ])


def solutions_notebook() -> Notebook:
    from autograder.exercises import EXERCISES

    points, refs = group_points(), reference_functions()
    totals = ", ".join(f"{ex.title[0].lower()}{ex.title[1:]} {ex.max_points():g}" for ex in EXERCISES.values())
    total = sum(ex.max_points() for ex in EXERCISES.values())
    cells = [
        _markdown("intro", INTRO.replace("__POINTS__", f"{totals} (total {total:g})")),
        _code("setup", SETUP, {"locked": True}, run=True),
        _code("checker", CHECKER, {"locked": True}),
    ]
    for number, ex in enumerate(EXERCISES.values(), 1):
        text = FORWARD[ex.name].replace("__TABLE__", _param_table(ex))
        cells.append(_markdown(f"{ex.name}_text", f"## {number}. {ex.title}\n\n{text}"))
        for group in GROUP_ORDER:
            if (ex.name, group) not in points:
                continue
            name = "sigmoid" if group == "sigmoid" else f"{ex.name}_{group}"
            if group == "backward":
                cells.append(_markdown(f"{ex.name}_hints", BACKWARD[ex.name]))
            cells.append(_code(f"{ex.name}_{group}_code", _solution(name, group, ex, refs[name]), {"solution": True}))
            cells.append(_code(f"{ex.name}_{group}", _test(ex.name, group, _cases(ex)),
                               {"grade": True, "locked": True, "points": points[(ex.name, group)]}))
    cells += [_markdown("train_text", TRAIN_TEXT), _code("train", TRAIN, {"locked": True})]
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# --- files -----------------------------------------------------------------------------

def dumps(nb: Notebook) -> str:
    """As Jupyter and nbgrader write notebooks, so that running either leaves no diff."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(nb), version=4) + "\n"


def normalise(nb: Notebook) -> Notebook:
    """What may differ between two runs of nbgrader on the same source: nothing is kept but
    cell type, id, source and metadata (outputs are empty in a release anyway)."""
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return out


def venv_env() -> dict[str, str]:
    """The environment with this interpreter's bin/ first on PATH: nbgrader runs `alembic`
    from PATH (as if the virtualenv were activated). The checkout's own packages come first
    on PYTHONPATH, so that processes started from a scratch directory (nbgrader, its
    kernels, the grader) run this tree's code, not a copy installed earlier."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def generate_release(into: Path, solutions: Path = SOLUTIONS) -> Path:
    """Run `nbgrader generate_assignment` on `solutions` in a scratch course directory under
    `into` (configured by the repository's nbgrader_config.py); returns the release folder."""
    course = into / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(solutions, course / "solutions" / ASSIGNMENT)
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
                          cwd=course, capture_output=True, text=True, env=venv_env())
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stdout}\n{proc.stderr}")
    return course / "assignments" / ASSIGNMENT


def expected_files() -> dict[Path, str]:
    """Every generated file (path relative to ROOT) and its content."""
    nb = solutions_notebook()
    data = training_data()
    files = {SOLUTIONS.relative_to(ROOT) / NOTEBOOK: dumps(nb), SOLUTIONS.relative_to(ROOT) / DATA: data}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        (src / NOTEBOOK).write_text(files[SOLUTIONS.relative_to(ROOT) / NOTEBOOK])
        (src / DATA).parent.mkdir()
        (src / DATA).write_text(data)
        release = generate_release(Path(tmp), src)
        for path in sorted(p for p in release.rglob("*") if p.is_file()):
            rel = RELEASE.relative_to(ROOT) / path.relative_to(release)
            text = path.read_text()
            files[rel] = dumps(normalise(json.loads(text))) if path.suffix == ".ipynb" else text
    return files


# --- filling a notebook from a .py (tests, converting old submissions) ------------------

def fill(notebook: Notebook, source: str) -> Notebook:
    """`notebook` with each answer cell's functions replaced by the functions of the same
    names in `source` (a .py submission); the rest of the .py (imports, helpers) goes at the
    top of the first answer cell."""
    tree = ast.parse(source)
    lines = source.splitlines()
    chunks = {}
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        chunks.setdefault(getattr(node, "name", None), []).append("\n".join(lines[start - 1: node.end_lineno]))
    out = copy.deepcopy(notebook)
    answers = [c for c in out["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    used: set[str] = set()
    for cell in answers:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        names = [n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)]
        cell["source"] = "\n\n\n".join(code for n in names for code in chunks.get(n, []))
        used.update(names)
    rest = [code for name, codes in chunks.items() if name not in used for code in codes]
    answers[0]["source"] = "\n\n\n".join([*rest, answers[0]["source"]])
    return out


def answer_cell(nb: Notebook, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


# --- command line ----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.course", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date (exit 1)")
    args = parser.parse_args(argv)
    stale = []
    for rel, content in expected_files().items():
        path = ROOT / rel
        if not path.is_file() or path.read_text() != content:
            stale.append(rel)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
    for rel in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {rel}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
