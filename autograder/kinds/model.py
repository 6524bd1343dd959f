"""A model with a forward and a backward pass: `E_forward(params, X, y) -> (output, loss,
cache)` and `E_backward(params, cache) -> grads`, with the loss the declaration names.

The declaration gives the parameters and their shapes, the case families, how inputs are
drawn, the forward in torch (the oracle), the loss's words for its own factors, the known
mistakes' wording and the notebook prose. This module turns it into cases and expected
values (reference, torch.autograd and finite differences, cross-checked); model_checks.py
grades a student against them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from autograder import contract, descent, finite_diff, torch_oracle
from autograder.compare import relative_error
from autograder.contract import Returned
from autograder.diagnosis import Cause, Vocabulary
from autograder.kinds import elementwise
from autograder.kinds.elementwise import Elementwise, OracleError
from autograder.secret import CourseSecret
from autograder.spec import Check, Family, Group, Mistake, Sizes, Tolerance, family_sizes, rng_for
from autograder.student import Call, CallError, Ref, Reply, Student
from autograder.values import Array, Items

ORACLE_AGREEMENT = 1e-7  # normwise, between exact oracles; the grading tolerance is 1e-5
# Central differences err by ~eps * |loss| / h per entry (rounding), whatever the size of
# the gradient: a small gradient of a large loss is known only to that absolute precision.
FD_AGREEMENT, FD_NOISE = 1e-6, 1e-9
DESCENT_STEPS = 8
DESCENT_CHECK = "gradient descent path"  # the losses along DESCENT_STEPS steps, from the diagnosis case
# The first rate at which the right gradients lower the loss at every step of the case
# (random graded cases can be steep enough for 0.05 to diverge).
DESCENT_RATES = (0.05, 0.02, 0.01, 0.005, 0.002, 0.001)


@dataclass(frozen=True)
class Param:
    name: str
    # Size names ("n", "k", "m") or literal ints; () means a Python-float scalar.
    symbols: tuple[str | int, ...]

    def shape(self, sizes: Sizes) -> tuple[int, ...]:
        return tuple(s if isinstance(s, int) else sizes[s] for s in self.symbols)

    @property
    def is_scalar(self) -> bool:
        return self.symbols == ()


@dataclass(frozen=True)
class Loss:
    """A loss, as far as feedback needs it."""

    name: str  # in messages: "it is m/n times the MSE"
    described: str  # in docstrings: "mean squared error"
    of_output: Callable[[np.ndarray, np.ndarray], float]  # the loss of any output (broadcast) against y
    summed: str = ""  # why a loss is exactly m times the right one (a sum instead of a mean)
    ratios: dict[Fraction, str] = field(default_factory=dict)  # why it is exactly c times the right one
    factors: dict[Fraction, str] = field(default_factory=dict)  # why a gradient is exactly c times the right one
    nonfinite: str = ""  # where an inf or NaN loss comes from (e.g. log(0) of a rounded probability)


@dataclass(frozen=True)
class Points:
    output: float = 1.0
    loss: float = 1.0
    per_gradient: float = 1.0
    no_mutation: float = 1.0
    descent: float = 1.0


@dataclass(frozen=True)
class Training:
    """The model trained with the student's own forward and backward passes by minibatch
    gradient descent on a real dataset, judged by its accuracy on held-out examples."""

    data: Callable[[], tuple[np.ndarray, np.ndarray]]  # all examples: X (n, N), integer labels (1, N)
    init: Callable[[np.random.Generator], dict[str, Any]]  # the starting parameters
    steps: int  # the step budget
    rate: float
    batch: int
    target: float  # held-out accuracy to reach, e.g. 0.9
    held_out: float = 0.25  # the fraction of examples held out
    points: float = 2.0

    @property
    def check_name(self) -> str:
        return f"training: {self.target:.0%} held-out accuracy within {self.steps} steps"


@dataclass(frozen=True)
class Model:
    name: str
    title: str
    params: tuple[Param, ...]
    families: tuple[Family, ...]  # the first is the diagnosis case: its failures make the best messages
    inputs: Callable[[np.random.Generator, Sizes], tuple[np.ndarray, np.ndarray]]  # (rng, sizes) -> X, y
    torch_forward: torch_oracle.TorchForward
    loss: Loss
    vocabulary: Vocabulary
    formula: str  # "y_hat = w X + b", for tables
    helpers: tuple[Elementwise, ...] = ()  # functions the student writes and the forward uses (sigmoid)
    mistakes: tuple[Mistake, ...] = ()  # wording; reference/<assignment>/ holds their code
    output_rules: tuple[Callable[[np.ndarray, Sizes], Cause | None], ...] = ()  # shape rules of this model
    points: Points = Points()
    tolerance: Tolerance = Tolerance()
    descent: bool = True
    x_shape: str = "(n, m)"  # for the docstrings students read
    output_shape: str = "(1, m)"
    y_shape: str = "(1, m)"
    training: Training | None = None
    carry_forward: bool = True  # the course's policy: one root mistake costs once (carry_forward.py)
    output_nonfinite: str = ""  # where an inf or NaN output comes from (e.g. exp overflowing)
    derivation_points: float = 0.0  # a written derivation graded by hand (spec.Exercise)
    notes: str = ""  # the section of the course notes it practises

    @property
    def forward_name(self) -> str:
        return f"{self.name}_forward"

    @property
    def backward_name(self) -> str:
        return f"{self.name}_backward"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def groups(self) -> tuple[Group, ...]:
        helpers = tuple(Group(h.group_name, h.names, h.name) for h in self.helpers)
        groups = (*helpers, Group("forward", (self.forward_name,), "forward pass"),
                  Group("backward", (self.backward_name,), "backward pass"))
        return groups + ((Group("training", (), "training"),) if self.training else ())

    def docstring(self, function: str) -> str:
        """The docstring of a function's stub (in the notebook's answer cell)."""
        if function not in (self.forward_name, self.backward_name):
            return next(h.docstring(function) for h in self.helpers if function in h.names)
        params = "{" + ", ".join(f'"{p.name}": {_shape(p)}' for p in self.params) + "}"
        out = self.vocabulary.output
        if function == self.forward_name:
            return (f'"""Forward pass: returns ({out}, loss, cache).\n\nparams: {params}\n'
                    f"X: {self.x_shape}, one example per column; y: {self.y_shape}.\n"
                    f'{out}: {self.output_shape}; loss: a float ({self.loss.described}); cache: what your backward needs.\n"""')
        grads = ", ".join(f"{p.name} {_shape(p)}" for p in self.params)
        return ('"""Backward pass: returns grads, a dict with the keys of params.\n\n'
                f"params: {params}\ncache: what your forward pass returned.\n"
                f'grads[p] has the shape of params[p]: {grads}.\n"""')

    def signature(self, function: str) -> str:
        if function == self.forward_name:
            return f"def {self.forward_name}(params, X, y):"
        if function == self.backward_name:
            return f"def {self.backward_name}(params, cache):"
        return f"def {function}(z):"

    def what_is_checked(self, group: str) -> str:
        """For the test cell's comment."""
        if group == "forward":
            return f"{self.vocabulary.output} and the loss"
        if group == "backward":
            return "each gradient, that no input is modified in place" + (
                f", and {DESCENT_STEPS} steps of gradient descent" if self.descent else "")
        if group == "training" and self.training:
            t = self.training
            return (f"that {t.steps} steps of gradient descent with your functions (rate {t.rate:g}, batches of "
                    f"{t.batch}) reach {t.target:.0%} accuracy on held-out examples")
        return next(h.checked for h in self.helpers if h.group_name == group)

    def summary(self) -> tuple[str, str]:
        """(what the model is, its public test cases), for tables."""
        params = ", ".join(f"`{p.name}` {_shape(p)}" for p in self.params)
        shapes = self.shapes()
        names = ", ".join(name for name, _ in shapes[0].items)
        cases = f"({names}) = " + ", ".join("(" + ", ".join(str(v) for _, v in s.items) + ")" for s in shapes)
        return f"`{self.formula}` with {params}", cases

    def checks(self) -> tuple[Check, ...]:
        p, out = self.points, self.vocabulary.output
        checks = [Check(f"forward: {out}", "forward", p.output), Check("forward: loss", "forward", p.loss)]
        checks += [Check(f"gradient: {name}", "backward", p.per_gradient) for name in self.param_names]
        checks.append(Check("inputs not modified", "backward", p.no_mutation))
        if self.descent:
            checks.append(Check(DESCENT_CHECK, "backward", p.descent))
        if self.training:
            checks.append(Check(self.training.check_name, "training", self.training.points))
        checks += [c for h in self.helpers for c in h.checks()]
        return tuple(checks)

    def shapes(self, secret: CourseSecret | None = None) -> list[Sizes]:
        return family_sizes(self.name, self.families, secret)

    def case(self, sizes: Sizes, secret: CourseSecret | None = None) -> "Case":
        """The inputs for one shape: public (seeded by the names) or graded (by the secret)."""
        rng = rng_for(secret, self.name, sizes, "grade")
        params: dict[str, Any] = {}
        for p in self.params:
            params[p.name] = float(rng.normal()) if p.is_scalar else rng.normal(size=p.shape(sizes))
        X, y = self.inputs(rng, sizes)
        return Case(sizes, params, X, y)

    def expected(self, secret: CourseSecret | None, reference: Student | None) -> "ModelExpected":
        try:
            cases = [case_expected(self, self.case(s, secret), reference) for s in self.shapes(secret)]
            helpers = {h.name: elementwise.expected_values(h, secret, reference) for h in self.helpers}
        except OracleError as exc:
            raise OracleError(f"{exc} ({self.name})") from None
        rate, losses = descent_trajectory(self, cases[0].case)
        run = training_run(self, secret) if self.training else None
        return ModelExpected(cases, rate, losses, helpers, run, reference_training(self, run) if run else None)

    def grade(self, student: Student, expected: "ModelExpected") -> list[Any]:
        from autograder.kinds.model_checks import grade_model

        return grade_model(self, student, expected)


