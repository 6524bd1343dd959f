"""Assignment 2 (`units`): each classic mistake loses exactly its checks, and the verdict
names it (its cause id and the words of its message), on the instructor side (reference
and known-wrong variants) and on the student side (torch and finite differences only).
The mistakes are in tests/units_mistakes.py."""
from __future__ import annotations

import ast

import pytest

from units import BASE, EXERCISES, grade, instructor_oracles, student_oracles
from units_mistakes import MISTAKES, SAME, Mistake

BY_ID = {m.id: m for m in MISTAKES}
# Declared mistakes whose values are NaN or inf on the large-logits cases: the verdict names
# them by the non-finite values (and the exercise's hint), before any known-wrong variant.
NAMED_BY_NONFINITE = {"logistic": {"naive_log": "logistic_log_of_sigmoid"},
                      "softmax": {"no_shift": "softmax_no_shift", "log_of_P": "softmax_log_of_P"}}


def _check(mistake: Mistake, side: str) -> None:
    oracles = instructor_oracles() if side == "instructor" else student_oracles()
    result = grade(mistake.source, oracles, mistake.id)
    failed = {v.name for v in result.verdicts if not v.passed}
    assert failed == mistake.failing
    for v in result.verdicts:
        assert v.points == (0.0 if v.name in failed else v.max_points), v.name
    assert result.score == result.max_score - sum(v.max_points for v in result.verdicts if v.name in failed)
    named = mistake.named if side == "instructor" else (mistake.named if mistake.student == SAME else mistake.student)
    verdicts = {v.name: v for v in result.verdicts}
    for check in set(named or {}) & set(mistake.carried):
        assert verdicts[check].cause == "carried-forward", verdicts[check].message
    if set(named or {}) & set(mistake.carried):  # each check's own diagnosis, as if charged on its own
        strict = grade(mistake.source, oracles, mistake.id, carry_forward=False)
        assert {v.name for v in strict.verdicts if not v.passed} == set(mistake.fails)
        verdicts |= {v.name: v for v in strict.verdicts if v.name in mistake.carried}
    for check, (cause, phrases) in (named or {}).items():
        verdict = verdicts[check]
        assert verdict.cause == cause, f"{check}: cause {verdict.cause!r}, not {cause!r}:\n{verdict.message}"
        for phrase in phrases:
            assert phrase in verdict.message, f"{phrase!r} not in {check}:\n{verdict.message}"
    for check, phrases in mistake.absent.items():
        for phrase in phrases:
            assert phrase not in verdicts[check].message, f"{phrase!r} in {check}"


def test_the_corpus_is_large_and_its_ids_unique():
    assert len(MISTAKES) >= 25
    assert len(BY_ID) == len(MISTAKES)
    assert sum(m.student is not None for m in MISTAKES) >= 20  # named without the reference too


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_each_mistake_is_one_real_change_of_the_base(mistake):
    assert mistake.source != BASE
    names = [n.name for n in ast.parse(mistake.source).body if isinstance(n, ast.FunctionDef)]
    assert len(names) == len(set(names)), "a patch must replace functions, not add a second definition"
    assert mistake.fails, "a mistake that costs nothing is not one"
    assert set(mistake.named) <= set(mistake.fails) and set(mistake.named)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_instructor_side_loses_exactly_its_checks_and_names_the_mistake(mistake):
    _check(mistake, "instructor")


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_student_side_loses_the_same_checks_and_names_what_needs_no_reference(mistake):
    _check(mistake, "student")


def _declared() -> list[tuple[str, str]]:
    """(exercise, mistake id) of every known mistake the declarations word."""
    out = []
    for ex in EXERCISES.values():
        for f in (*getattr(ex, "functions", ()), *getattr(ex, "helpers", ())):
            out += [(ex.name, m.id) for m in (*f.mistakes, *f.derivative_mistakes)]
        out += [(ex.name, m.id) for m in getattr(ex, "mistakes", ())]
    return sorted(set(out))


@pytest.mark.parametrize("exercise,mistake_id", _declared())
def test_every_declared_mistake_has_a_seeded_bug_that_it_names(exercise, mistake_id):
    if mistake_id in NAMED_BY_NONFINITE.get(exercise, {}):
        seeded = BY_ID[NAMED_BY_NONFINITE[exercise][mistake_id]]
        assert any(check.startswith(f"{exercise}: forward") and cause == "nonfinite"
                   for check, (cause, _) in seeded.named.items())
        return
    # "known:" when the mistake has a public form (named in the notebook too), else "mutant:"
    assert any(check.startswith(f"{exercise}: ") and cause in (f"known:{mistake_id}", f"mutant:{mistake_id}")
               for m in MISTAKES for check, (cause, _) in m.named.items()), f"no seeded bug is named {mistake_id}"
