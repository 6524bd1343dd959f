"""The checks: run a student's functions on every test case and turn the results into verdicts.

Data flows one way: grader-chosen cases -> student calls (validated arrays) -> comparisons
with the oracles' expected values -> verdicts with messages that name the mistake.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder import contract, diagnosis, finite_diff, torch_oracle
from autograder.compare import compare
from autograder.contract import Returned
from autograder.exercises import EXERCISES, Dims, Exercise, sigmoid_inputs
from autograder.expected import DESCENT_STEPS, Expected, Oracles, descent_step
from autograder.policy import autodiff_message
from autograder.student import CallError, Student
from autograder.verdicts import ExerciseResult, SubmissionResult, Verdict

Failure = str | None  # a message, or None when the check passed on that case


@dataclass
class CaseRun:
    expected: Expected
    forward: Returned | CallError
    backward: Returned | CallError | None  # None: the forward failed, backward never ran
    diagnosis: Dims  # the shape of the exercise's first case, which runs first


def run_cases(exercise: Exercise, student: Student, oracles: Oracles) -> list[CaseRun]:
    runs = []
    expected = oracles.all_expected(exercise)
    for exp in expected:
        case = exp.case
        fwd, bwd = contract.forward_backward(student, exercise.name, case.params, case.X, case.y, exercise.param_names)
        runs.append(CaseRun(exp, fwd, bwd, expected[0].case.dims))
        if isinstance(fwd, CallError) and fwd.kind in ("missing", "not_implemented", "load"):
            break  # the same message on every shape: no need to repeat the calls
    return runs


def format_failure(header: str, cause: str | None, actual: np.ndarray | None, expected: np.ndarray | None) -> str:
    lines = [header]
    if cause:
        lines.append(f"  likely cause: {cause}")
    if actual is not None and expected is not None:
        lines.append(f"  shapes: yours {actual.shape}, expected {expected.shape}")
        if actual.shape == expected.shape:
            lines.append(f"  largest error: {compare(actual, expected, EXERCISES['univariate'].tolerance).max_rel_err:.3g} "
                         "(relative to the largest entry)")
            lines += [f"  {line}" for line in diagnosis.differing_entries(actual, expected)]
    return "\n".join(lines)


def _call_failure(err: CallError, run: CaseRun) -> str:
    """A student call that failed on one test case: say which case, since the same code may
    work on the others (the diagnosis shape runs first, so a later case means it passed)."""
    if err.kind not in ("exception", "bad_return"):
        return err.message  # missing, not implemented, ...: the same on every case
    dims = run.expected.case.dims
    hint = diagnosis.edge_shape_hint(dims, run.diagnosis) if dims != run.diagnosis else ""
    return f"{err.message}\n  on the test case {dims}{hint}"


def _as_scalar(arr: np.ndarray) -> np.ndarray:
    """A scalar may come back as a float, a 0-d array or any size-1 array."""
    return arr.reshape(()) if arr.size == 1 else arr


# --- forward ---------------------------------------------------------------------------

def _y_hat_failure(ex: Exercise, run: CaseRun, sigmoid_wrong: bool = False) -> Failure:
    f, exp = run.forward, run.expected
    if isinstance(f, CallError):
        return _call_failure(f, run)
    if "y_hat" in f.bad:
        return f"`{ex.forward_name}` returns a y_hat that is not an array of numbers: {f.bad['y_hat']}"
    actual, dims = f.values["y_hat"], exp.case.dims
    header = f"`{ex.forward_name}`: y_hat is wrong for {dims}"
    if actual.shape != exp.y_hat.shape:
        return format_failure(header, diagnosis.y_hat_shape_cause(actual, exp.y_hat, dims, ex.tolerance), actual, exp.y_hat)
    if compare(actual, exp.y_hat, ex.tolerance, exp.float32_error["y_hat"]).close:
        return None
    mutants = [(m.description, m.y_hat) for m in exp.mutants if m.y_hat is not None]
    cause = diagnosis.value_cause(actual, f.dtypes["y_hat"], exp.y_hat, dims, ex.tolerance, mutants)
    if cause is None and f.mutated:
        # A forward that overwrites X (e.g. `X -= X.mean(...)`) computes y_hat from changed data.
        cause = (f"your forward modifies its input {', '.join(f.mutated)} in place (see `inputs not modified`), "
                 "so y_hat is computed from changed data")
    if cause is None and sigmoid_wrong:
        cause = "your `sigmoid` is wrong (see the `sigmoid` check), and y_hat goes through it"
    return format_failure(header, cause, actual, exp.y_hat)


_LOSS_RATIOS = {
    "m": "it is m times the MSE: a sum of squares instead of their mean (divide by m)",
    "half": "it is half the MSE: the 1/(2m) convention; this course's loss is the plain mean of squares",
    "double": "it is twice the MSE",
}


def _loss_ratio_cause(actual: float, expected: float, dims: Dims) -> str | None:
    if expected == 0:
        return None
    c = actual / expected
    for value, key in ((dims.m, "m"), (0.5, "half"), (2.0, "double")):
        if abs(c - value) <= 1e-6 * value and value != 1:
            return _LOSS_RATIOS[key]
    if dims.n not in (1, dims.m) and abs(c - dims.m / dims.n) <= 1e-6 * c:
        # sum / X.shape[0]: divided by the number of features n instead of the examples m
        return (f"it is m/n = {dims.m}/{dims.n} times the MSE: it divides by n = {dims.n} (the features, X.shape[0]) "
                f"instead of m = {dims.m} (the examples, X.shape[1])")
    return None


def _is_mse_of_wrong_y_hat(ex: Exercise, f: Returned, exp: Expected, value: float) -> bool:
    """The loss follows from a wrong y_hat (of any shape that broadcasts against y)."""
    y_hat = f.values.get("y_hat")
    if y_hat is None or (y_hat.shape == exp.y_hat.shape and compare(y_hat, exp.y_hat, ex.tolerance).close):
        return False
    try:
        own = float(np.mean((y_hat - exp.case.y) ** 2))
    except ValueError:  # shapes that do not broadcast
        return False
    return abs(value - own) <= 1e-6 * max(abs(value), 1e-12)


def _loss_failure(ex: Exercise, run: CaseRun) -> Failure:
    f, exp = run.forward, run.expected
    if isinstance(f, CallError):
        return _call_failure(f, run)
    if "loss" in f.bad:
        return f"`{ex.forward_name}` returns a loss that is not a number: {f.bad['loss']}"
    actual = f.values["loss"]
    header = f"`{ex.forward_name}`: the loss is wrong for {exp.case.dims}"
    if actual.size != 1:
        return format_failure(header, f"the loss should be a single number (a float), but has shape {actual.shape}", None, None)
    value, expected = float(actual.reshape(())), np.asarray(exp.loss)
    if compare(actual.reshape(()), expected, ex.tolerance, exp.float32_error["loss"]).close:
        return None
    cause = diagnosis.nonfinite_cause(actual) or _loss_ratio_cause(value, exp.loss, exp.case.dims)
    if cause is None and _is_mse_of_wrong_y_hat(ex, f, exp, value):
        cause = "it is the right MSE of your y_hat, which is wrong: fix y_hat first"
    if cause is None:
        for m in exp.mutants:
            if m.loss is not None and abs(value - m.loss) <= 1e-6 * max(abs(m.loss), 1e-12):
                cause = m.description
                break
    if cause is None:
        # Last: a loss off by < 1% with no known cause is rounding (float16 inside the forward).
        cause = diagnosis.precision_cause(actual.reshape(()), f.dtypes["loss"], expected)
    return format_failure(header, cause, actual.reshape(()), expected)


# --- backward --------------------------------------------------------------------------

def _rename_hint(extra: list[str], names: tuple[str, ...]) -> str:
    return f" (it has {', '.join(extra)}: use the parameter names {', '.join(map(repr, names))} as keys)" if extra else ""


def _gradient_failure(ex: Exercise, run: CaseRun, p: str, y_hat_ok: bool) -> Failure:
    b, exp = run.backward, run.expected
    if b is None:
        return f"the backward pass could not be checked because `{ex.forward_name}` fails:\n{run.forward}"
    if isinstance(b, CallError):
        # A wrong y_hat (e.g. shape (k, m)) in the cache often makes the backward raise.
        tail = "" if y_hat_ok else "\n  your y_hat is wrong too (see `forward: y_hat`): fix the forward first"
        return _call_failure(b, run) + tail
    if p in b.bad:
        return f"`{ex.backward_name}`: grads['{p}'] is not an array of numbers: {b.bad[p]}"
    if p not in b.values:
        return f"`{ex.backward_name}` returns no gradient for '{p}'{_rename_hint(b.extra_keys, ex.param_names)}"
    spec, dims = ex.param(p), exp.case.dims
    actual = _as_scalar(b.values[p]) if spec.is_scalar else b.values[p]
    expected = exp.grads[p]
    header = f"`{ex.backward_name}`: grads['{p}'] is wrong for {dims}"
    if actual.shape != expected.shape:
        return format_failure(header, diagnosis.shape_cause(actual, expected, dims, ex.tolerance), actual, expected)
    verdicts = {name: compare(actual, g[p], ex.tolerance, exp.float32_error[p]).close for name, g in exp.oracles.items()}
    if all(verdicts.values()):
        return None
    if y_hat_ok:
        mutants = [(m.description, m.grads[p]) for m in exp.mutants if m.grads is not None and p in m.grads]
        cause = diagnosis.value_cause(actual, b.dtypes[p], expected, dims, ex.tolerance, mutants)
    else:
        # Ratios and mutants assume the right forward values; a wrong y_hat makes any ratio
        # (e.g. "exactly 1.29 times") meaningless. The own-forward note says more.
        cause = diagnosis.nonfinite_cause(actual) or (
            "your y_hat is wrong (see `forward: y_hat`), and gradients computed from it follow it")
    oracle_line = "  checked against: " + ", ".join(f"{n} {'agrees' if ok else 'disagrees'}" for n, ok in verdicts.items())
    return format_failure(header, cause, actual, expected) + "\n" + oracle_line


def _bumped(value: float | np.ndarray) -> float | np.ndarray:
    return float(value + 0.5) if isinstance(value, float) else np.asarray(value) + 0.5


def _own_forward_note(ex: Exercise, student: Student, run: CaseRun, forward_ok: bool, p: str) -> str:
    """Finite differences of the student's own forward tell a wrong forward from a wrong backward."""
    if forward_ok:
        return "  your forward is right, so the mistake is in the backward pass"
    b, case = run.backward, run.expected.case
    if not isinstance(b, Returned) or p not in b.values:
        return ""
    grad = _as_scalar(b.values[p]) if ex.param(p).is_scalar else b.values[p]
    if grad.shape != np.shape(case.params[p]):
        return ""

    u = finite_diff.directions(case.params, seed=1)[p]
    bumped = {**case.params, p: _bumped(case.params[p])}
    try:
        values = contract.losses(student, ex.name, [case.params, bumped, *finite_diff.directional_points(case.params, p, u)],
                                 case.X, case.y)
    except CallError:
        return ""
    if values[0] == values[1]:
        # Bit-identical when every entry of p moves by 0.5: the forward never reads p (a
        # forgotten bias). A large step, unlike a finite-difference step, also moves a
        # float16 loss, so low precision cannot pass for independence.
        return (f"  your forward does not depend on {p} at all (your loss does not change when {p} does), "
                f"but {p} must enter y_hat: the mistake is in the forward")
    d = finite_diff.directional(values[2:], u, grad)
    if not d.reliable or d.fd == 0.0:
        # (The loss does depend on p, see above: a zero difference means it is too coarse.)
        return "  (finite differences of your own forward are too noisy to compare: float32 or lower precision in the forward?)"
    if d.agrees:
        return ("  your backward is consistent with your own forward (finite differences agree), "
                "but your forward is wrong: fix the forward and this gradient should follow")
    # Both halves are wrong: the backward does not even match the student's own forward.
    return ("  it also disagrees with finite differences of your own forward, so the backward is wrong too: "
            "fix the forward first, then recheck this gradient")


