"""The grader's view of a submission: calls that return validated float64 arrays.

`Student` is what the checks talk to. `InProcessStudent` runs the code in this process
(`--no-sandbox`, notebooks' visible tests); the sandbox provides the same interface with
the code running in a child process.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from autograder.execution import CallError, Outputs, StudentCode
from autograder.policy import autodiff_imports
from autograder.wire import BadValue, from_wire

__all__ = ["CallError", "Returned", "Student", "InProcessStudent", "decode"]


@dataclass
class Returned:
    values: dict[str, np.ndarray] = field(default_factory=dict)
    dtypes: dict[str, str] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    extra_keys: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    cache_id: int | None = None


def decode(out: Outputs) -> Returned:
    r = Returned(bad=dict(out.bad), extra_keys=list(out.extra_keys), mutated=list(out.mutated), cache_id=out.cache_id)
    for key, data in out.arrays.items():
        try:
            r.values[key], r.dtypes[key] = from_wire(data)
        except BadValue as exc:
            r.bad[key] = str(exc)
    return r


class Student(Protocol):
    def has(self, name: str) -> bool: ...
    def forward(self, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Returned: ...
    def backward(self, exercise: str, params: dict[str, Any], cache_id: int) -> Returned: ...
    def sigmoid(self, z: np.ndarray) -> Returned: ...
    def autodiff_modules(self) -> list[str]: ...
    def output(self) -> str: ...


class InProcessStudent:
    """No isolation at all: for trusted code (the reference, notebooks' own test cells)."""

    def __init__(self, source: str, filename: str = "submission.py") -> None:
        self.code = StudentCode.from_source(source, filename)
        self.static_autodiff = autodiff_imports(source)

    def has(self, name: str) -> bool:
        return self.code.has(name)

    def forward(self, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Returned:
        return decode(self.code.forward(exercise, params, X, y))

    def backward(self, exercise: str, params: dict[str, Any], cache_id: int) -> Returned:
        return decode(self.code.backward(exercise, params, cache_id))

    def sigmoid(self, z: np.ndarray) -> Returned:
        return decode(self.code.sigmoid(z))

    def autodiff_modules(self) -> list[str]:
        return sorted(set(self.static_autodiff) | set(self.code.autodiff_modules_loaded()))

    def output(self) -> str:
        return self.code.output.getvalue()


class UnloadableStudent:
    """A submission that could not be read: every check fails with the same clear message."""

    def __init__(self, message: str) -> None:
        self.error = CallError("load", message)

    def has(self, name: str) -> bool:
        return False

    def forward(self, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Returned:
        raise self.error

    def backward(self, exercise: str, params: dict[str, Any], cache_id: int) -> Returned:
        raise self.error

    def sigmoid(self, z: np.ndarray) -> Returned:
        raise self.error

    def autodiff_modules(self) -> list[str]:
        return []

    def output(self) -> str:
        return ""
