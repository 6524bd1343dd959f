"""The student's side of grading: run the submitted code and answer the grader's calls.

This module runs wherever the student's code runs (in the sandboxed child, or in the
grader's process with `--no-sandbox`). It trusts nothing the student's code returns: every
result leaves as a result tree with raw array blobs (values.py), every failure as a short
message that points at the student's own line ("cell 7, line 3, in f: ...").

A submission arrives as chunks: one per notebook cell (each compiled under a name of its
own, so tracebacks say which cell), or a single chunk for a .py file. A .py file that fails
at its top level fails as a whole; a notebook cell that fails stops only itself, as in
Jupyter, and the student reads why in what the code printed.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import io
import linecache
import sys
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from autograder import cells
from autograder.descent import STUDENT_SIDE
from autograder.policy import unavailable
from autograder.values import Answer, Tracker, encode, unpack

OUTPUT_CAP = 4000  # characters of the student's prints kept for the report
MESSAGE_CAP = 300  # characters of one exception's text
MODES = ("module", "cell", "definitions")


@dataclass
class CallError(Exception):
    """A student function could not produce a result. `kind` drives scoring and wording."""

    kind: str  # missing | not_run | not_implemented | exception | bad_return | timeout | crash | load | skipped
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Chunk:
    """Code run as one unit: a notebook cell (`cell` is its number, counted as the student
    sees it) or a whole .py file (`cell` None). `mode`: "module" (a .py file: an error fails
    the submission), "cell" (an answer cell: runs whole, an error stops this cell only) or
    "definitions" (a cell the student added: only its imports and definitions run)."""

    code: str
    filename: str
    cell: int | None = None
    mode: str = "module"

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "filename": self.filename, "cell": self.cell, "mode": self.mode}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Chunk":
        return cls(data["code"], data["filename"], data["cell"], data["mode"])


def load_failure(detail: str) -> CallError:
    """The one error every check gets when the submission's top level fails."""
    return CallError("load", f"your code fails before any function is called:\n{detail}")


def exception_text(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a student's exception whose __str__ fails
        text = "(its message cannot be shown)"
    if len(text) > MESSAGE_CAP:  # one message per failed check: a huge one would flood every report
        text = text[:MESSAGE_CAP] + " [...]"
    name = type(exc).__name__[:100]
    return f"{name}: {text}" if text else name


def short_traceback(exc: BaseException, places: dict[str, int | None]) -> str:
    """Only the frames in the student's code (`places`: file name -> notebook cell number,
    None for a .py file), innermost last, then the error line."""
    def where(filename: str, line: int | None) -> str:
        cell = places.get(filename)
        return f"line {line}" if cell is None else f"cell {cell}, line {line}"

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in places]
    lines = [f"  {where(f.filename, f.lineno)}, in {f.name}: {(f.line or '').strip()[:200]}" for f in frames[-3:]]
    if isinstance(exc, SyntaxError) and exc.filename in places:
        lines = [f"  {where(exc.filename, exc.lineno)}: {(exc.text or '').strip()[:200]}"]
    head = exception_text(exc)
    return "\n".join([*lines, head]) if lines else head


def _defined_names(code: str) -> list[str]:
    """Top-level `def name(` lines of code that does not parse (a plain line scan)."""
    names = []
    for line in code.splitlines():
        if line.startswith(("def ", "async def ")):
            head = line.split("def ", 1)[1]
            names.append(head.split("(", 1)[0].strip())
    return names


class _Capture(io.StringIO):
    def write(self, s: str) -> int:
        if self.tell() < OUTPUT_CAP:
            super().write(s[: OUTPUT_CAP - self.tell()])
        return len(s)


class _SourceModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes `import name` find modules given as source text (e.g. the course's reference
    package, loaded into a sandboxed child like a submission)."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources

    def _is_package(self, name: str) -> bool:
        return any(other.startswith(name + ".") for other in self.sources)

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in self.sources:
            return None
        return importlib.util.spec_from_loader(name, self, is_package=self._is_package(name))

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        filename = f"<{module.__name__}>"
        linecache.cache[filename] = (0, None, self.sources[module.__name__].splitlines(True), filename)
        exec(compile(self.sources[module.__name__], filename, "exec"), module.__dict__)  # noqa: S102


