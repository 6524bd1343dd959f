"""Assignment 2 (`units`): the three oracles (the reference, torch.autograd on the declared
torch forward, finite differences of the reference's forward) agree on every exercise and
case, public and graded, far more closely than the grading tolerance."""
from __future__ import annotations

import numpy as np
import pytest

from autograder import finite_diff, torch_oracle
from autograder.compare import relative_error
from autograder.kinds.elementwise import FD_STEP, Functions
from autograder.secret import CourseSecret
from units import EXERCISES, instructor_oracles, reference_module

SECRET = CourseSecret(b"a units test secret, not the course's")
MODELS = {name: ex for name, ex in EXERCISES.items() if not isinstance(ex, Functions)}
CASES = [(name, sizes, secret) for name, ex in MODELS.items() for secret in (None, SECRET)
         for sizes in ex.shapes(secret)]


def _ref(name: str):
    return reference_module(name)


@pytest.mark.parametrize("name,sizes,secret", CASES,
                         ids=[f"{n}-{'graded' if s else 'public'}-{d}".replace(" ", "") for n, d, s in CASES])
def test_three_oracles_agree_on_the_reference(name, sizes, secret):
    ex = MODELS[name]
    case = ex.case(sizes, secret)
    forward, backward = getattr(_ref(name), ex.forward_name), getattr(_ref(name), ex.backward_name)
    output, loss, cache = forward(case.params, case.X, case.y)
    grads = {k: np.asarray(v, float) for k, v in backward(case.params, cache).items()}
    t_output, t_loss, t_grads = torch_oracle.forward_and_gradients(ex.torch_forward, case.params, case.X, case.y)
    fd = finite_diff.full_gradient(lambda p: forward(p, case.X, case.y)[1], case.params)
    assert set(grads) == set(ex.param_names)
    assert np.isfinite(loss) and np.all(np.isfinite(output))
    assert relative_error(output, t_output) < 1e-12
    assert abs(loss - t_loss) <= 1e-12 * abs(t_loss)
    for p in ex.param_names:
        assert grads[p].shape == np.shape(case.params[p]) == t_grads[p].shape == fd[p].shape
        assert relative_error(grads[p], t_grads[p]) < 1e-12, p
        # finite differences are known to ~eps * |loss| / h (large logits make large losses)
        assert np.linalg.norm(grads[p] - fd[p]) <= 1e-7 * np.linalg.norm(grads[p]) + 1e-9 * (1 + abs(loss)), p


@pytest.mark.parametrize("secret", [None, SECRET], ids=["public", "graded"])
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_graders_cross_check_passes_with_all_three_oracles(name, secret):
    """What grading itself checks (it stops with "oracles disagree" otherwise)."""
    expected = instructor_oracles(secret.key if secret else None).expected(EXERCISES[name])
    if isinstance(EXERCISES[name], Functions):
        assert set(expected) == {f.name for f in EXERCISES[name].functions}
        return
    for exp in expected.cases:
        assert set(exp.oracles) == {"reference", "torch.autograd", "finite differences"}
    assert len(expected.cases) == len(MODELS[name].families)


@pytest.mark.parametrize("secret", [None, SECRET], ids=["public", "graded"])
def test_activations_reference_torch_and_differences_agree(secret):
    ref = _ref("activations")
    for f in EXERCISES["activations"].functions:
        expected = instructor_oracles(secret.key if secret else None).expected(EXERCISES["activations"])[f.name]
        for e in expected:
            value, derivative = getattr(ref, f.name)(e.z), getattr(ref, f.derivative)(e.z)
            assert relative_error(value, e.value) < 1e-12 and relative_error(derivative, e.derivative) < 1e-12
            fd = (getattr(ref, f.name)(e.z + FD_STEP) - getattr(ref, f.name)(e.z - FD_STEP)) / (2 * FD_STEP)
            assert np.all(np.abs(fd - derivative) <= 1e-6 * np.abs(derivative) + 1e-8 * (1 + np.abs(value))), f.name
            assert np.all(np.isfinite(value)) and np.all(np.isfinite(derivative))


def test_large_logits_really_break_the_naive_formulas():
    """The families named "large logits" are what the stability hints are about."""
    for name in ("logistic", "softmax"):
        ex = MODELS[name]
        (large,) = [s for f, s in zip(ex.families, ex.shapes()) if f.name == "large logits"]
        case = ex.case(large)
        with np.errstate(all="ignore"):
            if name == "logistic":
                y_hat = 1 / (1 + np.exp(-(case.params["w"] @ case.X + case.params["b"])))
                naive = -np.mean(case.y * np.log(y_hat) + (1 - case.y) * np.log(1 - y_hat))
            else:
                Z = case.params["W"] @ case.X + case.params["b"]
                naive = np.exp(Z) / np.exp(Z).sum(axis=0)
        assert not np.all(np.isfinite(naive)), name
        assert np.isfinite(getattr(_ref(name), ex.forward_name)(case.params, case.X, case.y)[1])


def test_the_softmax_cases_keep_integer_labels():
    for name in ("softmax", "classifier"):
        ex = MODELS[name]
        for sizes in ex.shapes():
            y = ex.case(sizes).y
            assert y.dtype == np.int64 and y.shape == (1, sizes["m"]) and 0 <= y.min() and y.max() < sizes["K"]


@pytest.mark.parametrize("secret", [None, *(CourseSecret(f"fd room {i}".encode()) for i in range(8))],
                         ids=["public", *(f"graded{i}" for i in range(8))])
def test_finite_differences_leave_room_for_a_correct_gradient(secret):
    """A correct gradient must agree with every oracle per entry, finite differences
    included, whose error is ~eps |loss| / h whatever the gradient's size: no case may have a
    gradient that is 0 up to rounding in a large loss (the large-logits labels see to it)."""
    for name, ex in MODELS.items():
        forward, backward = getattr(_ref(name), ex.forward_name), getattr(_ref(name), ex.backward_name)
        for sizes in ex.shapes(secret):
            case = ex.case(sizes, secret)
            grads = backward(case.params, forward(case.params, case.X, case.y)[2])
            fd = finite_diff.full_gradient(lambda p: forward(p, case.X, case.y)[1], case.params)
            for p in ex.param_names:
                g = np.asarray(grads[p], float).reshape(np.shape(case.params[p]))
                bound = 1e-5 * max(float(np.max(np.abs(fd[p]))), 1e-12) + 1e-5 * np.abs(fd[p])
                assert np.all(np.abs(g - fd[p]) * 3 <= bound), (name, str(sizes), p)
