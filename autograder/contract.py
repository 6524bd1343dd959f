"""The student contract of a model exercise, as calls through `Student.run`.

`E_forward(params, X, y)` returns (output, loss, cache), the cache staying on the student's
side; `E_backward(params, cache)` returns a dict of gradients. One batch runs a case's
forward and backward together (one round trip to a sandboxed child).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.student import Call, CallError, Ref, Reply, Student
from autograder.values import Array, Bad, Items, Mapping

FORWARD_RETURNS = ["t", "a", "a", "k"]  # output, loss, cache (kept on the student's side)


@dataclass
class Returned:
    """What one call returned, field by field: arrays, or why a field is unusable."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    dtypes: dict[str, str] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    extra_keys: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)


def _field(out: Returned, key: str, result: Any) -> None:
    if isinstance(result, Array):
        out.values[key], out.dtypes[key] = result.value, result.dtype
    elif isinstance(result, Bad):
        out.bad[key] = result.message


def forward_call(exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Call:
    return Call(f"{exercise}_forward", (params, X, y), ("params", "X", "y"), FORWARD_RETURNS)


def backward_call(exercise: str, params: dict[str, Any], cache: Ref) -> Call:
    return Call(f"{exercise}_backward", (params, cache), ("params", "cache"), "d")


def as_forward(outcome: Reply | CallError, fn: str, output: str = "y_hat") -> Returned:
    """Raises CallError when the call failed or did not return three values."""
    if isinstance(outcome, CallError):
        raise outcome
    if isinstance(outcome.result, Bad):
        raise CallError("bad_return", f"`{fn}` must return ({output}, loss, cache); {outcome.result.message}")
    assert isinstance(outcome.result, Items)
    out = Returned(mutated=list(outcome.mutated))
    _field(out, "output", outcome.result.items[0])
    _field(out, "loss", outcome.result.items[1])
    return out


def as_backward(outcome: Reply | CallError, fn: str, names: tuple[str, ...]) -> Returned:
    if isinstance(outcome, CallError):
        raise outcome
    if isinstance(outcome.result, Bad):
        raise CallError("bad_return", f"`{fn}` must return a dict of gradients; {outcome.result.message}")
    assert isinstance(outcome.result, Mapping)
    out = Returned(mutated=list(outcome.mutated))
    for key, value in outcome.result.items.items():
        if key in names:
            _field(out, key, value)
        else:
            out.extra_keys.append(repr(key))
    out.extra_keys += outcome.result.extra_keys
    return out


def forward_backward(student: Student, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray,
                     names: tuple[str, ...], output: str = "y_hat") -> tuple[Returned | CallError, Returned | CallError | None]:
    """One case: the forward pass, then the backward pass on its cache (None: the forward
    failed, so the backward never ran)."""
    fwd_out, bwd_out = student.run([forward_call(exercise, params, X, y), backward_call(exercise, params, Ref(0, (2,)))])
    try:
        fwd = as_forward(fwd_out, f"{exercise}_forward", output)
    except CallError as err:
        return err, None
    try:
        return fwd, as_backward(bwd_out, f"{exercise}_backward", names)
    except CallError as err:
        return fwd, err


def forward(student: Student, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Returned:
    """The forward pass alone (raises CallError)."""
    outcome, = student.run([forward_call(exercise, params, X, y)])
    return as_forward(outcome, f"{exercise}_forward")


def losses(student: Student, exercise: str, points: list[dict[str, Any]], X: np.ndarray, y: np.ndarray) -> list[float]:
    """The student's loss at each parameter point, in one batch (finite differences of the
    student's own forward). Raises CallError if any call fails or returns no number."""
    outcomes = student.run([forward_call(exercise, p, X, y) for p in points])
    values = []
    for outcome in outcomes:
        out = as_forward(outcome, f"{exercise}_forward")
        loss = out.values.get("loss")
        if loss is None or loss.size != 1:
            raise CallError("bad_return", "the loss is not a number")
        values.append(float(loss.reshape(())))
    return values
