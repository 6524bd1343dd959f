"""Elementwise functions a student writes, like `sigmoid(z)`, and optionally their derivative
(`relu_grad(z)`), checked on inputs that include large magnitudes (a naive formula
overflows there).

Oracles: torch (the declared formula and its autograd derivative), central differences of
it, and the course's reference when present; they must agree. Known mistakes come from the
declaration (public, written as a change of the right value: "1 - sigmoid(z)") and from
the reference's known-wrong variants (instructors only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from autograder import diagnosis, torch_oracle
from autograder.compare import compare, relative_error
from autograder.diagnosis import Cause
from autograder.feedback import Failure, Outcome, call_failure, failure
from autograder.secret import CourseSecret
from autograder.spec import Check, Group, Mistake, Tolerance, rng_for
from autograder.student import Call, CallError, Reply, Student
from autograder.values import Array, Bad

ORACLE_AGREEMENT = 1e-7
FD_STEP = 1e-6


class OracleError(Exception):
    """The oracles disagree or the reference fails: the grader is wrong, not the student."""


@dataclass(frozen=True)
class ValueMistake:
    """A known mistake written as what it makes of the right value (public: it must not
    give the answer away), e.g. ("flipped", "it is 1 - sigmoid(z) ...", lambda z, right: 1 - right)."""

    id: str
    text: str
    wrong: Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Elementwise:
    """A function of one array, applied entrywise; its checks sit in notebook group `group`."""

    name: str  # what the student writes: "sigmoid"
    torch: Callable[[Any, Any], Any]  # (torch, z) -> the right values, as a torch expression
    formula: str  # named when the values are wrong: "1 / (1 + exp(-z))"
    inputs: Callable[[np.random.Generator, bool], list[np.ndarray]]  # (rng, graded) -> the z's
    derivative: str | None = None  # the derivative students write, e.g. "relu_grad"
    mistakes: tuple[ValueMistake, ...] = ()
    derivative_mistakes: tuple[Mistake, ...] = ()  # wording of the reference's known-wrong derivatives
    doc: str = ""  # the docstring of the stub students fill in
    nonfinite: str = ""  # where inf or NaN values come from (e.g. exp overflowing for large z)
    checked: str = ""  # what the test cell checks, in words
    group: str = ""
    points: float = 1.0
    derivative_points: float = 1.0
    tolerance: Tolerance = Tolerance()

    @property
    def group_name(self) -> str:
        return self.group or self.name

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.derivative) if self.derivative else (self.name,)

    def docstring(self, function: str) -> str:
        if function == self.name:
            return self.doc or f'"""Elementwise {self.formula}: an array of z\'s shape."""'
        return f'"""Elementwise derivative of {self.name}: d/dz of {self.formula}, an array of z\'s shape."""'

    def checks(self) -> tuple[Check, ...]:
        value = (Check(self.name, self.group_name, self.points),)
        return value + ((Check(self.derivative, self.group_name, self.derivative_points),) if self.derivative else ())


@dataclass(frozen=True)
class Expected:
    z: np.ndarray
    value: np.ndarray
    value_float32_error: np.ndarray
    derivative: np.ndarray | None
    derivative_float32_error: np.ndarray | None
    mutants: tuple[tuple[str, str, np.ndarray], ...]  # known-wrong derivatives: (id, text, values)


def _fd_derivative(fn: Any, z: np.ndarray) -> np.ndarray:
    return (torch_oracle.elementwise(fn, z + FD_STEP) - torch_oracle.elementwise(fn, z - FD_STEP)) / (2 * FD_STEP)


