"""`autograder.check_gradients`: a student's gradient checker, on inputs of their choosing.

Without an exercise it compares the backward pass with central finite differences of the
student's *own* forward (any model, any loss): it says which gradients disagree, by how
much, where, and whether one is a constant multiple of the right one. Given an exercise of
the course, it runs that exercise's checks (forward, every gradient, inputs not modified)
on these inputs instead of the notebook's: torch.autograd of the exercise's model and
finite differences as oracles, and the exercise's known mistakes named, as in the test
cells. Neither needs the course's reference.
"""
from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from autograder import course, finite_diff, report_text
from autograder.compare import relative_error
from autograder.diagnosis import differing_entries
from autograder.kinds.model import FD_AGREEMENT, FD_NOISE, Case, Model, ModelExpected, case_expected
from autograder.notebook import NotebookStudent, quiet
from autograder.spec import Sizes
from autograder.verdicts import ExerciseResult

Forward = Callable[[dict, np.ndarray, np.ndarray], Any]
Backward = Callable[[dict, Any], Any]


# Multiples with one usual explanation, whatever the model.
COMMON_FACTORS = {
    Fraction(1, 2): "a factor 2 is missing (the derivative of a square brings one)",
    Fraction(2): "a factor 2 is counted twice",
    Fraction(-1): "the sign is flipped somewhere along the chain",
}


class CheckError(Exception):
    """The arguments cannot be checked (wrong shapes, a forward that returns nothing...)."""


def check_gradients(forward: Forward, backward: Backward, params: dict[str, Any], X: Any, y: Any,
                    exercise: str | None = None) -> bool:
    """Prints what is wrong with `backward` on these inputs; returns True when all is right.

    forward(params, X, y) -> (output, loss, cache); backward(params, cache) -> grads, a
    dict with the keys of params (the course's contract). `exercise`, the name of an exercise:
    also check against that exercise's model, with its named mistakes.
    """
    params = {k: float(v) if np.ndim(v) == 0 else np.array(v, dtype=np.float64) for k, v in params.items()}
    X, y = np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)
    with quiet():
        try:
            ok, text = (_own(forward, backward, params, X, y) if exercise is None
                        else _exercise(exercise, forward, backward, params, X, y))
        except CheckError as exc:
            ok, text = False, f"check_gradients: {exc}"
    print(text)
    return ok


# --- against finite differences of the student's own forward ----------------------------

