"""Expected values for every test case, from the three oracles, computed once per session.

The reference implementation (instructors only) is the primary oracle when it is present;
otherwise (a student's machine) torch.autograd is. Finite differences and torch check it:
if the oracles ever disagree, the grader is wrong, not the student, and grading stops.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from autograder import finite_diff, torch_oracle
from autograder.compare import relative_error
from autograder.exercises import EXERCISES, Case, Dims, Exercise, Params, make_case

ORACLE_AGREEMENT = 1e-7  # normwise; the grading tolerance is 1e-5
DESCENT_STEPS = 8
DESCENT_RATE = 0.05


class GraderError(Exception):
    """The grader itself is broken or misconfigured: never a student's fault."""


@dataclass(frozen=True)
class MutantValues:
    description: str
    y_hat: np.ndarray | None
    loss: float | None
    grads: dict[str, np.ndarray] | None


@dataclass(frozen=True)
class Expected:
    case: Case
    y_hat: np.ndarray
    loss: float
    grads: dict[str, np.ndarray]
    oracles: dict[str, dict[str, np.ndarray]]  # oracle name -> grads
    mutants: tuple[MutantValues, ...] = ()


def load_reference(directory: Path) -> tuple[ModuleType, ModuleType | None]:
    """Import reference/ as the package `reference` from a path (it is not installed)."""
    init = directory / "__init__.py"
    if not init.is_file():
        raise GraderError(f"no reference implementation at {directory}")
    spec = importlib.util.spec_from_file_location("reference", init, submodule_search_locations=[str(directory)])
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules["reference"] = package
    spec.loader.exec_module(package)
    backprop = importlib.import_module("reference.backprop")
    mutants = importlib.import_module("reference.mutants") if (directory / "mutants.py").is_file() else None
    return backprop, mutants


def default_reference_dir() -> Path | None:
    """./reference, else the checkout this package runs from (editable install)."""
    for candidate in (Path.cwd() / "reference", Path(__file__).resolve().parent.parent / "reference"):
        if (candidate / "backprop.py").is_file():
            return candidate
    return None


def _as_float_grads(grads: dict) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in grads.items()}


@dataclass
class Oracles:
    reference: ModuleType | None = None
    mutants: ModuleType | None = None
    _cache: dict[tuple[str, Dims], Expected] = field(default_factory=dict)
    _descent: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def from_reference_dir(cls, directory: Path | None) -> "Oracles":
        if directory is None:
            return cls()
        backprop, mutants = load_reference(directory)
        return cls(reference=backprop, mutants=mutants)

    @property
    def primary(self) -> str:
        return "reference" if self.reference is not None else "torch.autograd"

    def _loss_fn(self, exercise: Exercise, case: Case):
        if self.reference is not None:
            forward = getattr(self.reference, exercise.forward_name)
            return lambda p: float(forward(p, case.X, case.y)[1])
        return lambda p: torch_oracle.loss(exercise.name, p, case.X, case.y)

    def _compute(self, exercise: Exercise, case: Case) -> Expected:
        t_y_hat, t_loss, t_grads = torch_oracle.case_result(case)
        oracles = {"torch.autograd": t_grads}
        y_hat, loss, grads = t_y_hat, t_loss, t_grads
        if self.reference is not None:
            y_hat, loss, cache = getattr(self.reference, exercise.forward_name)(case.params, case.X, case.y)
            grads = _as_float_grads(getattr(self.reference, exercise.backward_name)(case.params, cache))
            oracles = {"reference": grads, **oracles}
        oracles["finite differences"] = finite_diff.full_gradient(self._loss_fn(exercise, case), case.params)
        for name, g in oracles.items():
            for p in exercise.param_names:
                err = relative_error(g[p], grads[p])
                if err > ORACLE_AGREEMENT or np.shape(g[p]) != np.shape(grads[p]):
                    raise GraderError(f"oracles disagree on {exercise.name} {p} at {case.dims}: {name} is off by {err:.2e}")
        if relative_error(np.asarray(y_hat), t_y_hat) > ORACLE_AGREEMENT:
            raise GraderError(f"reference and torch forwards disagree on {exercise.name} at {case.dims}")
        return Expected(case, np.asarray(y_hat, float), float(loss), grads, oracles, self._mutant_values(exercise, case))

    def _mutant_values(self, exercise: Exercise, case: Case) -> tuple[MutantValues, ...]:
        if self.mutants is None or self.reference is None:
            return ()
        cache = getattr(self.reference, exercise.forward_name)(case.params, case.X, case.y)[2]
        out = []
        for m in self.mutants.MUTANTS:
            if m.exercise != exercise.name:
                continue
            y_hat = loss = grads = None
            if m.forward is not None:
                y_hat, loss = m.forward(case.params, case.X, case.y)
            if m.backward is not None:
                grads = _as_float_grads(m.backward(case.params, cache))
            out.append(MutantValues(m.description, None if y_hat is None else np.asarray(y_hat, float), loss, grads))
        return tuple(out)

    def expected(self, exercise: Exercise, dims: Dims) -> Expected:
        key = (exercise.name, dims)
        if key not in self._cache:
            self._cache[key] = self._compute(exercise, make_case(exercise, dims))
        return self._cache[key]

    def all_expected(self, exercise: Exercise) -> list[Expected]:
        return [self.expected(exercise, d) for d in exercise.all_shapes()]

    def descent_losses(self, exercise: Exercise) -> list[float]:
        """Losses of DESCENT_STEPS steps of gradient descent from the diagnosis case."""
        if exercise.name not in self._descent:
            case = make_case(exercise, exercise.diagnosis_shape)
            params, losses = dict(case.params), []
            for _ in range(DESCENT_STEPS):
                _, loss, grads = torch_oracle.forward_and_gradients(exercise.name, params, case.X, case.y)
                losses.append(loss)
                params = descent_step(params, grads)
            self._descent[exercise.name] = losses
        return self._descent[exercise.name]


def descent_step(params: Params, grads: dict[str, np.ndarray]) -> Params:
    return {
        k: float(v - DESCENT_RATE * float(np.asarray(grads[k]).reshape(()))) if isinstance(v, float)
        else v - DESCENT_RATE * grads[k]
        for k, v in params.items()
    }


def warm_up(oracles: Oracles) -> None:
    """Compute every expected value up front (shared by all submissions of a batch)."""
    for exercise in EXERCISES.values():
        oracles.all_expected(exercise)
        oracles.descent_losses(exercise)
