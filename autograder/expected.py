"""Expected values for every test case, from the three oracles, computed once per session.

The reference implementation (instructors only) is the primary oracle when it is present;
otherwise (a student's machine) torch.autograd is. Finite differences and torch check it:
if the oracles ever disagree, the grader is wrong, not the student, and grading stops.
The reference is code from the course directory: it runs like a submission, behind the
`Student` interface (reference.py), and its answers are checked like one's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from autograder import contract, finite_diff, torch_oracle
from autograder.compare import relative_error
from autograder.contract import Returned
from autograder.exercises import EXERCISES, Case, Dims, Exercise, Params, make_case
from autograder.secret import CourseSecret
from autograder.student import Call, CallError, Reply, Student
from autograder.values import Array, Items, Text

ORACLE_AGREEMENT = 1e-7  # normwise, between exact oracles; the grading tolerance is 1e-5
# Central differences err by ~eps * |loss| / h per entry (rounding), whatever the size of
# the gradient: a small gradient of a large loss is known only to that absolute precision.
FD_AGREEMENT, FD_NOISE = 1e-6, 1e-9
DESCENT_STEPS = 8
# The first rate at which the right gradients lower the loss at every step of the case
# (random graded cases can be steep enough for 0.05 to diverge).
DESCENT_RATES = (0.05, 0.02, 0.01, 0.005, 0.002, 0.001)


class GraderError(Exception):
    """The grader itself is broken or misconfigured: never a student's fault."""


@dataclass(frozen=True)
class MutantValues:
    description: str
    y_hat: np.ndarray | None
    loss: float | None
    grads: dict[str, np.ndarray] | None


@dataclass(frozen=True)
class Mutant:
    index: int
    description: str
    forward: bool
    backward: bool


@dataclass(frozen=True)
class Expected:
    case: Case
    y_hat: np.ndarray
    loss: float
    grads: dict[str, np.ndarray]
    oracles: dict[str, dict[str, np.ndarray]]  # oracle name -> grads
    # |float32 - float64| of the torch oracle on this case, for "y_hat", "loss" and each
    # parameter: how much float32 arithmetic, which is admitted, may err here (compare.py).
    float32_error: dict[str, np.ndarray] = field(default_factory=dict)
    mutants: tuple[MutantValues, ...] = ()


def _reference_failed(what: str, exercise: Exercise, case: Case, error: object) -> GraderError:
    return GraderError(f"the reference implementation fails ({what}) on {exercise.name} at {case.dims}: {error}")


def _grads(ex: Exercise, out: Returned) -> dict[str, np.ndarray]:
    return {p: out.values[p].reshape(()) if ex.param(p).is_scalar else out.values[p] for p in ex.param_names}


