"""Assignment 2 (`units`): unusual-but-correct submissions get full marks, every verdict
passed, with the reference and without, on the public cases and on graded cases drawn from
course secrets. A false failure is the worst bug this project can have: each variant in
tests/submissions/units/correct/ stresses one way of being right (see its first lines).
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder import contract
from autograder.student import Call, InProcessStudent
from units import BASE, EXERCISES, FULL_MARKS, SUBMISSIONS, grade, instructor_oracles, student_oracles

CORRECT = sorted((SUBMISSIONS / "correct").glob("*.py")) + [SUBMISSIONS / "base.py"]
# A few course secrets (scripts/secret sweeps use many more; see the report of this corpus).
SECRETS = [b"units secret 1", b"units secret 2"]
SIDES = {"instructor": instructor_oracles, "student": student_oracles}


def _student(name: str) -> InProcessStudent:
    path = SUBMISSIONS / "correct" / f"{name}.py"
    return InProcessStudent.from_source(path.read_text(), path.name)


def _assert_full_marks(path, oracles):
    result = grade(path.read_text(), oracles, path.stem)
    assert [f"{v.name}: {v.message}" for v in result.verdicts if not v.passed] == []
    assert all(v.points == v.max_points > 0 for v in result.verdicts)
    assert result.score == result.max_score == FULL_MARKS


def test_the_corpus_has_at_least_ten_variants():
    assert len(CORRECT) >= 11


@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_correct_variant_gets_full_marks_on_the_public_cases(path, side):
    _assert_full_marks(path, SIDES[side]())


@pytest.mark.parametrize("secret", SECRETS, ids=lambda s: s.decode())
@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_correct_variant_gets_full_marks_on_graded_cases(path, side, secret):
    _assert_full_marks(path, SIDES[side](secret))


@pytest.mark.parametrize("needle,where", [
    ("for i in range(m)", "loops"),
    ("math.exp", "loops"),
    ("np.einsum", "einsum_dict"),
    ("np.eye(K)[y[0]].T", "einsum_dict"),
    ("f32 = np.float32", "float32"),
    ("return ", "recompute"),
    ("np.logaddexp(0, -z)", "logaddexp_lse"),
    ("_logsumexp", "logaddexp_lse"),
    ("class HiddenCache", "class_cache"),
    ("return z > 0", "class_cache"),
    ("np.asarray(np.sum(dz))", "scalars_0d"),
    ('"b": np.sum(dz, axis=1)', "scalars_shape1"),
    ("np.outer(p, p)", "rows_jacobian"),
    ("Xr = X.T", "rows_jacobian"),
    ("X.copy()", "copies_inputs"),
    ("np.where(z >= 0, 1.0, 0.0)", "einsum_dict"),
])
def test_variants_contain_what_they_claim(needle, where):
    """The corpus keeps covering the styles it is meant to cover."""
    assert needle in (SUBMISSIONS / "correct" / f"{where}.py").read_text()


def test_the_recompute_variant_caches_only_the_data():
    assert "return softmax(Z2), _cross_entropy(Z2, y), (X, y)\n" in (SUBMISSIONS / "correct" / "recompute.py").read_text()


def _returned(name: str, exercise: str):
    ex = EXERCISES[exercise]
    case = ex.case(ex.shapes()[0])
    return contract.forward_backward(_student(name), exercise, case.params, case.X, case.y, ex.param_names)


@pytest.mark.parametrize("name,grad_shape,loss_shape", [("scalars_0d", (), ()), ("scalars_shape1", (1,), (1, 1))])
def test_scalar_variants_really_return_those_shapes(name, grad_shape, loss_shape):
    fwd, bwd = _returned(name, "logistic")
    assert bwd.values["b"].shape == grad_shape and fwd.values["loss"].shape == loss_shape
    fwd, _ = _returned(name, "softmax")
    assert fwd.values["loss"].shape == loss_shape


def test_float32_variant_really_computes_in_float32():
    for exercise, params in (("logistic", ("w", "b")), ("softmax", ("W", "b")), ("classifier", ("W1", "b1", "W2", "b2"))):
        fwd, bwd = _returned("float32", exercise)
        assert fwd.dtypes["output"] == "float32" and {bwd.dtypes[p] for p in params} == {"float32"}


def test_relu_grad_of_the_class_cache_variant_is_boolean():
    outcome, = _student("class_cache").run([Call("relu_grad", (np.array([[-1.0, 2.0]]),), ("z",))])
    assert outcome.result.dtype == "bool"


def test_the_base_is_also_correct():
    assert "def classifier_backward" in BASE
