"""Each classic mistake loses exactly its checks, and the feedback names it (instructor side:
reference + mutants). The mistakes themselves are in tests/mistakes.py."""
from __future__ import annotations

import ast

import pytest

from assignment1 import grade
from assignment1 import EXERCISES
from autograder.student import InProcessStudent
from mistakes import BASE, MISTAKES, WHOLE_FILE, patched

BY_ID = {m.id: m for m in MISTAKES}
ALL_CHECKS_PER_EXERCISE = 29


def _grade(source: str, oracles, label: str = "submission"):
    return grade(InProcessStudent.from_source(source, "submission.py"), oracles, label)


def _messages(result) -> dict[str, str]:
    return {v.name: v.message for v in result.verdicts}


def test_corpus_size_and_ids_are_unique():
    assert len(MISTAKES) >= 24
    assert len(BY_ID) == len(MISTAKES)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_each_mistake_is_a_real_change_of_the_base(mistake):
    assert mistake.source != BASE
    names = [n.name for n in ast.parse(mistake.source).body if isinstance(n, ast.FunctionDef)]
    assert len(names) == len(set(names)), "a patch must replace functions, not add a second definition"


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_loses_exactly_its_checks_and_is_named(mistake, oracles):
    result = _grade(mistake.source, oracles, mistake.id)
    failed = {v.name for v in result.verdicts if not v.passed}
    assert failed == mistake.failing
    for v in result.verdicts:
        assert v.points == (0.0 if v.name in failed else v.max_points), v.name
    lost = sum(v.max_points for v in result.verdicts if v.name in failed)
    assert result.score == result.max_score - lost < result.max_score
    messages = _messages(result)
    for check, phrases in mistake.phrases.items():
        message = messages[f"{mistake.exercise}: {check}"]
        for phrase in phrases:
            assert phrase in message, f"{phrase!r} not in:\n{message}"
    for check, phrases in mistake.absent.items():
        message = messages[f"{mistake.exercise}: {check}"]
        for phrase in phrases:
            assert phrase not in message, f"{phrase!r} in:\n{message}"


def test_right_forward_wrong_backward_is_blamed_on_the_backward(oracles):
    messages = _messages(_grade(BY_ID["missing_factor_2"].source, oracles))
    for p in ("W1", "b1", "w2", "b2"):
        message = messages[f"two_layer_linear: gradient: {p}"]
        assert "your forward is right, so the mistake is in the backward pass" in message
        assert "consistent with your own forward" not in message


def test_wrong_forward_consistent_backward_is_blamed_on_the_forward(oracles):
    """forgot b1 in the forward; the backward is the right one for that (wrong) forward."""
    messages = _messages(_grade(BY_ID["forgot_b1"].source, oracles))
    assert "the bias b1 is missing" in messages["two_layer_linear: forward: y_hat"]
    for p in ("W1", "w2", "b2"):
        message = messages[f"two_layer_linear: gradient: {p}"]
        assert "your backward is consistent with your own forward (finite differences agree), but your forward is wrong" in message
        assert "mistake is in the backward pass" not in message
        assert "times the right value" not in message  # a ratio to the right gradient means nothing here
    # b1 does not enter the student's forward at all, so no backward can be consistent with it
    assert "your forward does not depend on b1 at all" in messages["two_layer_linear: gradient: b1"]
    assert "the mistake is in the forward" in messages["two_layer_linear: gradient: b1"]


def test_autodiff_backward_gets_no_gradient_credit_but_keeps_forward_points(oracles):
    source = dict(WHOLE_FILE)["torch_autograd"]
    result = _grade(source, oracles)
    for v in result.verdicts:
        backward = v.check.startswith("gradient")
        assert v.passed is not backward, v.name
        if backward:
            assert "uses torch" in v.message and "derived by hand" in v.message
    n_backward = sum(len(ex.params) + 1 for ex in EXERCISES.values())
    assert result.score == result.max_score - n_backward


def test_syntax_error_fails_everything_with_the_students_line(oracles):
    source = dict(WHOLE_FILE)["syntax_error"]
    result = _grade(source, oracles)
    assert result.score == 0 and len(result.verdicts) == ALL_CHECKS_PER_EXERCISE
    message = _messages(result)["univariate: forward: y_hat"]
    assert "your code fails before any function is called" in message
    assert 'dA = params["w2"].T @ dy)' in message and "SyntaxError" in message
    assert "Traceback" not in message


def test_patch_helper_replaces_in_place_and_keeps_the_rest():
    source = patched('def sigmoid(z):\n    return z\n')
    assert source.count("def sigmoid(") == 1 and "    return z\n" in source
    assert source.replace("    return z\n", "    return 1.0 / (1.0 + np.exp(-z))\n") == BASE
