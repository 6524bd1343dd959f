"""Grading a model exercise: run the student's forward and backward on every case and turn
the results into verdicts whose messages name the mistake.

Data flows one way: grader-chosen cases -> student calls (validated arrays) -> comparisons
with the oracles' expected values -> verdicts.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from autograder import contract, descent, diagnosis, finite_diff
from autograder.kinds import carry_forward
from autograder.compare import compare
from autograder.contract import Returned
from autograder.diagnosis import Cause
from autograder.feedback import Credit, Failure, Outcome, call_failure, failure, verdict
from autograder.kinds.elementwise import function_calls, function_outcomes
from autograder.kinds.model import DESCENT_CHECK, DESCENT_STEPS, CaseExpected, Model, ModelExpected, held_out_accuracy
from autograder.spec import Sizes
from autograder.student import Call, CallError, Student
from autograder.verdicts import Verdict

# A forward that fails so fails the same way on every shape: the other cases are not run.
SAME_ON_EVERY_CASE = ("missing", "not_run", "not_implemented", "load")
PATH_SEGMENT = 32  # steps of a descent path chained in one batch (a training run may take hundreds)


@dataclass
class CaseRun:
    expected: CaseExpected
    forward: Returned | CallError
    backward: Returned | CallError | None  # None: the forward failed, backward never ran
    diagnosis: Sizes  # the sizes of the exercise's first case, which runs first


def case_groups(model: Model, expected: ModelExpected) -> list[list[Call]]:
    """A batch per case, the diagnosis case first."""
    return [contract.case_calls(model.name, e.case.params, e.case.X, e.case.y, SAME_ON_EVERY_CASE)
            for e in expected.cases]


def case_runs(model: Model, expected: ModelExpected, answered: list[list[Any]]) -> list[CaseRun]:
    """The cases `case_groups` got answers for (all of them, unless the forward failed in a
    way that is the same on every shape)."""
    names, out = model.param_names, model.vocabulary.output
    return [CaseRun(exp, *contract.case_outcomes(*outcomes, model.name, names, out), expected.cases[0].case.sizes)
            for exp, outcomes in zip(expected.cases, answered)]


def _call_failure(model: Model, err: CallError, run: CaseRun) -> Failure:
    """A student call that failed on one test case: say which case, since the same code may
    work on the others (the diagnosis shape runs first, so a later case means it passed)."""
    found = call_failure(err)
    if err.kind not in ("exception", "bad_return") or found.cause == "autodiff":
        return found  # missing, not implemented...: the same on every case
    sizes = run.expected.case.sizes
    hint = diagnosis.edge_shape_hint(sizes, run.diagnosis, model.vocabulary) if sizes != run.diagnosis else ""
    return Failure(f"{err.message}\n  on the test case {sizes}{hint}", "edge-shape" if hint else None)


def _as_scalar(arr: np.ndarray) -> np.ndarray:
    """A scalar may come back as a float, a 0-d array or any size-1 array."""
    return arr.reshape(()) if arr.size == 1 else arr


# --- forward ---------------------------------------------------------------------------

def _swapped(model: Model, f: Returned, exp: CaseExpected) -> Cause | None:
    """(loss, output, cache) instead of (output, loss, cache)."""
    output, loss = f.values.get("output"), f.values.get("loss")
    if output is not None and loss is not None and output.size == 1 and loss.shape == exp.output.shape != (1, 1):
        out = model.vocabulary.output
        return Cause("swapped-returns", f"your forward returns the loss first: the order is ({out}, loss, cache), "
                                        f"and yours looks like (loss, {out}, cache)")
    return None


def _output_shape_cause(model: Model, actual: np.ndarray, exp: CaseExpected) -> Cause:
    for rule in model.output_rules:
        found = rule(actual, exp.case.sizes)
        if found:
            return found
    return diagnosis.output_shape_cause(actual, exp.output, exp.case.sizes, model.vocabulary, model.tolerance)


def _output_failure(model: Model, run: CaseRun, helper_wrong: str | None) -> Outcome:
    f, exp, out = run.forward, run.expected, model.vocabulary.output
    if isinstance(f, CallError):
        return _call_failure(model, f, run)
    if "output" in f.bad:
        return Failure(f"`{model.forward_name}` returns a {out} that is not an array of numbers: {f.bad['output']}")
    actual, sizes = f.values["output"], exp.case.sizes
    header = f"`{model.forward_name}`: {out} is wrong for {sizes}"
    if actual.shape != exp.output.shape:
        return failure(header, _swapped(model, f, exp) or _output_shape_cause(model, actual, exp), actual, exp.output)
    if compare(actual, exp.output, model.tolerance, exp.float32_error["output"]).close:
        return None
    mutants = [(m.cause, m.text, m.output) for m in exp.mutants if m.output is not None]
    cause = diagnosis.nonfinite_cause(actual, model.output_nonfinite) or diagnosis.value_cause(
        actual, f.dtypes["output"], exp.output, sizes, model.vocabulary, model.tolerance, mutants)
    if f.mutated and (cause is None or cause.id == "low-precision"):
        # A forward that overwrites X (e.g. `X -= X.mean(...)`) computes the output from changed data:
        # an observed fact, which beats the guess "low precision" when the change is small.
        cause = Cause("mutated-input", f"your forward modifies its input {', '.join(f.mutated)} in place (see "
                                       f"`inputs not modified`), so {out} is computed from changed data")
    if cause is None and helper_wrong:
        cause = Cause("helper-wrong", f"your `{helper_wrong}` is wrong (see the `{helper_wrong}` check), and {out} "
                                      "goes through it")
    return failure(header, cause, actual, exp.output)


def _loss_ratio_cause(model: Model, actual: float, expected: float, sizes: Sizes) -> Cause | None:
    if expected == 0:
        return None
    c, m, name = actual / expected, sizes[model.vocabulary.batch], model.loss.name
    candidates = [(float(m), "loss-ratio:m", model.loss.summed)]
    candidates += [(float(v), f"loss-ratio:{v}", text) for v, text in model.loss.ratios.items()]
    for value, cause, text in candidates:
        if text and value != 1 and abs(c - value) <= 1e-6 * value:
            return Cause(cause, text)
    for role in model.vocabulary.sizes:
        n = sizes.get(role.name)
        if role.axis and n is not None and n not in (1, m) and abs(c - m / n) <= 1e-6 * c:
            # sum / X.shape[0]: divided by the number of features n instead of the examples m
            batch = model.vocabulary.role(model.vocabulary.batch)
            return Cause(f"divides-by-{role.name}", f"it is m/{role.name} = {m}/{n} times the {name}: it divides by "
                                                    f"{role.name} = {n} (the {role.noun}, {role.axis}) instead of "
                                                    f"m = {m} (the {batch.noun}, {batch.axis})")
    return None


def _is_loss_of_wrong_output(model: Model, f: Returned, exp: CaseExpected, value: float) -> bool:
    """The loss follows from a wrong output (of any shape that broadcasts against y)."""
    output = f.values.get("output")
    if output is None or (output.shape == exp.output.shape and compare(output, exp.output, model.tolerance).close):
        return False
    try:
        with np.errstate(all="ignore"):
            own = float(model.loss.of_output(output, exp.case.y))
    except (ValueError, TypeError, IndexError):  # shapes that do not broadcast
        return False
    return abs(value - own) <= 1e-6 * max(abs(value), 1e-12)


def _loss_failure(model: Model, run: CaseRun) -> Outcome:
    f, exp = run.forward, run.expected
    if isinstance(f, CallError):
        return _call_failure(model, f, run)
    if "loss" in f.bad:
        return Failure(f"`{model.forward_name}` returns a loss that is not a number: {f.bad['loss']}")
    actual = f.values["loss"]
    header = f"`{model.forward_name}`: the loss is wrong for {exp.case.sizes}"
    if actual.size != 1:
        return failure(header, _swapped(model, f, exp) or Cause(
            "loss-shape", f"the loss should be a single number (a float), but has shape {actual.shape}"), None, None)
    value, expected = float(actual.reshape(())), np.asarray(exp.loss)
    if compare(actual.reshape(()), expected, model.tolerance, exp.float32_error["loss"]).close:
        return None
    cause = diagnosis.nonfinite_cause(actual, model.loss.nonfinite) or _loss_ratio_cause(model, value, exp.loss,
                                                                                            exp.case.sizes)
    if cause is None and _is_loss_of_wrong_output(model, f, exp, value):
        cause = Cause("loss-of-wrong-output", f"it is the right {model.loss.name} of your {model.vocabulary.output}, "
                                              f"which is wrong: fix {model.vocabulary.output} first")
    if cause is None:
        cause = next((Cause(m.cause, m.text) for m in exp.mutants
                      if m.loss is not None and abs(value - m.loss) <= 1e-6 * max(abs(m.loss), 1e-12)), None)
    if cause is None:
        # Last: a loss off by < 1% with no known cause is rounding (float16 inside the forward).
        cause = diagnosis.precision_cause(actual.reshape(()), f.dtypes["loss"], expected)
    return failure(header, cause, actual.reshape(()), expected)


# --- backward --------------------------------------------------------------------------

def _rename_hint(extra: list[str], names: tuple[str, ...]) -> str:
    return f" (it has {', '.join(extra)}: use the parameter names {', '.join(map(repr, names))} as keys)" if extra else ""


def _gradient_value_cause(model: Model, run: CaseRun, p: str, actual: np.ndarray, dtype: str,
                          output_ok: bool) -> Cause | None:
    exp, out = run.expected, model.vocabulary.output
    if not output_ok:
        # Ratios and mutants assume the right forward values; a wrong output makes any ratio
        # (e.g. "exactly 1.29 times") meaningless. The own-forward note says more.
        return diagnosis.nonfinite_cause(actual) or Cause(
            "output-wrong", f"your {out} is wrong (see `forward: {out}`), and gradients computed from it follow it")
    mutants = [(m.cause, m.text, m.grads[p]) for m in exp.mutants if m.grads is not None and p in m.grads]
    vocab = replace(model.vocabulary, factors={**model.vocabulary.factors, **model.loss.factors})
    return diagnosis.value_cause(actual, dtype, exp.grads[p], exp.case.sizes, vocab, model.tolerance, mutants)


def _gradient_failure(model: Model, run: CaseRun, p: str, output_ok: bool) -> Outcome:
    b, exp, out = run.backward, run.expected, model.vocabulary.output
    if b is None:
        return Failure(f"the backward pass could not be checked because `{model.forward_name}` fails:\n{run.forward}")
    if isinstance(b, CallError):
        # A wrong output (e.g. shape (k, m)) in the cache often makes the backward raise.
        found = _call_failure(model, b, run)
        tail = "" if output_ok else f"\n  your {out} is wrong too (see `forward: {out}`): fix the forward first"
        return Failure(found.message + tail, found.cause)
    if p in b.bad:
        return Failure(f"`{model.backward_name}`: grads['{p}'] is not an array of numbers: {b.bad[p]}")
    if p not in b.values:
        return Failure(f"`{model.backward_name}` returns no gradient for '{p}'{_rename_hint(b.extra_keys, model.param_names)}",
                       "missing-key" if b.extra_keys else None)
    actual = _as_scalar(b.values[p]) if model.param(p).is_scalar else b.values[p]
    expected, sizes = exp.grads[p], exp.case.sizes
    header = f"`{model.backward_name}`: grads['{p}'] is wrong for {sizes}"
    if actual.shape != expected.shape:
        return failure(header, diagnosis.shape_cause(actual, expected, sizes, model.vocabulary, model.tolerance),
                       actual, expected)
    agree = {name: compare(actual, g[p], model.tolerance, exp.float32_error[p]).close for name, g in exp.oracles.items()}
    if all(agree.values()):
        return None
    found = failure(header, _gradient_value_cause(model, run, p, actual, b.dtypes[p], output_ok), actual, expected)
    oracle_line = "  checked against: " + ", ".join(f"{n} {'agrees' if ok else 'disagrees'}" for n, ok in agree.items())
    return Failure(found.message + "\n" + oracle_line, found.cause)


def _bumped(value: float | np.ndarray) -> float | np.ndarray:
    return float(value + 0.5) if isinstance(value, float) else np.asarray(value) + 0.5


@dataclass(frozen=True)
class _Probe:
    """What finite differences of the student's own forward need for gradient `p`: the
    student's loss at the case's parameters, with p moved by 0.5, and along direction u."""

    p: str
    grad: np.ndarray
    u: np.ndarray
    points: list[dict[str, Any]]


def _own_forward_probe(model: Model, run: CaseRun, forward_ok: bool, p: str) -> tuple[str, bool] | _Probe:
    """The note when it needs no call of the student's forward, else the calls' points."""
    if forward_ok:
        return "  your forward is right, so the mistake is in the backward pass", False
    b, case = run.backward, run.expected.case
    if not isinstance(b, Returned) or p not in b.values:
        return "", False
    grad = _as_scalar(b.values[p]) if model.param(p).is_scalar else b.values[p]
    if grad.shape != np.shape(case.params[p]):
        return "", False
    u = finite_diff.directions(case.params, seed=1)[p]
    bumped = {**case.params, p: _bumped(case.params[p])}
    return _Probe(p, grad, u, [case.params, bumped, *finite_diff.directional_points(case.params, p, u)])


def _own_forward_note(model: Model, probe: _Probe, outcomes: list[Any]) -> tuple[str, bool]:
    """Finite differences of the student's own forward tell a wrong forward from a wrong
    backward: (a note, whether the gradient is right for the student's own forward)."""
    p, out = probe.p, model.vocabulary.output
    try:
        values = contract.loss_values(outcomes, model.name)
    except CallError:
        return "", False
    if values[0] == values[1]:
        # Bit-identical when every entry of p moves by 0.5: the forward never reads p (a
        # forgotten bias). A large step, unlike a finite-difference step, also moves a
        # float16 loss, so low precision cannot pass for independence.
        return (f"  your forward does not depend on {p} at all (your loss does not change when {p} does), "
                f"but {p} must enter {out}: the mistake is in the forward"), False
    d = finite_diff.directional(values[2:], probe.u, probe.grad)
    if not d.reliable or d.fd == 0.0:
        # (The loss does depend on p, see above: a zero difference means it is too coarse.)
        return ("  (finite differences of your own forward are too noisy to compare: float32 or lower precision "
                "in the forward?)"), False
    if d.agrees:
        return ("  your backward is consistent with your own forward (finite differences agree), "
                "but your forward is wrong: fix the forward and this gradient should follow"), True
    # Both halves are wrong: the backward does not even match the student's own forward.
    return ("  it also disagrees with finite differences of your own forward, so the backward is wrong too: "
            "fix the forward first, then recheck this gradient"), False


def _own_forward_notes(model: Model, student: Student, run: CaseRun, forward_ok: bool,
                       params: list[str]) -> dict[str, tuple[str, bool]]:
    """The notes of the gradients `params`: every probe's calls in one round trip."""
    planned = {p: _own_forward_probe(model, run, forward_ok, p) for p in params}
    probes = [plan for plan in planned.values() if isinstance(plan, _Probe)]
    case = run.expected.case
    answered = student.run_groups([contract.loss_points(model.name, pr.points, case.X, case.y) for pr in probes])
    notes = {pr.p: _own_forward_note(model, pr, outcomes) for pr, outcomes in zip(probes, answered)}
    return {p: notes[p] if isinstance(plan, _Probe) else plan for p, plan in planned.items()}


# --- whole-exercise checks -------------------------------------------------------------

def _mutation_failure(model: Model, runs: list[CaseRun]) -> Outcome:
    """Judged on every call that returned: a backward that raises on one case is not
    charged here again, but one that never returned earns nothing here either (no credit
    for work that did not run)."""
    ran = [(fn, out) for r in runs for fn, out in ((model.forward_name, r.forward), (model.backward_name, r.backward))
           if isinstance(out, Returned)]
    for name, what in ((model.forward_name, "the forward pass"), (model.backward_name, "the backward pass")):
        if not any(fn == name for fn, _ in ran):
            return Failure(f"not checked: {what} must return first")
    for fn, out in ran:
        if out.mutated:
            return Failure(f"`{fn}` modifies its input {', '.join(out.mutated)} in place: the caller's data changes. "
                           "Build new arrays (e.g. `Z = W1 @ X + b1`, not `X += ...`), or work on a copy", "mutates")
    return None


class _Path:
    """The forward and backward passes of each step of a gradient-descent path, at the
    grader's own parameters. The student side chains up to PATH_SEGMENT steps in one batch
    (contract.descent_path, descent.py); a chained step is taken only if it reached exactly
    the grader's parameters, else the path goes on from the grader's in a new batch."""

    def __init__(self, model: Model, student: Student, inputs: list[tuple[np.ndarray, np.ndarray]], rate: float,
                 needs_loss: bool) -> None:
        self.model, self.student, self.inputs, self.rate, self.needs_loss = model, student, inputs, rate, needs_loss
        self.start, self.steps, self.outcomes, self.moved = 0, 0, [], None  # the current batch

    def at(self, step: int, params: dict[str, Any]) -> contract.Pair:
        chained = self.start < step < self.start + self.steps and descent.stepped_to(self.moved, params)
        if not chained:
            inputs = self.inputs[step:step + PATH_SEGMENT]
            calls = contract.descent_path(self.model.name, params, inputs, self.rate, self.model.param_names,
                                          _scalars(self.model), self.needs_loss)
            self.start, self.steps, self.outcomes = step, len(inputs), self.student.run(calls)
        pair, self.moved = contract.path_step(self.outcomes, step - self.start, self.model.name,
                                              self.model.param_names, self.model.vocabulary.output)
        return pair


def _scalars(model: Model) -> tuple[str, ...]:
    return tuple(p.name for p in model.params if p.is_scalar)


def _descent_grads(model: Model, b: Returned, params: dict) -> dict[str, np.ndarray] | str:
    return descent.gradients(b, model.param_names, _scalars(model), {p: np.shape(params[p]) for p in model.param_names})


def _descent_failure(model: Model, student: Student, expected: ModelExpected) -> Outcome:
    rate, expected_losses, case = expected.descent_rate, expected.descent_losses, expected.cases[0].case
    params, losses = dict(case.params), []
    path = _Path(model, student, [(case.X, case.y)] * DESCENT_STEPS, rate, needs_loss=True)
    for step in range(DESCENT_STEPS):
        f, b = path.at(step, params)
        if isinstance(f, CallError):
            return Failure(f"not checked: {f.message}")
        loss = descent.loss(f)
        if loss is None:
            return Failure("not checked: the forward pass must return a number as the loss", "descent-path")
        losses.append(loss)
        if isinstance(b, CallError) or b is None:
            return Failure(f"not checked: {b.message if b else 'the backward pass did not run'}")
        grads = _descent_grads(model, b, params)
        if isinstance(grads, str):
            return Failure(grads, "descent-path")
        params = descent.step(params, grads, rate)
    if np.allclose(losses, expected_losses, rtol=1e-4, atol=0) and losses[-1] < losses[0]:
        return None
    return Failure(f"{DESCENT_STEPS} steps of gradient descent (rate {rate:g}) with your functions on {case.sizes}: "
                   f"your loss goes {losses[0]:.5g} -> {losses[-1]:.5g}, it should go {expected_losses[0]:.5g} -> "
                   f"{expected_losses[-1]:.5g}" + _descent_reason(losses, expected_losses), "descent-path")


def _descent_reason(losses: list[float], expected: list[float]) -> str:
    """Which half is to blame: the loss is compared from the very first step, before any
    update, so a wrong first value means the forward (the loss), not the gradients."""
    if not np.isclose(losses[0], expected[0], rtol=1e-4, atol=0):
        return "; your loss is wrong already at the starting parameters, before any update (see `forward: loss`)"
    return "; the loss starts right, so your gradients are what sends it elsewhere (see the gradient checks)"


def _training_failure(model: Model, student: Student, expected: ModelExpected) -> Outcome:
    t, run = model.training, expected.training
    assert t is not None and run is not None
    params = dict(run.start)
    path = _Path(model, student, [(run.X[:, batch], run.y[:, batch]) for batch in run.batches], t.rate, needs_loss=False)
    for step in range(len(run.batches)):
        f, b = path.at(step, params)
        if isinstance(f, CallError) or isinstance(b, CallError) or b is None:
            error = f if isinstance(f, CallError) else b
            return Failure(f"not checked: at step {step + 1} of the training, {error.message if error else 'no backward'}")
        grads = _descent_grads(model, b, params)
        if isinstance(grads, str):
            return Failure(f"at step {step + 1} of the training, {grads}", "training")
        params = descent.step(params, grads, t.rate)
    accuracy = held_out_accuracy(model, params, run)
    if np.isfinite(accuracy) and accuracy >= t.target:
        return None
    return Failure(f"{t.steps} steps of gradient descent with your gradients (rate {t.rate:g}, batches of {t.batch}) "
                   f"reach {accuracy:.1%} accuracy on the held-out examples; the target is {t.target:.0%} (the right "
                   f"gradients reach {expected.training_accuracy:.1%}): see the gradient checks", "training")


def _settled_gradients(model: Model, student: Student, runs: list[CaseRun], outputs: list[Outcome],
                       forward_ok: bool) -> dict[str, list[Outcome]]:
    """Each gradient's outcomes on every case; a failure on the first case says whether the
    gradient is right for the student's own forward (and carry_forward may settle it)."""
    gradients = {p: [_gradient_failure(model, r, p, output_ok=o is None) for r, o in zip(runs, outputs)]
                 for p in model.param_names}
    ran = runs[0].backward is not None and not isinstance(runs[0].backward, CallError)
    failing = [p for p in model.param_names if ran and isinstance(gradients[p][0], Failure)]
    notes = _own_forward_notes(model, student, runs[0], forward_ok, failing)
    for p, (note, _) in notes.items():
        first = gradients[p][0]
        gradients[p][0] = Failure(first.message + ("\n" + note if note else ""), first.cause)
    consistent = {p: right_for_own_forward for p, (_, right_for_own_forward) in notes.items()}
    if not model.carry_forward:
        return gradients
    if forward_ok:
        return carry_forward.shared_cause(gradients)
    return carry_forward.own_forward(gradients, consistent, any(isinstance(o, Failure) for o in outputs))


def grade_model(model: Model, student: Student, expected: ModelExpected) -> list[Verdict]:
    checks = {c.name: c for c in model.checks()}
    # The helpers' batches, then the cases', in one round trip.
    helper_groups = [function_calls(h, expected.helpers[h.name]) for h in model.helpers]
    answered = student.run_groups(helper_groups + case_groups(model, expected))
    helpers = {h.name: function_outcomes(h, outcomes, expected.helpers[h.name])
               for h, outcomes in zip(model.helpers, answered)}
    wrong_helper = next((name for name, (value, _) in helpers.items() if value is not None), None)
    runs = case_runs(model, expected, answered[len(helper_groups):])
    outputs = [_output_failure(model, r, wrong_helper) for r in runs]
    losses = [_loss_failure(model, r) for r in runs]
    out = model.vocabulary.output
    verdicts = [verdict(model.name, checks[f"forward: {out}"], outputs), verdict(model.name, checks["forward: loss"], losses)]
    forward_ok = not any(isinstance(o, Failure) for o in outputs + losses)
    gradients = _settled_gradients(model, student, runs, outputs, forward_ok)
    verdicts += [verdict(model.name, checks[f"gradient: {p}"], gradients[p]) for p in model.param_names]
    verdicts.append(verdict(model.name, checks["inputs not modified"], [_mutation_failure(model, runs)]))
    upstream = outputs + losses + [o for g in gradients.values() for o in g]
    charged = model.carry_forward and (carry_forward.charged(upstream) or
                                       any(isinstance(o, Credit) for o in upstream))
    if model.descent:
        path = carry_forward.downstream(_descent_failure(model, student, expected), charged, "the descent path")
        verdicts.append(verdict(model.name, checks[DESCENT_CHECK], [path]))
    if model.training:
        training = carry_forward.downstream(_training_failure(model, student, expected), charged, "the training")
        verdicts.append(verdict(model.name, checks[model.training.check_name], [training]))
    for h in model.helpers:
        value, derivative = helpers[h.name]
        verdicts.append(verdict(model.name, checks[h.name], [value]))
        if h.derivative:
            verdicts.append(verdict(model.name, checks[h.derivative], [derivative]))
    return verdicts