def _notebook_helpers(namespace: dict[str, Any]) -> None:
    """Names a notebook's cells may call that only exist in Jupyter: nothing runs them."""
    namespace.setdefault("display", lambda *args, **kwargs: None)
    namespace.setdefault("check", lambda *args, **kwargs: 0.0)  # the in-kernel checks


class StudentCode:
    """A submission's namespace plus the calls the grader makes into it."""

    def __init__(self, namespace: dict[str, Any], places: dict[str, int | None],
                 load_error: CallError | None = None) -> None:
        self.namespace = namespace
        self.places = places  # file name -> notebook cell number (None: a .py file)
        self.load_error = load_error
        self.output = _Capture()
        # function name -> why the cell that would define it did not run (a syntax error)
        self.not_run: dict[str, str] = {}
        self.catch: type[BaseException] = Exception  # what a call may raise without stopping the caller
        # The grader's own functions, callable by name on this side (descent.py); no name of
        # a submission's function can be one of them.
        self.trusted: dict[str, Callable[..., Any]] = STUDENT_SIDE

    @classmethod
    def load(cls, chunks: list[Chunk], modules: dict[str, str] | None = None,
             catch: type[BaseException] = Exception) -> "StudentCode":
        """Run the submission's chunks; a failure there becomes a verdict, not a crash.
        `catch=BaseException` in the sandboxed child, where even sys.exit() is the student's;
        in the grader's own process a KeyboardInterrupt must still stop the grader."""
        code = cls({"__name__": "submission"}, {c.filename: c.cell for c in chunks})
        code.catch = catch
        if any(c.cell is not None for c in chunks):
            _notebook_helpers(code.namespace)
        finder = _SourceModules(modules or {})
        for name in finder.sources:
            sys.modules.pop(name, None)  # a module of the same name loaded before is not this one
        sys.meta_path.insert(0, finder)
        try:
            for chunk in chunks:
                code._run_chunk(chunk, catch)
                if code.load_error is not None:
                    break
        finally:
            sys.meta_path.remove(finder)
        return code

    def _run_chunk(self, chunk: Chunk, catch: type[BaseException]) -> None:
        source = chunk.code
        try:
            if chunk.mode != "module":
                source = cells.strip_magics(source)
            if chunk.mode == "definitions":
                source = cells.definitions_only(source)
            linecache.cache[chunk.filename] = (len(source), None, source.splitlines(keepends=True), chunk.filename)
            compiled = compile(source, chunk.filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            self._failed(chunk, exc, ran=False)
            return
        try:
            with self._guard(), unavailable(self.namespace):
                exec(compiled, self.namespace)  # noqa: S102 - running student code is the job
        except catch as exc:  # noqa: BLE001
            self._failed(chunk, exc, ran=True)

    def _failed(self, chunk: Chunk, exc: BaseException, ran: bool) -> None:
        detail = short_traceback(exc, self.places)
        if chunk.cell is None:  # a .py file: nothing else can run
            self.load_error = load_failure(detail)
        elif ran:
            self.output.write(f"cell {chunk.cell} stopped with an error (the cells after it still ran, as in "
                              f"Jupyter):\n{detail}\n")
        else:
            what = "it is not valid Python" if isinstance(exc, SyntaxError) else f"{type(exc).__name__}"
            self.output.write(f"cell {chunk.cell} was not run: {what}:\n{detail}\n")
            for name in _defined_names(chunk.code):
                self.not_run.setdefault(name, f"cell {chunk.cell}, which defines it, was not run: {what}:\n{detail}")

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        with contextlib.redirect_stdout(self.output), contextlib.redirect_stderr(self.output):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                yield

    def _function(self, name: str) -> Callable[..., Any]:
        if self.load_error is not None:
            raise self.load_error
        if name in self.trusted:
            return self.trusted[name]
        fn = self.namespace.get(name)
        if fn is None and name in self.not_run:
            raise CallError("not_run", f"`{name}` is not defined: {self.not_run[name]}")
        if fn is None:
            raise CallError("missing", f"`{name}` is not defined")
        if not callable(fn):
            raise CallError("missing", f"`{name}` is not a function (it is a {type(fn).__name__[:100]})")
        return fn

    def call(self, name: str, args: list[Any]) -> Any:
        fn = self._function(name)
        try:
            with self._guard():
                return fn(*args)
        except NotImplementedError:
            raise CallError("not_implemented", f"`{name}` is not implemented yet (it raises NotImplementedError)") from None
        except RecursionError:
            raise CallError("exception", f"`{name}` recursed too deeply (RecursionError)") from None
        except Exception as exc:  # noqa: BLE001
            raise CallError("exception", f"`{name}` raised an error:\n{short_traceback(exc, self.places)}") from None
        except self.catch as exc:  # noqa: BLE001 - in the sandboxed child: SystemExit, KeyboardInterrupt, ...
            raise CallError("exception", f"your code raised {type(exc).__name__[:100]} (functions must return, "
                                         f"not exit):\n{short_traceback(exc, self.places)}") from None

    def has(self, name: str) -> bool:
        return self.load_error is None and callable(self.namespace.get(name))


def _refers_to(tree: Any, calls: set[int]) -> bool:
    """Does an argument tree use the result of one of `calls`?"""
    if isinstance(tree, dict):
        (kind, body), = tree.items()
        if kind in ("r", "w"):
            return body[0] in calls
        if kind in ("d",):
            return any(_refers_to(v, calls) for _, v in body)
        if kind in ("l", "t"):
            return any(_refers_to(v, calls) for v in body)
    return False


def _encoded(value: Any, spec: Any, catch: type[BaseException]) -> tuple[dict[str, Any], list[bytes]]:
    blobs: list[bytes] = []
    try:
        return encode(value, spec, blobs), blobs
    except catch as exc:  # noqa: BLE001 - e.g. a tuple subclass whose __len__ raises
        return {"bad": f"cannot be read: {exception_text(exc)}"}, []


def _seconds(code: StudentCode, call: dict[str, Any], start: float) -> float:
    """A call's time, for the submission's budget: the grader's own helpers' time is not the student's."""
    return 0.0 if call["fn"] in code.trusted else time.monotonic() - start


def run_batch(code: StudentCode, calls: list[dict[str, Any]], blobs: list[bytes]) -> Iterator[tuple[dict[str, Any], list[bytes]]]:
    """Answers a batch of calls in order, one (header, blobs) response per call as soon as
    it returns. A call that uses the result of a failed call is skipped. Autodiff libraries
    are hidden for the whole batch, not call by call: hiding them scans sys.modules, which
    holds thousands of torch's modules once the grader's own process has imported it."""
    earlier: list[Any] = []
    answers: list[Answer | None] = []
    failed: set[int] = set()
    tracker = Tracker()
    with unavailable(code.namespace):
        for index, call in enumerate(calls):
            earlier.append(None)
            answers.append(None)
            if call.get("skip") or _refers_to({"l": call["args"]}, failed):
                failed.add(index)
                yield {"ok": False, "kind": "skipped", "message": "not run: an earlier call failed"}, []
                continue
            try:
                args = [unpack(a, blobs, earlier, answers) for a in call["args"]]
            except code.catch as exc:  # noqa: BLE001 - the student's object (e.g. a cache) cannot be indexed
                failed.add(index)
                yield {"ok": False, "kind": "skipped", "message": f"not run: {exception_text(exc)}"}, []
                continue
            for tree, arg in zip(call["args"], args):
                tracker.add(tree, arg)
            start = time.monotonic()
            try:
                value = code.call(call["fn"], args)
            except CallError as err:
                failed.add(index)
                yield {"ok": False, "kind": err.kind, "message": err.message, "seconds": _seconds(code, call, start)}, []
                continue
            seconds = _seconds(code, call, start)
            tree, out = _encoded(value, call["ret"], code.catch)
            if "bad" in tree:
                failed.add(index)  # e.g. a forward that returned 2 values: its cache cannot be used
            earlier[index], answers[index] = value, (tree, out, call["ret"])
            yield {"ok": True, "result": tree, "mutated": tracker.newly_changed(), "seconds": seconds}, out
