"""Unusual-but-correct submissions get full marks, with every verdict passed, on both the
instructor side (reference + mutants) and the student side (torch + finite differences only).

A false failure is the worst bug this project can have, so each variant below stresses one
way of being right that a grader could mistake for a bug (see the comment at the top of each
file in tests/submissions/correct/).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import contract
from assignment1 import grade
from assignment1 import EXERCISES, FULL_MARKS
from autograder.student import Call, InProcessStudent

SUBMISSIONS = Path(__file__).parent / "submissions"
CORRECT = sorted((SUBMISSIONS / "correct").glob("*.py")) + [SUBMISSIONS / "base.py"]


def _student(name: str) -> InProcessStudent:
    path = SUBMISSIONS / "correct" / f"{name}.py"
    return InProcessStudent.from_source(path.read_text(), path.name)


@pytest.mark.parametrize("side", ["oracles", "student_oracles"])
@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_correct_variant_gets_full_marks(path, side, request):
    result = grade(InProcessStudent.from_source(path.read_text(), path.name), request.getfixturevalue(side), path.stem)
    failures = [f"{v.name}: {v.message}" for v in result.verdicts if not v.passed]
    assert failures == []
    assert all(v.points == v.max_points > 0 for v in result.verdicts)
    assert result.score == result.max_score == FULL_MARKS
    assert {v.exercise for v in result.verdicts} == set(EXERCISES)
    assert "sigmoid_mlp: sigmoid" in {v.name for v in result.verdicts}


def test_corpus_has_at_least_ten_variants():
    assert len(CORRECT) >= 11


@pytest.mark.parametrize("needle,where", [
    ("for i in range(m)", "loops"),
    ("np.einsum", "einsum_dict"),
    ("np.dot", "dot_list"),
    ("len(y[0])", "dot_list"),
    ("np.where(z >= 0", "stable_sigmoid_where"),
    ("np.exp(-np.logaddexp(0, -z))", "logaddexp_sigmoid"),
    (".mean()", "stable_sigmoid_where"),
    ("class Cache", "scalars_shape11_class_cache"),
    ("np.float32", "float32"),
    ("return y_hat, float(np.mean((y_hat - y) ** 2)), (X, y)\n", "recompute"),
])
def test_variants_contain_what_they_claim(needle, where):
    """The corpus keeps covering the styles it is meant to cover."""
    assert needle in (SUBMISSIONS / "correct" / f"{where}.py").read_text()


def _backward_outputs(student: InProcessStudent, exercise: str):
    ex = EXERCISES[exercise]
    case = ex.case(ex.shapes()[0])
    return contract.forward_backward(student, exercise, case.params, case.X, case.y, ex.param_names)


@pytest.mark.parametrize("name,shape", [("scalars_0d", ()), ("scalars_shape1", (1,)),
                                        ("scalars_shape11_class_cache", (1, 1))])
def test_scalar_gradient_variants_really_return_that_shape(name, shape):
    """Full marks above mean something only if the variant returns what it claims."""
    for exercise, p in (("univariate", "w"), ("univariate", "b"), ("multivariate", "b"), ("sigmoid_mlp", "b2")):
        _, bwd = _backward_outputs(_student(name), exercise)
        assert bwd.values[p].shape == shape, (exercise, p)


@pytest.mark.parametrize("name,shape", [("scalars_0d", ()), ("scalars_shape1", (1, 1)),
                                        ("scalars_shape11_class_cache", (1, 1))])
def test_loss_variants_really_return_that_shape(name, shape):
    fwd, _ = _backward_outputs(_student(name), "two_layer_linear")
    assert fwd.values["loss"].shape == shape


def test_float32_variant_really_computes_in_float32():
    fwd, bwd = _backward_outputs(_student("float32"), "sigmoid_mlp")
    assert fwd.dtypes["output"] == "float32"
    assert {bwd.dtypes[p] for p in ("W1", "b1", "w2", "b2")} == {"float32"}
    # and its gradients are not bit-identical to float64 ones: the tolerance is what admits them
    _, exact = _backward_outputs(_student("recompute"), "sigmoid_mlp")
    assert not np.array_equal(bwd.values["W1"], exact.values["W1"])


def test_stable_sigmoids_do_not_overflow_and_agree():
    z = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]])
    for name in ("stable_sigmoid_where", "logaddexp_sigmoid"):
        outcome, = _student(name).run([Call("sigmoid", (z,), ("z",))])
        out = outcome.result.value
        np.testing.assert_allclose(out, [[0.0, 9.357622968840175e-14, 0.5, 1.0, 1.0]], rtol=1e-12, atol=0)
