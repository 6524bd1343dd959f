"""The student contract of a model exercise, as calls through `Student.run`.

`E_forward(params, X, y)` returns (output, loss, cache), the cache staying on the student's
side; `E_backward(params, cache)` returns a dict of gradients. One batch runs a case's
forward and backward together, and a descent path's every step (descent.py): each is one
round trip to a sandboxed child.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder import descent
from autograder.returned import Returned, backward_fields, forward_fields
from autograder.student import Call, CallError, Ref, Reply, Seen, Student
from autograder.values import Bad, Items, Mapping

__all__ = ["Returned", "FORWARD_RETURNS", "forward_call", "backward_call", "case_calls", "as_forward", "as_backward",
           "case_outcomes", "forward_backward", "forward", "losses", "descent_path", "path_step"]

FORWARD_RETURNS = ["t", "a", "a", "k"]  # output, loss, cache (kept on the student's side)
Pair = tuple[Returned | CallError, Returned | CallError | None]  # a case's forward and backward (None: not run)


def forward_call(exercise: str, params: Any, X: np.ndarray, y: np.ndarray, stop: tuple[str, ...] = ()) -> Call:
    return Call(f"{exercise}_forward", (params, X, y), ("params", "X", "y"), FORWARD_RETURNS, stop)


def backward_call(exercise: str, params: Any, cache: Ref) -> Call:
    return Call(f"{exercise}_backward", (params, cache), ("params", "cache"), "d")


def case_calls(exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray,
               stop: tuple[str, ...] = ()) -> list[Call]:
    """One case: the forward pass, then the backward pass on its cache. `stop`: forward
    errors after which the cases sent with this one are not run (Call.stop)."""
    return [forward_call(exercise, params, X, y, stop), backward_call(exercise, params, Ref(0, (2,)))]


def as_forward(outcome: Reply | CallError, fn: str, output: str = "y_hat") -> Returned:
    """Raises CallError when the call failed or did not return three values."""
    if isinstance(outcome, CallError):
        raise outcome
    if isinstance(outcome.result, Bad):
        raise CallError("bad_return", f"`{fn}` must return ({output}, loss, cache); {outcome.result.message}")
    assert isinstance(outcome.result, Items)
    return forward_fields(outcome.result, outcome.mutated)


def as_backward(outcome: Reply | CallError, fn: str, names: tuple[str, ...]) -> Returned:
    if isinstance(outcome, CallError):
        raise outcome
    if isinstance(outcome.result, Bad):
        raise CallError("bad_return", f"`{fn}` must return a dict of gradients; {outcome.result.message}")
    assert isinstance(outcome.result, Mapping)
    return backward_fields(outcome.result, names, outcome.mutated)


def case_outcomes(fwd_out: Reply | CallError, bwd_out: Reply | CallError, exercise: str, names: tuple[str, ...],
                  output: str = "y_hat") -> Pair:
    """A case's forward and backward outcomes as returned values (the backward None when
    the forward failed: it never ran)."""
    try:
        fwd = as_forward(fwd_out, f"{exercise}_forward", output)
    except CallError as err:
        return err, None
    try:
        return fwd, as_backward(bwd_out, f"{exercise}_backward", names)
    except CallError as err:
        return fwd, err


def forward_backward(student: Student, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray,
                     names: tuple[str, ...], output: str = "y_hat") -> Pair:
    """One case, in one batch."""
    return case_outcomes(*student.run(case_calls(exercise, params, X, y)), exercise, names, output)


def forward(student: Student, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Returned:
    """The forward pass alone (raises CallError)."""
    outcome, = student.run([forward_call(exercise, params, X, y)])
    return as_forward(outcome, f"{exercise}_forward")


def loss_points(exercise: str, points: list[dict[str, Any]], X: np.ndarray, y: np.ndarray) -> list[Call]:
    return [forward_call(exercise, p, X, y) for p in points]


def loss_values(outcomes: list[Reply | CallError], exercise: str) -> list[float]:
    """The losses of `loss_points`' calls. Raises CallError if any call failed or returned no number."""
    values = []
    for outcome in outcomes:
        out = as_forward(outcome, f"{exercise}_forward")
        loss = out.values.get("loss")
        if loss is None or loss.size != 1:
            raise CallError("bad_return", "the loss is not a number")
        values.append(float(loss.reshape(())))
    return values


def losses(student: Student, exercise: str, points: list[dict[str, Any]], X: np.ndarray, y: np.ndarray) -> list[float]:
    """The student's loss at each parameter point, in one batch (finite differences of the
    student's own forward). Raises CallError if any call fails or returns no number."""
    return loss_values(student.run(loss_points(exercise, points, X, y)), exercise)


def descent_path(exercise: str, params: dict[str, Any], inputs: list[tuple[np.ndarray, np.ndarray]], rate: float,
                 names: tuple[str, ...], scalars: tuple[str, ...], needs_loss: bool) -> list[Call]:
    """A forward and backward pass on each of `inputs` (X, y), each step's parameters one
    gradient-descent step after the last's, chained on the student side: [forward 0,
    backward 0, step 0, forward 1, ...]; read with `path_step`."""
    calls: list[Call] = []
    for i, (X, y) in enumerate(inputs):
        moved = len(calls) - 1  # the chained step before this one's passes
        fwd = len(calls)
        calls += [forward_call(exercise, params if i == 0 else Ref(moved, (0,)), X, y),
                  backward_call(exercise, params if i == 0 else Ref(moved, (1,)), Ref(fwd, (2,)))]
        if i + 1 < len(inputs):
            base = params if i == 0 else Ref(moved, (2,))
            calls.append(Call(descent.STEP, (base, Seen(fwd), Seen(fwd + 1), rate, names, scalars, needs_loss),
                              ("params", "forward", "backward", "rate", "names", "scalars", "needs_loss"),
                              descent.STEP_RETURNS))
    return calls


def path_step(outcomes: list[Reply | CallError], step: int, exercise: str, names: tuple[str, ...],
              output: str = "y_hat") -> tuple[Pair, Any]:
    """Step `step` of a `descent_path`: its passes, and the chained step after it (the
    parameters the next step ran with, as a result for descent.stepped_to; None after the last)."""
    fwd_out, bwd_out = outcomes[3 * step], outcomes[3 * step + 1]
    moved = outcomes[3 * step + 2] if 3 * step + 2 < len(outcomes) else None
    return case_outcomes(fwd_out, bwd_out, exercise, names, output), getattr(moved, "result", None)