# --- whole-exercise checks -------------------------------------------------------------

def _mutation_failure(ex: Exercise, runs: list[CaseRun]) -> Failure:
    completed = [r for r in runs if isinstance(r.forward, Returned) and isinstance(r.backward, Returned)]
    if not completed:
        return "not checked: the forward and backward passes must run first"
    for r in completed:
        for fn, out in ((ex.forward_name, r.forward), (ex.backward_name, r.backward)):
            if out.mutated:
                return (f"`{fn}` modifies its input {', '.join(out.mutated)} in place: the caller's data changes. "
                        "Build new arrays (e.g. `Z = W1 @ X + b1`, not `X += ...`), or work on a copy")
    return None


def _descent_failure(ex: Exercise, student: Student, oracles: Oracles) -> Failure:
    rate, expected_losses = oracles.descent(ex)
    case = oracles.all_expected(ex)[0].case
    params, losses = dict(case.params), []
    for _ in range(DESCENT_STEPS):
        f, b = contract.forward_backward(student, ex.name, params, case.X, case.y, ex.param_names)
        if isinstance(f, CallError):
            return f"not checked: {f.message}"
        if "loss" not in f.values or f.values["loss"].size != 1:
            return "not checked: the forward pass must return a number as the loss"
        losses.append(float(f.values["loss"].reshape(())))
        if isinstance(b, CallError) or b is None:
            return f"not checked: {b.message if b else 'the backward pass did not run'}"
        grads = {}
        for p in ex.param_names:
            g = b.values.get(p)
            if g is None:
                return f"not checked: grads['{p}'] is missing"
            g = _as_scalar(g) if ex.param(p).is_scalar else g
            if g.shape != np.shape(params[p]):
                return f"gradient descent cannot update {p} of shape {np.shape(params[p])} with a gradient of shape {g.shape}"
            grads[p] = g
        params = descent_step(params, grads, rate)
    if np.allclose(losses, expected_losses, rtol=1e-4, atol=0) and losses[-1] < losses[0]:
        return None
    return (f"{DESCENT_STEPS} steps of gradient descent (rate {rate:g}) with your functions on {case.dims}: "
            f"your loss goes {losses[0]:.5g} -> {losses[-1]:.5g}, it should go {expected_losses[0]:.5g} -> {expected_losses[-1]:.5g}"
            + _descent_reason(losses, expected_losses))


