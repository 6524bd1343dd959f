"""The student's side of grading: run the submitted source and call its functions.

This module runs wherever the student's code runs (in the grader's process with
`--no-sandbox`, or inside the sandboxed child). It trusts nothing it gets back: every
output leaves as .npy bytes (see wire.py) and every failure as a short message that
points at the student's own line.
"""
from __future__ import annotations

import contextlib
import io
import linecache
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from autograder.wire import BadValue, to_wire

AUTODIFF_MODULES = ("torch", "jax", "jaxlib", "autograd", "tensorflow")
OUTPUT_CAP = 4000  # characters of the student's prints kept for the report


@dataclass
class CallError(Exception):
    """A student function could not produce a result. `kind` drives scoring and wording."""

    kind: str  # missing | not_implemented | exception | bad_return | timeout | crash | load
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Outputs:
    """Encoded outputs of one call: field name -> .npy bytes, or why that field is unusable."""

    arrays: dict[str, bytes] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    extra_keys: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    cache_id: int | None = None


def load_failure(detail: str) -> CallError:
    """The one error every check gets when the submission's top level fails."""
    return CallError("load", f"your code fails before any function is called:\n{detail}")


def short_traceback(exc: BaseException, filename: str) -> str:
    """Only the frames in the student's file, innermost last, then the error line."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = [f"  line {f.lineno}, in {f.name}: {(f.line or '').strip()[:200]}" for f in frames[-3:]]
    if isinstance(exc, SyntaxError):
        lines = [f"  line {exc.lineno}: {(exc.text or '').strip()[:200]}"]
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a student's exception whose __str__ fails
        text = "(its message cannot be shown)"
    if len(text) > 300:  # one message per failed check: a huge one would flood every report
        text = text[:300] + " [...]"
    name = type(exc).__name__[:100]
    head = f"{name}: {text}" if text else name
    return "\n".join([*lines, head]) if lines else head


def _snapshot(value: Any) -> Any:
    return np.array(value, copy=True) if isinstance(value, np.ndarray) else value


def _changed(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return not (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and np.array_equal(after, before, equal_nan=True)
        )
    return type(after) is not type(before) or after != before


class _Capture(io.StringIO):
    def write(self, s: str) -> int:
        if self.tell() < OUTPUT_CAP:
            super().write(s[: OUTPUT_CAP - self.tell()])
        return len(s)


class StudentCode:
    """A submission's namespace plus the calls the grader makes into it."""

    def __init__(self, namespace: dict[str, Any], filename: str, load_error: CallError | None = None) -> None:
        self.filename = filename
        self.namespace = namespace
        self.load_error = load_error
        self.output = _Capture()
        self.caches: dict[int, tuple[Any, list[tuple[str, Any, Any]]]] = {}
        self.autodiff_seen: set[str] = set()

    @classmethod
    def from_source(cls, source: str, filename: str = "submission.py",
                    catch: type[BaseException] = Exception) -> "StudentCode":
        """Run the submitted module's top level; a failure there becomes a verdict, not a crash.
        `catch=BaseException` in the sandboxed child, where even sys.exit() is the student's;
        in the grader's own process a KeyboardInterrupt must still stop the grader."""
        code = cls({"__name__": "submission", "__file__": filename}, filename)
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        try:
            compiled = compile(source, filename, "exec")
            with code._guard():
                exec(compiled, code.namespace)  # noqa: S102 - running student code is the job
        except catch as exc:  # noqa: BLE001
            code.load_error = load_failure(short_traceback(exc, filename))
        return code

    @contextlib.contextmanager
    def _guard(self):
        before = [m for m in AUTODIFF_MODULES if m in sys.modules]
        try:
            with contextlib.redirect_stdout(self.output), contextlib.redirect_stderr(self.output):
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    yield
        finally:
            # Only imports made while student code runs count (the grader may import torch itself).
            self.autodiff_seen.update(m for m in AUTODIFF_MODULES if m in sys.modules and m not in before)

    def autodiff_modules_loaded(self) -> list[str]:
        return sorted(self.autodiff_seen)

    def _function(self, name: str) -> Callable[..., Any]:
        if self.load_error is not None:
            raise self.load_error
        fn = self.namespace.get(name)
        if fn is None:
            raise CallError("missing", f"`{name}` is not defined")
        if not callable(fn):
            raise CallError("missing", f"`{name}` is not a function (it is a {type(fn).__name__})")
        return fn

    def _call(self, name: str, *args: Any) -> Any:
        fn = self._function(name)
        try:
            with self._guard():
                return fn(*args)
        except NotImplementedError:
            raise CallError("not_implemented", f"`{name}` is not implemented yet (it raises NotImplementedError)") from None
        except RecursionError:
            raise CallError("exception", f"`{name}` recursed too deeply (RecursionError)") from None
        except Exception as exc:  # noqa: BLE001
            raise CallError("exception", f"`{name}` raised an error:\n{short_traceback(exc, self.filename)}") from None

    @staticmethod
    def _encode(out: Outputs, key: str, value: Any) -> None:
        try:
            out.arrays[key] = to_wire(value)
        except BadValue as exc:
            out.bad[key] = str(exc)

    @staticmethod
    def _inputs(params: dict[str, Any], **arrays: Any) -> list[tuple[str, Any, Any]]:
        """(label, object handed to the student, pristine copy) for the mutation check."""
        given = [(f"params['{k}']", v, _snapshot(v)) for k, v in params.items()]
        return given + [(k, v, _snapshot(v)) for k, v in arrays.items()]

    @staticmethod
    def _mutated(inputs: list[tuple[str, Any, Any]], params: dict[str, Any], names: list[str]) -> list[str]:
        out = [label for label, obj, pristine in inputs if isinstance(obj, np.ndarray) and _changed(pristine, obj)]
        if list(params) != names or any(params[k] is not obj for (_, obj, _), k in zip(inputs, names)):
            out.append("the params dict")
        return out

    def forward(self, exercise: str, params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> Outputs:
        # Copies: a student who writes into an input must not corrupt the grader's cases.
        params, X, y = {k: _snapshot(v) for k, v in params.items()}, X.copy(), y.copy()
        names = list(params)
        inputs = self._inputs(params, X=X, y=y)
        result = self._call(f"{exercise}_forward", params, X, y)
        if not isinstance(result, tuple) or len(result) != 3:
            what = f"a tuple of {len(result)} values" if isinstance(result, tuple) else type(result).__name__
            raise CallError("bad_return", f"`{exercise}_forward` must return (y_hat, loss, cache); it returned {what}")
        out = Outputs(mutated=self._mutated(inputs, params, names))
        self._encode(out, "y_hat", result[0])
        self._encode(out, "loss", result[1])
        out.cache_id = len(self.caches)
        self.caches[out.cache_id] = (result[2], inputs)
        return out

    def backward(self, exercise: str, params: dict[str, Any], cache_id: int) -> Outputs:
        cache, forward_inputs = self.caches[cache_id]
        params = {k: _snapshot(v) for k, v in params.items()}
        names = list(params)
        inputs = self._inputs(params)
        grads = self._call(f"{exercise}_backward", params, cache)
        if not isinstance(grads, dict):
            raise CallError("bad_return", f"`{exercise}_backward` must return a dict of gradients; it returned {type(grads).__name__}")
        out = Outputs(mutated=self._mutated(inputs, params, names))
        # Inputs of the forward call may sit in the cache and be modified by backward.
        out.mutated += [f"{label} (after backward)" for label, obj, pristine in forward_inputs
                        if isinstance(obj, np.ndarray) and _changed(pristine, obj) and label in ("X", "y")]
        for key, value in grads.items():
            if key in names:
                self._encode(out, key, value)
            else:
                out.extra_keys.append(repr(key))
        return out

    def sigmoid(self, z: np.ndarray) -> Outputs:
        out = Outputs()
        self._encode(out, "sigmoid", self._call("sigmoid", z.copy()))
        return out

    def has(self, name: str) -> bool:
        return self.load_error is None and callable(self.namespace.get(name))