def _shape(p: Param) -> str:
    return "scalar" if p.is_scalar else "(" + ", ".join(map(str, p.symbols)) + ")"


@dataclass(frozen=True)
class Case:
    sizes: Sizes
    params: dict[str, Any]
    X: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class MutantValues:
    cause: str  # "known:<id>" (public, the declaration's torch form) or "mutant:<id>" (the reference's)
    text: str
    output: np.ndarray | None
    loss: float | None
    grads: dict[str, np.ndarray] | None


@dataclass(frozen=True)
class CaseExpected:
    case: Case
    output: np.ndarray
    loss: float
    grads: dict[str, np.ndarray]
    oracles: dict[str, dict[str, np.ndarray]]  # oracle name -> grads
    # |float32 - float64| of the torch oracle on this case, for the output, "loss" and each
    # parameter: how much float32 arithmetic, which is admitted, may err here (compare.py).
    float32_error: dict[str, np.ndarray]
    mutants: tuple[MutantValues, ...] = ()


@dataclass(frozen=True)
class ModelExpected:
    cases: list[CaseExpected]  # the diagnosis case first
    descent_rate: float
    descent_losses: list[float]
    helpers: dict[str, list[elementwise.Expected]]
    training: "TrainingRun | None" = None
    training_accuracy: float | None = None  # what the right gradients reach