def _descent_reason(losses: list[float], expected: list[float]) -> str:
    """Which half is to blame: the loss is compared from the very first step, before any
    update, so a wrong first value means the forward (the loss), not the gradients."""
    if not np.isclose(losses[0], expected[0], rtol=1e-4, atol=0):
        return "; your loss is wrong already at the starting parameters, before any update (see `forward: loss`)"
    return "; the loss starts right, so your gradients are what sends it elsewhere (see the gradient checks)"


def _sigmoid_failure(student: Student, oracles: Oracles) -> Failure:
    inputs = sigmoid_inputs(oracles.secret)
    for z, out in zip(inputs, contract.sigmoid(student, inputs)):
        if isinstance(out, CallError):
            return out.message
        if "sigmoid" in out.bad:
            return f"`sigmoid` returns something that is not an array of numbers: {out.bad['sigmoid']}"
        actual, expected = out.values["sigmoid"], torch_oracle.sigmoid(z)
        header = f"`sigmoid` is wrong on an input of shape {z.shape}"
        if actual.shape != z.shape:
            return format_failure(header, f"it should return an array of the same shape as z, got shape {actual.shape}", actual, expected)
        if not compare(actual, expected, EXERCISES["sigmoid_mlp"].tolerance).close:
            cause = diagnosis.nonfinite_cause(actual) or ("it should be 1 / (1 + exp(-z))"
                                                          if not np.allclose(actual, 1 - expected) else "it is 1 - sigmoid(z): the sign of z in exp(-z) is flipped")
            return format_failure(header, cause, actual, expected)
    return None


