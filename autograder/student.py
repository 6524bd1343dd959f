"""The grader's view of a submission: batches of calls that come back as validated values.

`Student` is what the checks talk to. `InProcessStudent` runs the code in this process
(`--no-sandbox`, the notebooks' own test cells); `SandboxedStudent` (sandbox.py) runs it in
a child process. Both go through the same encoding (values.py), so a check sees exactly the
same values, and the same messages, whichever runs the code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from autograder.execution import CallError, Chunk, StudentCode, run_batch
from autograder.text import escape
from autograder.values import Ref, Result, decode, pack, tracked

__all__ = ["Call", "CallError", "Ref", "Reply", "Student", "InProcessStudent", "UnloadableStudent", "Batch"]


@dataclass(frozen=True)
class Call:
    """One call of a student function: `fn(*args)`, its result encoded as `ret` asks
    (values.py). `names` label the arguments in messages ("X", "params")."""

    fn: str
    args: tuple[Any, ...]
    names: tuple[str, ...]
    ret: Any = "a"


@dataclass(frozen=True)
class Reply:
    result: Result
    mutated: tuple[str, ...]  # arguments (of this call or an earlier one of its batch) it changed in place
    seconds: float  # as measured on the student's side


Outcome = Reply | CallError


class Student(Protocol):
    def run(self, calls: list[Call]) -> list[Outcome]: ...
    def has(self, name: str) -> bool: ...
    def output(self) -> str: ...


class Batch:
    """A batch's requests in wire form, and how to read its responses."""

    def __init__(self, calls: list[Call]) -> None:
        self.calls = calls
        self.blobs: list[bytes] = []
        self.requests = [{"fn": c.fn, "args": [pack(a, self.blobs) for a in c.args], "ret": c.ret} for c in calls]
        # (index of the call that passed it, label) for every tracked argument, in the
        # order the student side numbers them.
        self.labels = [(i, label) for i, c in enumerate(calls) for arg, name in zip(c.args, c.names)
                       for label in tracked(arg, name)]

    def mutated(self, index: int, reported: Any) -> tuple[str, ...]:
        """Labels for the indices a response reports; raises ValueError if malformed."""
        if not isinstance(reported, list) or not all(type(i) is int and 0 <= i < len(self.labels) for i in reported):
            raise ValueError("malformed mutation report")
        names = []
        for i in reported:
            owner, label = self.labels[i]
            names.append(label if owner == index else f"{label} (given to `{self.calls[owner].fn}`)")
        # Arrays first, then the containers: "X, y, the params dict".
        return tuple(sorted(names, key=lambda n: n.startswith("the ")))

    def reply(self, index: int, header: dict[str, Any], blobs: list[bytes]) -> Outcome:
        """The outcome of call `index` from its response; raises ValueError (values.Malformed)
        for anything malformed."""
        if header.get("ok") is False:
            kind, message = header.get("kind"), header.get("message")
            if kind not in STUDENT_ERROR_KINDS or not isinstance(message, str):
                raise ValueError("malformed error")
            return CallError(kind, escape(message, MESSAGE_CAP))
        seconds = header.get("seconds")
        if header.get("ok") is not True or not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise ValueError("malformed response")
        result = decode(header.get("result"), blobs, self.calls[index].ret)
        return Reply(result, self.mutated(index, header.get("mutated")), float(seconds))


MESSAGE_CAP = 1500
# Errors the student side may report; "timeout" and "crash" are the grader's own findings.
STUDENT_ERROR_KINDS = {"missing", "not_run", "not_implemented", "exception", "bad_return", "load", "skipped"}


class InProcessStudent:
    """No isolation at all: for trusted code (the reference, notebooks' own test cells)."""

    def __init__(self, chunks: list[Chunk], modules: dict[str, str] | None = None) -> None:
        self.code = StudentCode.load(chunks, modules)

    @classmethod
    def from_source(cls, source: str, filename: str = "submission.py") -> "InProcessStudent":
        return cls([Chunk(source, filename)])

    def run(self, calls: list[Call]) -> list[Outcome]:
        batch = Batch(calls)
        responses = run_batch(self.code, batch.requests, batch.blobs)
        return [batch.reply(i, header, blobs) for i, (header, blobs) in enumerate(responses)]

    def has(self, name: str) -> bool:
        return self.code.has(name)

    def output(self) -> str:
        return self.code.output.getvalue()


class UnloadableStudent:
    """A submission that could not be read: every check fails with the same clear message."""

    def __init__(self, message: str) -> None:
        self.error = CallError("load", message)

    def run(self, calls: list[Call]) -> list[Outcome]:
        return [self.error for _ in calls]

    def has(self, name: str) -> bool:
        return False

    def output(self) -> str:
        return ""