def _scalar_grads(model: Model, out: Returned) -> dict[str, np.ndarray]:
    return {p: out.values[p].reshape(()) if model.param(p).is_scalar else out.values[p] for p in model.param_names}


def _reference_values(model: Model, case: Case, reference: Student) -> tuple[np.ndarray, float, dict[str, np.ndarray]]:
    fwd, bwd = contract.forward_backward(reference, model.name, case.params, case.X, case.y, model.param_names)
    if not isinstance(fwd, Returned) or not {"output", "loss"} <= set(fwd.values):
        raise OracleError(f"the reference's forward fails at {case.sizes}: {fwd}")
    if not isinstance(bwd, Returned) or not set(model.param_names) <= set(bwd.values):
        raise OracleError(f"the reference's backward fails at {case.sizes}: {bwd}")
    return fwd.values["output"], float(fwd.values["loss"].reshape(())), _scalar_grads(model, bwd)


def _fd_of(model: Model, case: Case, reference: Student | None) -> dict[str, np.ndarray]:
    """Finite differences of the reference's forward (else of the torch one)."""
    def losses(points: list[dict[str, Any]]) -> list[float]:
        if reference is None:
            return [torch_oracle.loss(model.torch_forward, p, case.X, case.y) for p in points]
        try:
            return contract.losses(reference, model.name, points, case.X, case.y)
        except CallError as err:
            raise OracleError(f"the reference's forward fails at {case.sizes}: {err}") from None

    return finite_diff.full_gradient_batched(losses, case.params)


