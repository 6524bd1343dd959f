"""Gradient descent with a student's own functions (the descent path and training checks).

The grader checks each step (kinds/model_checks.py) and computes the next parameters
itself. Each step needs the gradients of the one before, so asking the sandboxed child for
one step at a time costs a round trip per step (most of a submission's round trips). So the
student side chains the steps instead: `chained_step` runs there, between the student's
backward of one step and forward of the next, called by the grader like a student function
(contract.descent_path). It decides with the grader's own functions below, on the results
as the grader received them (values.Seen), so the chain goes on exactly as far as the
grader would; and the grader believes a chained step only when its parameters are, bit for
bit, the ones it computed itself (a child may run anything: it is the student's).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.returned import Returned, backward_fields, forward_fields
from autograder.values import Items, Mapping

STEP = "@descent step"  # not a Python name: no function of a submission has it
STEP_RETURNS = ["t", "k", "k", "d"]  # params for the forward, for the backward (kept there), and to check


def step(params: dict[str, Any], grads: dict[str, np.ndarray], rate: float) -> dict[str, Any]:
    """One step of gradient descent (scalar parameters stay Python floats)."""
    return {
        k: float(v - rate * float(np.asarray(grads[k]).reshape(()))) if isinstance(v, float) else v - rate * grads[k]
        for k, v in params.items()
    }


def loss(f: Returned) -> float | None:
    """The loss a forward pass returned, if it is a single number (else a path stops there)."""
    value = f.values.get("loss")
    return float(value.reshape(())) if value is not None and value.size == 1 else None


def gradients(b: Returned, names: tuple[str, ...], scalars: tuple[str, ...],
              shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray] | str:
    """The gradients to step with, or why gradient descent cannot use them (a message)."""
    grads = {}
    for p in names:
        g = b.values.get(p)
        if g is None:
            return f"not checked: grads['{p}'] is missing"
        g = g.reshape(()) if p in scalars and g.size == 1 else g  # a scalar may come as any size-1 array
        if g.shape != shapes[p]:
            return f"gradient descent cannot update {p} of shape {shapes[p]} with a gradient of shape {g.shape}"
        grads[p] = g
    return grads


def _copy(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in params.items()}


def chained_step(params: dict[str, Any], forward: Any, backward: Any, rate: float, names: tuple[str, ...],
                 scalars: tuple[str, ...], needs_loss: bool) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Student side: the parameters one step after `params`, from the step's forward and
    backward results as the grader saw them; raises (ending the chain: the calls after it
    are not run) wherever the grader's check stops. `params` is a copy no student function
    was given (they may change theirs in place); so is each of the three returned: one for
    the next forward, one for the next backward (as the grader would pass them) and one to
    step from and to send back for the grader to compare."""
    if not isinstance(forward, Items) or not isinstance(backward, Mapping):
        raise ValueError("a pass returned no usable result")
    if needs_loss and loss(forward_fields(forward)) is None:
        raise ValueError("the loss is not a number")
    shapes = {p: np.shape(params[p]) for p in names}
    grads = gradients(backward_fields(backward, names), names, scalars, shapes)
    if isinstance(grads, str):
        raise ValueError(grads)
    new = step(params, grads, rate)
    return _copy(new), _copy(new), new


def stepped_to(result: Any, params: dict[str, Any]) -> bool:
    """Grader side: did a chained step (its returned result) reach exactly `params`?"""
    if not isinstance(result, Items) or not isinstance(result.items[2], Mapping):
        return False
    got = result.items[2].items
    return list(got) == list(params) and all(_same_bits(got[k], v) for k, v in params.items())


def _same_bits(result: Any, value: Any) -> bool:
    want = np.asarray(value, dtype=np.float64)
    return getattr(result, "dtype", None) == "float64" and result.value.shape == want.shape \
        and result.value.tobytes() == want.tobytes()


# The grader's functions that the student side may be asked to run (execution.StudentCode).
STUDENT_SIDE = {STEP: chained_step}
