"""`autograder.check_gradients`: a student's own gradient checker, on shapes they choose."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograder
from mistakes import BASE, MISTAKES

RNG = np.random.default_rng(3)
MLP = {"W1": RNG.normal(size=(5, 2)), "b1": RNG.normal(size=(5, 1)), "w2": RNG.normal(size=(1, 5)), "b2": 0.3}
X, Y = RNG.normal(size=(2, 10)), RNG.normal(size=(1, 10))


def functions(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<submission>", "exec"), namespace)
    return namespace


def mistake(mistake_id: str) -> dict[str, Any]:
    return functions(next(m.source for m in MISTAKES if m.id == mistake_id))


def check(ns: dict[str, Any], capsys, exercise: str | None = "sigmoid_mlp", name: str = "sigmoid_mlp",
          params: dict[str, Any] = MLP, X: Any = X, y: Any = Y) -> tuple[bool, str]:
    ok = autograder.check_gradients(ns[f"{name}_forward"], ns[f"{name}_backward"], params, X, y, exercise=exercise)
    return ok, capsys.readouterr().out


@pytest.mark.parametrize("exercise", [None, "sigmoid_mlp"])
def test_a_correct_backward_passes_on_shapes_no_test_cell_uses(capsys, exercise):
    ok, out = check(functions(BASE), capsys, exercise)
    assert ok is True
    assert "FAIL" not in out and out.count("PASS") >= 4


def test_against_its_own_forward_a_constant_multiple_is_named_once_per_gradient(capsys):
    ok, out = check(mistake("missing_factor_2"), capsys, None, "two_layer_linear")
    assert ok is False
    assert out.count("FAIL") == 4
    assert out.count("yours is exactly 1/2 times the right value: a factor 2 is missing") == 4
    assert "finite differences 0." in out or "finite differences -" in out  # the entries that differ, with values


def test_a_size_in_the_wrong_place_is_named_by_the_axis_of_X(capsys):
    ns = functions(BASE)
    right = ns["two_layer_linear_backward"]

    def backward(params, cache):  # divides by m twice
        return {k: v / X.shape[1] for k, v in right(params, cache).items()}

    ok = autograder.check_gradients(ns["two_layer_linear_forward"], backward, MLP, X, Y)
    out = capsys.readouterr().out
    assert ok is False
    assert "exactly 1/10 times the right value: a size of the data in the wrong place (X.shape[1] = 10)" in out


def test_given_the_exercise_a_known_mistake_is_named_on_the_students_shapes(capsys):
    ok, out = check(mistake("sigmoid_applied_twice"), capsys)
    assert ok is False
    assert "sigmoid(A) * (1 - sigmoid(A)) applies the sigmoid twice" in out
    assert "n=2, k=5, m=10" in out
    assert "error carried forward" not in out  # a checker shows every wrong gradient as wrong


def test_given_the_exercise_a_missing_factor_is_named_with_the_losss_words(capsys):
    ok, out = check(mistake("missing_factor_2"), capsys, "two_layer_linear", "two_layer_linear")
    assert ok is False
    assert out.count("the derivative of (y_hat - y)**2 brings a factor 2") == 4


def test_scalar_gradients_may_be_size_1_arrays(capsys):
    ns = functions(BASE)
    right = ns["sigmoid_mlp_backward"]

    def backward(params, cache):
        grads = right(params, cache)
        return {**grads, "b2": np.array([[grads["b2"]]])}

    for exercise in (None, "sigmoid_mlp"):
        assert autograder.check_gradients(ns["sigmoid_mlp_forward"], backward, MLP, X, Y, exercise=exercise)
    assert "FAIL" not in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    ({"X": X[:1]}, "X has shape (1, 10), so n = 1, but params['W1'] says n = 2"),
    ({"params": {**MLP, "W1": MLP["W1"][:, :, None]}}, "params['W1'] has shape (5, 2, 1); sigmoid_mlp needs (k, n)"),
    ({"params": {"W1": MLP["W1"]}}, "params must have exactly the keys ['W1', 'b1', 'w2', 'b2']"),
])
def test_arguments_that_do_not_fit_the_exercise_get_a_sentence_not_a_traceback(capsys, args, message):
    ok, out = check(functions(BASE), capsys, **args)
    assert ok is False
    assert out.strip() == f"check_gradients: {message}"


def test_a_forward_that_breaks_the_contract_gets_a_sentence(capsys):
    ok = autograder.check_gradients(lambda p, X, y: (X, 1.0), lambda p, c: {}, MLP, X, Y)
    assert ok is False
    assert capsys.readouterr().out.strip() == "check_gradients: your forward must return a tuple (output, loss, cache)"

    def crashing(params, X, y):
        raise KeyError("W3")

    assert autograder.check_gradients(crashing, lambda p, c: {}, MLP, X, Y) is False
    assert capsys.readouterr().out.strip() == "check_gradients: your forward raised KeyError: 'W3'"