def _agree(oracle: str, value: np.ndarray, primary: np.ndarray, loss: float, where: str) -> None:
    if np.shape(value) != np.shape(primary):
        raise OracleError(f"oracles disagree on {where}: {oracle} has shape {np.shape(value)}")
    if oracle == "finite differences":
        gap = float(np.linalg.norm(np.asarray(value, float) - primary))
        if gap <= FD_AGREEMENT * float(np.linalg.norm(primary)) + FD_NOISE * (1.0 + loss):
            return
    elif relative_error(value, primary) <= ORACLE_AGREEMENT:
        return
    raise OracleError(f"oracles disagree on {where}: {oracle} is off by {relative_error(value, primary):.2e}")


def case_expected(model: Model, case: Case, reference: Student | None) -> CaseExpected:
    t_output, t_loss, t_grads = torch_oracle.forward_and_gradients(model.torch_forward, case.params, case.X, case.y)
    output32, loss32, grads32 = torch_oracle.forward_and_gradients(model.torch_forward, case.params, case.X, case.y,
                                                                   single=True)
    output, loss, grads = t_output, t_loss, t_grads
    oracles = {"torch.autograd": t_grads}
    if reference is not None:
        output, loss, grads = _reference_values(model, case, reference)
        oracles = {"reference": grads, **oracles}
        if output.shape != t_output.shape or relative_error(output, t_output) > ORACLE_AGREEMENT:
            raise OracleError(f"reference and torch forwards disagree on {model.name} at {case.sizes}")
    oracles["finite differences"] = _fd_of(model, case, reference)
    for name, g in oracles.items():
        for p in model.param_names:
            _agree(name, g[p], grads[p], abs(loss), f"{model.name} {p} at {case.sizes}")
    errors = {"output": np.abs(output32 - t_output), "loss": np.abs(np.asarray(loss32 - t_loss))}
    errors |= {p: np.abs(grads32[p] - g) for p, g in t_grads.items()}
    known = public_variants(model, case, t_output, t_loss)
    return CaseExpected(case, np.asarray(output, float), float(loss), grads, oracles, errors,
                        known + mutant_values(model, case, reference))


def public_variants(model: Model, case: Case, output: np.ndarray, loss: float) -> tuple[MutantValues, ...]:
    """The known mistakes with a torch form: a wrong forward (its output or loss differs)
    or a wrong local derivative (same forward, other gradients)."""
    found = []
    for m in (m for m in model.mistakes if m.torch is not None):
        v_output, v_loss, v_grads = torch_oracle.forward_and_gradients(m.torch, case.params, case.X, case.y)
        same_forward = v_output.shape == output.shape and relative_error(v_output, output) <= ORACLE_AGREEMENT \
            and abs(v_loss - loss) <= ORACLE_AGREEMENT * max(abs(loss), 1e-12)
        found.append(MutantValues(f"known:{m.id}", m.text, None if same_forward else v_output,
                                  None if same_forward else v_loss, v_grads if same_forward else None))
    return tuple(found)