def _call(what: str, fn: Callable, *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the student's code: say where it failed
        raise CheckError(f"{what} raised {type(exc).__name__}: {exc}") from None


def _loss(forward: Forward, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> tuple[float, Any]:
    out = _call("your forward", forward, dict(params), X, y)
    if not (isinstance(out, tuple) and len(out) == 3):
        raise CheckError("your forward must return a tuple (output, loss, cache)")
    loss = np.asarray(out[1], dtype=np.float64)
    if loss.size != 1:
        raise CheckError(f"your forward's loss must be one number, not an array of shape {loss.shape}")
    return float(loss.reshape(())), out[2]


def _own(forward: Forward, backward: Backward, params: dict[str, Any], X: np.ndarray,
         y: np.ndarray) -> tuple[bool, str]:
    loss, cache = _loss(forward, params, X, y)
    grads = _call("your backward", backward, dict(params), cache)
    if not isinstance(grads, dict) or set(grads) != set(params):
        raise CheckError(f"your backward must return a dict with the keys {sorted(params)}")
    fd = finite_diff.full_gradient(lambda p: _loss(forward, p, X, y)[0], params)
    lines = [f"check_gradients: your backward against finite differences of your own forward (loss {loss:.6g})"]
    problems = {name: _gradient_problem(np.asarray(grads[name], dtype=np.float64), fd[name], loss, X.shape)
                for name in params}
    ok = not any(problems.values())
    for name, problem in problems.items():
        lines += [f"  PASS grads[{name!r}]"] if problem is None else [f"  FAIL grads[{name!r}]", *problem]
    if ok:
        lines.append("Every gradient agrees with your forward. (A wrong forward gives wrong but consistent gradients: "
                     "the test cells check the forward too.)")
    return ok, "\n".join(lines)


def _gradient_problem(actual: np.ndarray, fd: np.ndarray, loss: float, x_shape: tuple[int, ...]) -> list[str] | None:
    shape = np.shape(fd)
    if actual.shape != shape and not (shape == () and actual.size == 1):
        return [f"       shape: yours {actual.shape}, the parameter's {shape}"]
    actual = actual.reshape(shape)
    gap = float(np.linalg.norm(actual - fd))
    if gap <= FD_AGREEMENT * float(np.linalg.norm(fd)) + FD_NOISE * (1.0 + abs(loss)):
        return None
    lines = [f"       relative error {relative_error(actual, fd):.3g}"]
    multiple = _multiple(actual, fd, x_shape)
    if multiple:
        lines.append(f"       likely cause: {multiple}")
    lines += [f"       {line}" for line in differing_entries(actual, fd)]
    return [line.replace("expected", "finite differences") for line in lines]


def _multiple(actual: np.ndarray, fd: np.ndarray, x_shape: tuple[int, ...]) -> str | None:
    """'exactly -1/2 times the right value' and, when it is one, which size of X it is."""
    denominator = float(np.vdot(fd, fd))
    if denominator == 0:
        return None
    ratio = float(np.vdot(actual, fd)) / denominator
    if not np.allclose(actual, ratio * fd, rtol=1e-5, atol=1e-9 * max(1.0, float(np.abs(fd).max()))):
        return None
    simple = Fraction(ratio).limit_denominator(64)
    if abs(float(simple) - ratio) > 1e-6 * abs(ratio):
        return None
    if simple in COMMON_FACTORS:
        return f"yours is exactly {simple} times the right value: {COMMON_FACTORS[simple]}"
    sizes = [f"X.shape[{i}] = {d}" for i, d in enumerate(x_shape) if d > 1 and simple in (d, Fraction(1, d))]
    return f"yours is exactly {simple} times the right value" + (
        f": a size of the data in the wrong place ({' or '.join(sizes)})?" if sizes else "")


# --- against an exercise of the course ---------------------------------------------------

def _exercise(name: str, forward: Forward, backward: Backward, params: dict[str, Any], X: np.ndarray,
              y: np.ndarray) -> tuple[bool, str]:
    try:
        _, model = course.exercise_of(name)
    except course.CourseError as exc:
        raise CheckError(str(exc)) from None
    if not isinstance(model, Model):
        raise CheckError(f"{name} has no forward and backward to check")
    # Every wrong gradient shown as wrong: carrying an error forward is a grading policy.
    model = dataclasses.replace(model, descent=False, training=None, helpers=(), carry_forward=False)
    case = Case(_sizes(model, params, X), params, X, y)
    try:
        expected = ModelExpected([case_expected(model, case, None)], 0.0, [], {})
    except ImportError:
        raise CheckError(f"checking against {name}'s model needs torch (pip install torch); without "
                         "exercise=..., your backward is checked against your own forward") from None
    namespace = {model.forward_name: forward, model.backward_name: backward}
    result = ExerciseResult(model.name, model.title, model.grade(NotebookStudent(namespace), expected))
    header = (f"check_gradients({name}): your functions on your inputs ({case.sizes}), "
              "against finite differences and torch.autograd of the exercise's model")
    return result.score == result.max_score, "\n".join([header, *report_text.exercise_lines(result)])


def _sizes(model: Model, params: dict[str, Any], X: np.ndarray) -> Sizes:
    """The sizes (n, k, m...) that the shapes of params and X spell, or why they do not."""
    if set(params) != set(model.param_names):
        raise CheckError(f"params must have exactly the keys {list(model.param_names)}")
    found: dict[str, tuple[int, str]] = {}  # size name -> (size, the argument that says so)
    x_symbols = tuple(int(s) if s.strip().isdigit() else s.strip() for s in model.x_shape.strip("()").split(","))
    shaped = [(f"params[{p.name!r}]", p.symbols, np.shape(params[p.name])) for p in model.params]
    for what, symbols, shape in [*shaped, ("X", x_symbols, X.shape)]:
        if len(symbols) != len(shape):
            raise CheckError(f"{what} has shape {shape}; {model.name} needs ({', '.join(map(str, symbols))})")
        for symbol, size in zip(symbols, shape):
            said, by = (symbol, "the model") if isinstance(symbol, int) else found.setdefault(symbol, (size, what))
            if said != size:
                raise CheckError(f"{what} has shape {shape}, so {symbol} = {size}, but {by} says {symbol} = {said}")
    order = [role.name for role in model.vocabulary.sizes]
    return Sizes(tuple(sorted(((k, v) for k, (v, _) in found.items()), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)))