def _reference_values(reference: Student, f: Elementwise, z: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    calls = [Call(f.name, (z,), ("z",))] + ([Call(f.derivative, (z,), ("z",))] if f.derivative else [])
    out = []
    for outcome in reference.run(calls):
        if isinstance(outcome, CallError) or not isinstance(outcome.result, Array):
            raise OracleError(f"the reference's `{f.name}` fails on an input of shape {z.shape}: {outcome}")
        out.append(outcome.result.value)
    return out[0], (out[1] if f.derivative else None)


def _check_agreement(f: Elementwise, name: str, value: np.ndarray, oracle: np.ndarray, threshold: float) -> None:
    if value.shape != oracle.shape or relative_error(value, oracle) > threshold:
        raise OracleError(f"oracles disagree on `{f.name}` ({name})")


def expected_values(f: Elementwise, secret: CourseSecret | None, reference: Student | None) -> list[Expected]:
    """The right values (and derivatives) on every input, cross-checked."""
    out = []
    for z in f.inputs(rng_for(secret, f.name), secret is not None):
        value, derivative = torch_oracle.elementwise_with_derivative(f.torch, z)
        value32, derivative32 = torch_oracle.elementwise_with_derivative(f.torch, z, single=True)
        # Central differences are known to ~eps * |f| / h: compare within that, entrywise.
        gap = np.abs(_fd_derivative(f.torch, z) - derivative)
        if np.any(gap > 1e-6 * np.abs(derivative) + 1e-8 * (1.0 + np.abs(value))):
            raise OracleError(f"oracles disagree on `{f.name}` (finite differences)")
        if reference is not None:
            ref_value, ref_derivative = _reference_values(reference, f, z)
            _check_agreement(f, "reference", ref_value, value, ORACLE_AGREEMENT)
            if f.derivative:
                _check_agreement(f, "reference derivative", ref_derivative, derivative, ORACLE_AGREEMENT)
        mutants = _derivative_mutants(f, reference, z) if f.derivative else ()
        out.append(Expected(z, value, np.abs(value32 - value), derivative if f.derivative else None,
                            np.abs(derivative32 - derivative) if f.derivative else None, mutants))
    return out


def _derivative_mutants(f: Elementwise, reference: Student | None, z: np.ndarray) -> tuple:
    if reference is None or not f.derivative_mistakes:
        return ()
    calls = [Call(f"{m.id}:{f.derivative}", (z,), ("z",)) for m in f.derivative_mistakes]
    found = []
    for m, outcome in zip(f.derivative_mistakes, reference.run(calls)):
        if isinstance(outcome, Reply) and isinstance(outcome.result, Array):
            found.append((f"mutant:{m.id}", m.text, outcome.result.value))
    return tuple(found)


def _values_failure(fn: str, outcome: Any, z: np.ndarray, right: np.ndarray, error32: np.ndarray, tol: Tolerance,
                    what: str, cause_of: Callable[[np.ndarray], Cause | None], hint: str = "") -> Outcome:
    if isinstance(outcome, CallError):
        return call_failure(outcome)
    if isinstance(outcome.result, Bad):
        return Failure(f"`{fn}` returns something that is not an array of numbers: {outcome.result.message}")
    actual = outcome.result.value
    header = f"`{fn}` is wrong on an input of shape {z.shape}"
    if actual.shape != z.shape:
        return failure(header, Cause("wrong-shape", f"it should return an array of the same shape as z, got shape "
                                                    f"{actual.shape}"), actual, right)
    if compare(actual, right, tol, error32).close:
        return None
    return failure(header, diagnosis.nonfinite_cause(actual, hint) or cause_of(actual) or
                   Cause("formula", f"it should be {what}"), actual, right)


def function_calls(f: Elementwise, expected: list[Expected]) -> list[Call]:
    """The calls that check `f` (and its derivative) on every input: one batch."""
    calls = [Call(f.name, (e.z,), ("z",)) for e in expected]
    return calls + ([Call(f.derivative, (e.z,), ("z",)) for e in expected] if f.derivative else [])


def function_outcomes(f: Elementwise, outcomes: list[Any], expected: list[Expected]) -> tuple[Outcome, Outcome]:
    """(value outcome, derivative outcome) of `function_calls`' outcomes: the first failure of each."""
    values, derivatives = outcomes[:len(expected)], outcomes[len(expected):]

    def value_cause(e: Expected) -> Callable[[np.ndarray], Cause | None]:
        known = [(f"known:{m.id}", m.text, m.wrong(e.z, e.value)) for m in f.mistakes]
        return lambda actual: diagnosis.mutant_cause(actual, known, f.tolerance)

    value = next((o for o in (_values_failure(f.name, out, e.z, e.value, e.value_float32_error, f.tolerance,
                                              f.formula, value_cause(e), f.nonfinite)
                              for out, e in zip(values, expected)) if o is not None), None)
    if not f.derivative:
        return value, None
    derivative = next((o for o in (_values_failure(
        f.derivative, out, e.z, e.derivative, e.derivative_float32_error, f.tolerance, f"the derivative of {f.formula}",
        lambda actual, e=e: diagnosis.mutant_cause(actual, list(e.mutants), f.tolerance))
        for out, e in zip(derivatives, expected)) if o is not None), None)
    return value, derivative


def check_function(f: Elementwise, student: Student, expected: list[Expected]) -> tuple[Outcome, Outcome]:
    """(value outcome, derivative outcome) over every input: the first failure of each."""
    return function_outcomes(f, student.run(function_calls(f, expected)), expected)


@dataclass(frozen=True)
class Functions:
    """An exercise made of elementwise functions, each in an answer cell of its own with its
    derivative (e.g. activation functions: relu and relu_grad, tanh and tanh_grad, ...)."""

    name: str
    title: str
    functions: tuple[Elementwise, ...]
    derivation_points: float = 0.0  # a written derivation graded by hand (spec.Exercise)
    notes: str = ""  # the section of the course notes it practises

    def groups(self) -> tuple[Group, ...]:
        return tuple(Group(f.group_name, f.names, f.name) for f in self.functions)

    def checks(self) -> tuple[Check, ...]:
        return tuple(c for f in self.functions for c in f.checks())

    def docstring(self, function: str) -> str:
        return next(f.docstring(function) for f in self.functions if function in f.names)

    def signature(self, function: str) -> str:
        return f"def {function}(z):"

    def what_is_checked(self, group: str) -> str:
        f = next(f for f in self.functions if f.group_name == group)
        return f.checked or (f"{' and '.join(f'`{n}`' for n in f.names)} on a matrix, on large |z| and on a (1, 1) "
                             "array")

    def summary(self) -> tuple[str, str]:
        return ", ".join(f"`{f.formula}`" for f in self.functions), "a matrix, large \\|z\\|, a (1, 1) array per function"

    def expected(self, secret: CourseSecret | None, reference: Student | None) -> dict[str, list[Expected]]:
        try:
            return {f.name: expected_values(f, secret, reference) for f in self.functions}
        except OracleError as exc:
            raise OracleError(f"{exc} ({self.name})") from None

    def grade(self, student: Student, expected: dict[str, list[Expected]]) -> list[Any]:
        from autograder.feedback import verdict

        checks = {c.name: c for c in self.checks()}
        # Every function's batch in one round trip (each answered as if sent alone).
        answered = student.run_groups([function_calls(f, expected[f.name]) for f in self.functions])
        verdicts = []
        for f, outcomes in zip(self.functions, answered):
            value, derivative = function_outcomes(f, outcomes, expected[f.name])
            verdicts.append(verdict(self.name, checks[f.name], [value]))
            if f.derivative:
                verdicts.append(verdict(self.name, checks[f.derivative], [derivative]))
        return verdicts
