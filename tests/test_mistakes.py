"""Each classic mistake loses exactly its checks, and the feedback names it (instructor side:
reference + mutants). The mistakes themselves are in tests/mistakes.py."""
from __future__ import annotations

import ast

import pytest

from assignment1 import grade
from autograder.student import InProcessStudent
from mistakes import BASE, MISTAKES, WHOLE_FILE, patched

BY_ID = {m.id: m for m in MISTAKES}
ALL_CHECKS_PER_EXERCISE = 29


def _grade(source: str, oracles, label: str = "submission", carry_forward: bool = True):
    return grade(InProcessStudent.from_source(source, "submission.py"), oracles, label, carry_forward=carry_forward)


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
    messages = _messages(_grade(BY_ID["missing_factor_2"].source, oracles, carry_forward=False))
    for p in ("W1", "b1", "w2", "b2"):
        message = messages[f"two_layer_linear: gradient: {p}"]
        assert "your forward is right, so the mistake is in the backward pass" in message
        assert "consistent with your own forward" not in message


def test_wrong_forward_consistent_backward_is_blamed_on_the_forward(oracles):
    """forgot b1 in the forward; the backward is the right one for that (wrong) forward."""
    messages = _messages(_grade(BY_ID["forgot_b1"].source, oracles, carry_forward=False))
    assert "the bias b1 is missing" in messages["two_layer_linear: forward: y_hat"]
    for p in ("W1", "w2", "b2"):
        message = messages[f"two_layer_linear: gradient: {p}"]
        assert "your backward is consistent with your own forward (finite differences agree), but your forward is wrong" in message
        assert "mistake is in the backward pass" not in message
        assert "times the right value" not in message  # a ratio to the right gradient means nothing here
    # b1 does not enter the student's forward at all, so no backward can be consistent with it
    assert "your forward does not depend on b1 at all" in messages["two_layer_linear: gradient: b1"]
    assert "the mistake is in the forward" in messages["two_layer_linear: gradient: b1"]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_without_carry_forward_every_check_a_mistake_affects_is_charged(mistake, oracles):
    result = _grade(mistake.source, oracles, mistake.id, carry_forward=False)
    assert {v.name for v in result.verdicts if not v.passed} == mistake.failing_without_carry_forward


@pytest.mark.parametrize("mistake", [m for m in MISTAKES if m.carried], ids=lambda m: m.id)
def test_carried_forward_checks_pass_with_a_note_saying_why(mistake, oracles):
    verdicts = {v.check: v for v in _grade(mistake.source, oracles, mistake.id).verdicts if v.exercise == mistake.exercise}
    for check in mistake.carried:
        v = verdicts[check]
        assert v.passed and v.points == v.max_points and v.cause == "carried-forward", check
        assert v.message.startswith(("error carried forward", "not charged again")), v.message


def test_the_descent_path_says_which_half_is_to_blame(oracles):
    messages = _messages(_grade(BY_ID["loss_sum_not_mean"].source, oracles, carry_forward=False))
    assert "your loss is wrong already at the starting parameters, before any update" in \
        messages["multivariate: gradient descent path"]
    messages = _messages(_grade(BY_ID["nan"].source, oracles, carry_forward=False))
    assert "the loss starts right, so your gradients are what sends it elsewhere" in \
        messages["multivariate: gradient descent path"]


def test_one_root_mistake_costs_once_and_the_message_says_so(oracles):
    verdicts = {v.check: v for v in _grade(BY_ID["missing_factor_2"].source, oracles).verdicts
                if v.exercise == "two_layer_linear"}
    assert not verdicts["gradient: W1"].passed and verdicts["gradient: W1"].cause == "ratio:1/2"
    assert "the same mistake explains grads['b1'], grads['w2'], grads['b2']: charged once, here" in \
        verdicts["gradient: W1"].message
    assert verdicts["gradient: b1"].message == ("error carried forward: grads['b1'] is wrong by the same mistake as "
                                                "grads['W1'], charged there once")
    assert verdicts["gradient descent path"].message.startswith("not charged again: the descent path follows")


def test_using_autodiff_costs_the_checks_of_the_function_that_uses_it_and_says_where(oracles):
    source = dict(WHOLE_FILE)["torch_autograd"]
    result = _grade(source, oracles)
    failed = {v.name: v for v in result.verdicts if not v.passed}
    assert set(failed) == {f"sigmoid_mlp: gradient: {p}" for p in ("W1", "b1", "w2", "b2")} | {
        "sigmoid_mlp: gradient descent path", "sigmoid_mlp: inputs not modified"}
    line = source.splitlines().index('    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) '
                                     'for k, v in params.items()}') + 1
    message = failed["sigmoid_mlp: gradient: W1"].message
    assert f"line {line}, in sigmoid_mlp_backward" in message
    assert "torch is not available when grading" in message and "derived by hand" in message
    assert failed["sigmoid_mlp: gradient: W1"].cause == "autodiff"


def test_importing_autodiff_costs_nothing(oracles):
    result = _grade("import torch\nimport torch.nn as nn\nfrom torch import tensor\n" + BASE, oracles)
    assert result.score == result.max_score


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