def _verdict(ex: Exercise, check: str, group: str, max_points: float, failures: list[Failure]) -> Verdict:
    failure = next((f for f in failures if f is not None), None)
    message = "passed" if failure is None else failure
    return Verdict(ex.name, check, group, max_points if failure is None else 0.0, max_points, failure is None, message)


def grade_exercise(ex: Exercise, student: Student, oracles: Oracles) -> ExerciseResult:
    runs = run_cases(ex, student, oracles)
    pts = ex.points
    sigmoid_failure = _sigmoid_failure(student, oracles) if ex.needs_sigmoid else None
    y_hat_failures = [_y_hat_failure(ex, r, sigmoid_failure is not None) for r in runs]
    loss_failures = [_loss_failure(ex, r) for r in runs]
    y_hat = _verdict(ex, "forward: y_hat", "forward", pts.y_hat, y_hat_failures)
    loss = _verdict(ex, "forward: loss", "forward", pts.loss, loss_failures)
    verdicts = [y_hat, loss]
    banned = student.autodiff_modules()
    forward_ok = y_hat_failures[0] is None and loss_failures[0] is None
    for p in ex.param_names:
        if banned:
            verdicts.append(_verdict(ex, f"gradient: {p}", "backward", pts.per_gradient, [autodiff_message(banned)]))
            continue
        failures = [_gradient_failure(ex, r, p, y_hat_ok=f is None) for r, f in zip(runs, y_hat_failures)]
        if failures[0] is not None and runs[0].backward is not None and not isinstance(runs[0].backward, CallError):
            note = _own_forward_note(ex, student, runs[0], forward_ok, p)
            failures[0] = failures[0] + ("\n" + note if note else "")
        verdicts.append(_verdict(ex, f"gradient: {p}", "backward", pts.per_gradient, failures))
    verdicts.append(_verdict(ex, "inputs not modified", "backward", pts.no_mutation, [_mutation_failure(ex, runs)]))
    descent = autodiff_message(banned) if banned else _descent_failure(ex, student, oracles)
    verdicts.append(_verdict(ex, "gradient descent lowers the loss", "backward", pts.descent, [descent]))
    if ex.needs_sigmoid:
        verdicts.append(_verdict(ex, "sigmoid", "sigmoid", pts.sigmoid, [sigmoid_failure]))
    return ExerciseResult(ex.name, ex.title, verdicts)


def grade(student: Student, oracles: Oracles, label: str, exercises: list[str] | None = None) -> SubmissionResult:
    chosen = [EXERCISES[name] for name in (exercises or list(EXERCISES))]
    results = [grade_exercise(ex, student, oracles) for ex in chosen]
    return SubmissionResult(label, results, student_output=student.output())
