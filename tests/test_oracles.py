"""The three oracles agree on the reference for every exercise and shape."""
from __future__ import annotations

import numpy as np
import pytest

from autograder import finite_diff, torch_oracle
from autograder.compare import relative_error
from assignment1 import EXERCISES
from autograder.secret import CourseSecret
import importlib


def _ref(name: str):
    return importlib.import_module(f"reference.backprop.{name}")

SECRET = CourseSecret(b"a test secret, not the course's")
CASES = [(name, dims) for name, ex in EXERCISES.items() for dims in [*ex.shapes(), *ex.shapes(SECRET)]]


@pytest.mark.parametrize("name,dims", CASES, ids=[f"{n}-{d['n']}x{d['k']}x{d['m']}" for n, d in CASES])
def test_three_oracles_agree_on_reference(name, dims):
    ex = EXERCISES[name]
    case = ex.case(dims)
    forward = getattr(_ref(name), ex.forward_name)
    backward = getattr(_ref(name), ex.backward_name)
    y_hat, loss, cache = forward(case.params, case.X, case.y)
    grads = {k: np.asarray(v, float) for k, v in backward(case.params, cache).items()}
    t_y_hat, t_loss, t_grads = torch_oracle.forward_and_gradients(ex.torch_forward, case.params, case.X, case.y)
    fd = finite_diff.full_gradient(lambda p: forward(p, case.X, case.y)[1], case.params)

    assert set(grads) == set(ex.param_names)
    assert relative_error(y_hat, t_y_hat) < 1e-12
    assert abs(loss - t_loss) <= 1e-12 * abs(t_loss)
    for p in ex.param_names:
        assert grads[p].shape == np.shape(case.params[p]) == t_grads[p].shape == fd[p].shape
        # grading tolerance is 1e-5: the oracles must be far closer than that
        assert relative_error(grads[p], t_grads[p]) < 1e-12, p
        assert relative_error(grads[p], fd[p]) < 1e-7, p


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_fast_mode_directional_agrees_with_reference(name):
    ex = EXERCISES[name]
    case = ex.case(ex.shapes()[0])
    forward = getattr(_ref(name), ex.forward_name)
    grads = getattr(_ref(name), ex.backward_name)(case.params, forward(case.params, case.X, case.y)[2])
    checks = finite_diff.directional_check(lambda p: forward(p, case.X, case.y)[1], case.params, grads, seed=3)
    assert set(checks) == set(ex.param_names)
    for p, d in checks.items():
        assert d.reliable and d.agrees, (p, d)


def test_fast_mode_catches_a_wrong_gradient():
    ex = EXERCISES["two_layer_linear"]
    case = ex.case(ex.shapes()[0])
    forward = _ref("two_layer_linear").two_layer_linear_forward
    grads = _ref("two_layer_linear").two_layer_linear_backward(case.params, forward(case.params, case.X, case.y)[2])
    grads["W1"] = grads["W1"] * 1.01
    checks = finite_diff.directional_check(lambda p: forward(p, case.X, case.y)[1], case.params, grads)
    assert not checks["W1"].agrees and checks["w2"].agrees


def test_oracles_object_cross_checks_every_case(oracles):
    for ex in EXERCISES.values():
        for exp in oracles.expected(ex).cases:
            assert set(exp.oracles) == {"reference", "torch.autograd", "finite differences"}