def mutant_values(model: Model, case: Case, reference: Student | None) -> tuple[MutantValues, ...]:
    """What each known-wrong variant in the reference makes of this case: a variant of the
    forward ("<id>:<name>_forward") runs alone; one of the backward gets the reference's cache."""
    private = [m for m in model.mistakes if m.torch is None]
    if reference is None or not private:
        return ()
    args, names = (case.params, case.X, case.y), ("params", "X", "y")
    calls = [Call(f"{m.id}:{model.forward_name}", args, names, contract.FORWARD_RETURNS) for m in private]
    calls.append(Call(model.forward_name, args, names, contract.FORWARD_RETURNS))
    ref = len(calls) - 1
    calls += [Call(f"{m.id}:{model.backward_name}", (case.params, Ref(ref, (2,))), ("params", "cache"), "d")
              for m in private]
    out = reference.run(calls)
    forwards, backwards = out[:len(private)], out[ref + 1:]
    return tuple(_mutant(model, m, f, b) for m, f, b in zip(private, forwards, backwards))


def _mutant(model: Model, mistake: Mistake, fwd: Any, bwd: Any) -> MutantValues:
    output = loss = grads = None
    if isinstance(fwd, Reply) and isinstance(fwd.result, Items):
        first, second = fwd.result.items[:2]
        if isinstance(first, Array) and isinstance(second, Array):
            output, loss = first.value, float(second.value.reshape(()))
    if isinstance(bwd, Reply):
        try:
            grads = _scalar_grads(model, contract.as_backward(bwd, "variant", model.param_names))
        except (CallError, KeyError):
            raise OracleError(f"the reference's known-wrong variant {mistake.id!r} of {model.name} fails") from None
    return MutantValues(f"mutant:{mistake.id}", mistake.text, output, loss, grads)


def _trajectory(model: Model, case: Case, rate: float) -> list[float]:
    params, losses = dict(case.params), []
    for _ in range(DESCENT_STEPS):
        _, loss, grads = torch_oracle.forward_and_gradients(model.torch_forward, params, case.X, case.y)
        losses.append(loss)
        params = descent.step(params, grads, rate)
    return losses


def descent_trajectory(model: Model, case: Case) -> tuple[float, list[float]]:
    """(rate, losses) of DESCENT_STEPS steps of gradient descent from the diagnosis case,
    at the first rate of DESCENT_RATES where the loss falls at every step."""
    for rate in DESCENT_RATES:
        losses = _trajectory(model, case, rate)
        if all(np.isfinite(losses)) and all(b < a for a, b in zip(losses, losses[1:])):
            return rate, losses
    raise OracleError(f"no descent rate lowers the loss of {model.name} at {case.sizes}")


@dataclass(frozen=True)
class TrainingRun:
    """One training run's data: the split and the batches are the course secret's."""

    start: dict[str, Any]
    X: np.ndarray
    y: np.ndarray
    X_held: np.ndarray
    y_held: np.ndarray
    batches: list[np.ndarray]  # example indices of each step


def training_run(model: Model, secret: CourseSecret | None) -> TrainingRun:
    t = model.training
    assert t is not None
    X, y = t.data()
    rng = rng_for(secret, model.name, "training")
    order = rng.permutation(X.shape[1])
    held = int(round(t.held_out * X.shape[1]))
    train, test = order[held:], order[:held]
    batches = [rng.choice(train.size, size=t.batch, replace=False) for _ in range(t.steps)]
    return TrainingRun(t.init(rng), X[:, train], y[:, train], X[:, test], y[:, test], batches)


def held_out_accuracy(model: Model, params: dict[str, Any], run: TrainingRun) -> float:
    """Judged with the declared torch forward, so only the trained parameters count."""
    output, _, _ = torch_oracle.forward_and_gradients(model.torch_forward, params, run.X_held, run.y_held)
    return float(np.mean(np.argmax(output, axis=0) == run.y_held[0]))


def reference_training(model: Model, run: TrainingRun) -> float:
    """The accuracy the right gradients reach: the declaration must make it reachable."""
    assert model.training is not None
    params = dict(run.start)
    for batch in run.batches:
        _, _, grads = torch_oracle.forward_and_gradients(model.torch_forward, params, run.X[:, batch], run.y[:, batch])
        params = descent.step(params, grads, model.training.rate)
    accuracy = held_out_accuracy(model, params, run)
    if accuracy < model.training.target:
        raise OracleError(f"the right gradients reach only {accuracy:.1%} held-out accuracy on {model.name}: "
                          f"the training's target ({model.training.target:.0%}) is out of reach")
    return accuracy
