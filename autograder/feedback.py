"""Turning what a check found into a verdict: the message format every kind of exercise uses.

A failure is a message plus, when diagnosis could tell, the id of its likely cause. A check
passes only if it passes on every case; its verdict carries the first failure (the
diagnosis case runs first, so that is the most telling one).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder import diagnosis
from autograder.compare import compare
from autograder.diagnosis import Cause
from autograder.policy import uses_autodiff
from autograder.spec import Check, Tolerance
from autograder.student import CallError
from autograder.verdicts import Verdict


@dataclass(frozen=True)
class Failure:
    message: str
    cause: str | None = None


@dataclass(frozen=True)
class Credit:
    """Passed by policy rather than by value: a mistake already charged elsewhere (error
    carried forward). The note says so."""

    note: str


Outcome = Failure | Credit | None  # None: the check passed on that case


AUTODIFF_NOTE = ("the backward pass is derived by hand: autodiff libraries are not available while your functions run "
                 "(importing one costs nothing; using one costs the checks of the function that uses it)")


def call_failure(err: CallError) -> Failure:
    """A student call that did not return: its message, and what kind of failure it was."""
    if uses_autodiff(err.message):
        return Failure(f"{err.message}\n  {AUTODIFF_NOTE}", "autodiff")
    return Failure(err.message, err.kind.replace("_", "-"))


def failure(header: str, cause: Cause | None, actual: np.ndarray | None, expected: np.ndarray | None,
            tol: Tolerance = Tolerance()) -> Failure:
    """The standard message: what is wrong, the likely cause, shapes, the size of the error
    and the worst entries (pytest style)."""
    lines = [header]
    if cause:
        lines.append(f"  likely cause: {cause.text}")
    if actual is not None and expected is not None:
        lines.append(f"  shapes: yours {actual.shape}, expected {expected.shape}")
        if actual.shape == expected.shape:
            lines.append(f"  largest error: {compare(actual, expected, tol).max_rel_err:.3g} (relative to the largest entry)")
            lines += [f"  {line}" for line in diagnosis.differing_entries(actual, expected)]
    return Failure("\n".join(lines), cause.id if cause else None)


def verdict(exercise: str, check: Check, outcomes: list[Outcome]) -> Verdict:
    first = next((o for o in outcomes if isinstance(o, Failure)), None)
    if first is not None:
        return Verdict(exercise, check.name, check.group, 0.0, check.points, False, first.message, first.cause)
    credit = next((o for o in outcomes if isinstance(o, Credit)), None)
    message, cause = (credit.note, "carried-forward") if credit else ("passed", None)
    return Verdict(exercise, check.name, check.group, check.points, check.points, True, message, cause)
