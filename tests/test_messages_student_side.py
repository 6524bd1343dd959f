"""On a student's machine there is no reference and no mutants (torch + finite differences
only): the same mistakes lose the same points, and shape and ratio mistakes are still named."""
from __future__ import annotations

import pytest

from assignment1 import grade
from autograder.student import InProcessStudent
from mistakes import MISTAKES

BY_ID = {m.id: m for m in MISTAKES}

# mistake id -> (check of its exercise, phrases that must name it without reference or mutants)
NAMED_WITHOUT_REFERENCE = {
    "dW1_transposed": ("gradient: W1", ("transposed", "its transpose is right")),
    "dw2_transposed": ("gradient: w2", ("transposed",)),
    "db1_no_keepdims": ("gradient: b1", ("keepdims=True",)),
    "db1_not_summed": ("gradient: b1", ("not summed over the batch",)),
    "db1_wrong_axis": ("gradient: b1", ("wrong axis",)),
    "db2_not_summed": ("gradient: b2", ("not summed over the batch",)),
    "missing_factor_2": ("gradient: W1", ("half the right value",)),
    "factor_2_twice": ("gradient: W1", ("twice the right value",)),
    "missing_1_over_m": ("gradient: W1", ("m = 7 times too large",)),
    "1_over_m_twice": ("gradient: W1", ("1/m = 1/7",)),
    "m_is_n": ("gradient: W1", ("m/n = 7/4",)),
    "wrong_sign": ("gradient: W1", ("wrong sign",)),
    "nan": ("gradient: w", ("NaN",)),
    "float16": ("gradient: b2", ("float16",)),
    "dw2_uses_X": ("gradient: w2", ("where k = 3 (the hidden units) belongs",)),
    "loss_sum_not_mean": ("forward: loss", ("m times the MSE",)),
    "loss_extra_half": ("forward: loss", ("half the MSE",)),
    "m1_squeeze_y_hat": ("forward: y_hat", ("m=1", "np.squeeze")),
    "m1_squeeze_raises": ("gradient: w", ("m=1", "np.squeeze")),
    "forgot_b1": ("gradient: b1", ("your forward does not depend on b1",)),
    "X_mutated_in_forward": ("inputs not modified", ("modifies its input X",)),
}

# Named only by a mutant (instructor side): here the message must not guess a wrong cause.
MUTANT_ONLY = ["sigmoid_derivative_missing", "sigmoid_derivative_of_Z", "sigmoid_applied_twice", "dw2_uses_Z",
               "no_w2_in_chain", "sigmoid_derivative_one_minus_A_only"]


def _grade(source: str, oracles):
    return grade(InProcessStudent.from_source(source, "submission.py"), oracles, "submission")


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_same_checks_fail_without_the_reference(mistake, student_oracles):
    result = _grade(mistake.source, student_oracles)
    assert {v.name for v in result.verdicts if not v.passed} == mistake.failing
    assert result.score == result.max_score - sum(v.max_points for v in result.verdicts if v.name in mistake.failing)


@pytest.mark.parametrize("mistake_id", sorted(NAMED_WITHOUT_REFERENCE))
def test_shape_and_ratio_mistakes_are_named_without_the_reference(mistake_id, student_oracles):
    mistake = BY_ID[mistake_id]
    check, phrases = NAMED_WITHOUT_REFERENCE[mistake_id]
    result = _grade(mistake.source, student_oracles)
    verdict = next(v for v in result.verdicts if v.name == f"{mistake.exercise}: {check}")
    assert not verdict.passed and verdict.points == 0
    for phrase in phrases:
        assert phrase in verdict.message, f"{phrase!r} not in:\n{verdict.message}"


def test_at_least_six_kinds_are_named_without_the_reference():
    assert len(NAMED_WITHOUT_REFERENCE) >= 6


@pytest.mark.parametrize("mistake_id", MUTANT_ONLY)
def test_no_false_ratio_claim_when_only_a_mutant_could_name_it(mistake_id, student_oracles):
    mistake = BY_ID[mistake_id]
    result = _grade(mistake.source, student_oracles)
    for v in result.verdicts:
        if v.name in mistake.failing and v.check.startswith("gradient:"):
            assert "exactly" not in v.message, v.message
            assert "your forward is right, so the mistake is in the backward pass" in v.message


def test_a_small_in_place_change_of_x_is_named_not_guessed_as_low_precision(student_oracles):
    """Centring X in place moved y_hat by less than 1% on one course's secret inputs, and the
    course's feedback said "low precision (float16?)": the observed mutation comes first."""
    from mistakes import patched

    source = patched('''
def two_layer_linear_forward(params, X, y):
    X *= 1.001  # in place: every output moves by about 0.1%
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    return y_hat, float(np.mean((y_hat - y) ** 2)), (X, y, Z, y_hat)
''')
    result = _grade(source, student_oracles)
    verdict = next(v for v in result.verdicts if v.name == "two_layer_linear: forward: y_hat")
    assert not verdict.passed
    assert "your forward modifies its input X in place" in verdict.message, verdict.message
    assert "significant digits" not in verdict.message, verdict.message