@dataclass
class Oracles:
    reference: Student | None = None  # the reference and its known-wrong variants (reference.py)
    secret: CourseSecret | None = None  # None: the public inputs the notebooks show
    _cache: dict[tuple[str, Dims], Expected] = field(default_factory=dict)
    _descent: dict[str, tuple[float, list[float]]] = field(default_factory=dict)
    _mutants: dict[str, list[Mutant]] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return "reference" if self.reference is not None else "torch.autograd"

    @property
    def secret_digest(self) -> str:
        return "public" if self.secret is None else self.secret.digest

    def _reference_values(self, ex: Exercise, case: Case) -> tuple[np.ndarray, float, dict[str, np.ndarray]]:
        assert self.reference is not None
        fwd, bwd = contract.forward_backward(self.reference, ex.name, case.params, case.X, case.y, ex.param_names)
        if not isinstance(fwd, Returned) or not {"y_hat", "loss"} <= set(fwd.values):
            raise _reference_failed("forward", ex, case, fwd)
        if not isinstance(bwd, Returned) or not set(ex.param_names) <= set(bwd.values):
            raise _reference_failed("backward", ex, case, bwd)
        return fwd.values["y_hat"], float(fwd.values["loss"].reshape(())), _grads(ex, bwd)

    def _reference_fd(self, ex: Exercise, case: Case) -> dict[str, np.ndarray]:
        def losses(points: list[Params]) -> list[float]:
            try:
                return contract.losses(self.reference, ex.name, points, case.X, case.y)
            except CallError as err:
                raise _reference_failed("finite differences", ex, case, err) from None

        return finite_diff.full_gradient_batched(losses, case.params)

    def _compute(self, ex: Exercise, case: Case) -> Expected:
        y_hat, loss, grads = torch_oracle.case_result(case)
        oracles = {"torch.autograd": grads}
        if self.reference is not None:
            y_hat_t = y_hat
            y_hat, loss, grads = self._reference_values(ex, case)
            oracles = {"reference": grads, **oracles, "finite differences": self._reference_fd(ex, case)}
            if y_hat.shape != y_hat_t.shape or relative_error(y_hat, y_hat_t) > ORACLE_AGREEMENT:
                raise GraderError(f"reference and torch forwards disagree on {ex.name} at {case.dims}")
        else:
            oracles["finite differences"] = finite_diff.full_gradient(
                lambda p: torch_oracle.loss(ex.name, p, case.X, case.y), case.params)
        for name, g in oracles.items():
            for p in ex.param_names:
                _agree(name, g[p], grads[p], abs(loss), f"{ex.name} {p} at {case.dims}")
        return Expected(case, np.asarray(y_hat, float), float(loss), grads, oracles, _float32_error(case, oracles),
                        self._mutant_values(ex, case))

    def mutants(self, ex: Exercise) -> list[Mutant]:
        """The exercise's known-wrong variants: descriptions and which halves they change."""
        if self.reference is None:
            return []
        if ex.name not in self._mutants:
            count, = self.reference.run([Call("mutant_count", (ex.name,), ("exercise",))])
            n = int(count.result.value) if not isinstance(count, CallError) and isinstance(count.result, Array) else 0
            calls = [c for i in range(n) for c in (Call("mutant_description", (ex.name, i), ("exercise", "index"), "s"),
                                                    Call("mutant_parts", (ex.name, i), ("exercise", "index")))]
            out = self.reference.run(calls)
            found = []
            for i in range(n):
                text, parts = out[2 * i], out[2 * i + 1]
                if isinstance(text, CallError) or not isinstance(text.result, Text) or isinstance(parts, CallError) \
                        or not isinstance(parts.result, Array) or parts.result.value.shape != (2,):
                    raise GraderError(f"the reference's known-wrong variant {i} of {ex.name} cannot be read")
                found.append(Mutant(i, text.result.text, bool(parts.result.value[0]), bool(parts.result.value[1])))
            self._mutants[ex.name] = found
        return self._mutants[ex.name]

    def _mutant_values(self, ex: Exercise, case: Case) -> tuple[MutantValues, ...]:
        mutants = self.mutants(ex)
        if not mutants:
            return ()
        args, names = (case.params, case.X, case.y), ("params", "X", "y")
        calls = [Call(f"mutant_{half}", (ex.name, m.index, *args), ("exercise", "index", *names),
                      ["t", "a", "a"] if half == "forward" else "d")
                 for m in mutants for half in ("forward", "backward")]
        out = self.reference.run(calls)
        values = []
        for m, fwd, bwd in zip(mutants, out[0::2], out[1::2]):
            y_hat = loss = grads = None
            if m.forward and isinstance(fwd, Reply) and isinstance(fwd.result, Items):
                first, second = fwd.result.items
                if isinstance(first, Array) and isinstance(second, Array):
                    y_hat, loss = first.value, float(second.value.reshape(()))
            if m.backward:
                try:
                    grads = _grads(ex, contract.as_backward(bwd, "mutant", ex.param_names))
                except (CallError, KeyError):
                    raise _reference_failed(f"known-wrong variant {m.index}", ex, case, bwd) from None
            values.append(MutantValues(m.description, y_hat, loss, grads))
        return tuple(values)

    def expected(self, exercise: Exercise, dims: Dims) -> Expected:
        key = (exercise.name, dims)
        if key not in self._cache:
            self._cache[key] = self._compute(exercise, make_case(exercise, dims, self.secret))
        return self._cache[key]

    def all_expected(self, exercise: Exercise) -> list[Expected]:
        """Every test case of the exercise, the diagnosis case first."""
        return [self.expected(exercise, d) for d in exercise.shapes(self.secret)]

    def descent(self, exercise: Exercise) -> tuple[float, list[float]]:
        """(rate, losses) of DESCENT_STEPS steps of gradient descent from the diagnosis case,
        at the first rate of DESCENT_RATES where the loss falls at every step."""
        if exercise.name not in self._descent:
            case = self.all_expected(exercise)[0].case
            for rate in DESCENT_RATES:
                losses = _trajectory(exercise, case, rate)
                if all(np.isfinite(losses)) and all(b < a for a, b in zip(losses, losses[1:])):
                    break
            else:
                raise GraderError(f"no descent rate lowers the loss of {exercise.name} at {case.dims}")
            self._descent[exercise.name] = (rate, losses)
        return self._descent[exercise.name]


def _trajectory(exercise: Exercise, case: Case, rate: float) -> list[float]:
    params, losses = dict(case.params), []
    for _ in range(DESCENT_STEPS):
        _, loss, grads = torch_oracle.forward_and_gradients(exercise.name, params, case.X, case.y)
        losses.append(loss)
        params = descent_step(params, grads, rate)
    return losses


def _agree(oracle: str, value: np.ndarray, primary: np.ndarray, loss: float, where: str) -> None:
    """Raises GraderError if an oracle disagrees with the primary one beyond its precision."""
    if np.shape(value) != np.shape(primary):
        raise GraderError(f"oracles disagree on {where}: {oracle} has shape {np.shape(value)}")
    if oracle == "finite differences":
        gap = float(np.linalg.norm(np.asarray(value, float) - primary))
        if gap <= FD_AGREEMENT * float(np.linalg.norm(primary)) + FD_NOISE * (1.0 + loss):
            return
    elif relative_error(value, primary) <= ORACLE_AGREEMENT:
        return
    raise GraderError(f"oracles disagree on {where}: {oracle} is off by {relative_error(value, primary):.2e}")


def _float32_error(case: Case, oracles: dict[str, dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    y_hat, loss, grads = torch_oracle.case_result(case)
    y_hat32, loss32, grads32 = torch_oracle.case_result(case, single=True)
    errors = {"y_hat": np.abs(y_hat32 - y_hat), "loss": np.abs(np.asarray(loss32 - loss))}
    return errors | {p: np.abs(grads32[p] - g) for p, g in grads.items()}


def descent_step(params: Params, grads: dict[str, np.ndarray], rate: float) -> Params:
    return {
        k: float(v - rate * float(np.asarray(grads[k]).reshape(()))) if isinstance(v, float) else v - rate * grads[k]
        for k, v in params.items()
    }


def warm_up(oracles: Oracles) -> None:
    """Compute every expected value up front (shared by all submissions of a batch)."""
    for exercise in EXERCISES.values():
        oracles.all_expected(exercise)
        oracles.descent(exercise)
