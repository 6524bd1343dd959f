"""The grader's view of a submission: batches of calls that come back as validated values.

`Student` is what the checks talk to. `InProcessStudent` runs the code in this process
(`--no-sandbox`, the notebooks' own test cells); `SandboxedStudent` (sandbox.py) runs it in
a child process. Both go through the same encoding (values.py), so a check sees exactly the
same values, and the same messages, whichever runs the code.

A batch (`run`) is one round trip to a sandboxed child; `run_groups` sends several batches
in one, each answered exactly as if it had been sent alone, so that the checks ask at once
for every call they already know they need.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol

from autograder.execution import CallError, Chunk, StudentCode, run_batch
from autograder.text import escape
from autograder.values import Ref, Result, Seen, decode, pack, tracked

__all__ = ["Call", "CallError", "Ref", "Seen", "Reply", "Student", "InProcessStudent", "UnloadableStudent", "Batch",
           "one_by_one", "stops"]


@dataclass(frozen=True)
class Call:
    """One call of a student function: `fn(*args)`, its result encoded as `ret` asks
    (values.py). `names` label the arguments in messages ("X", "params")."""

    fn: str
    args: tuple[Any, ...]
    names: tuple[str, ...]
    ret: Any = "a"
    # Error kinds that make the rest of a `run_groups` pointless (e.g. a function that is
    # missing): if this call fails so, the groups after its own are not run.
    stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    result: Result
    mutated: tuple[str, ...]  # arguments (of this call or an earlier one of its batch) it changed in place
    seconds: float  # as measured on the student's side


Outcome = Reply | CallError


class Student(Protocol):
    def run(self, calls: list[Call]) -> list[Outcome]: ...
    def run_groups(self, groups: list[list[Call]]) -> list[list[Outcome]]:
        """`[run(g) for g in groups]`, up to and including the first group that `stops`
        (the groups after it are neither run nor returned); one round trip where it can."""
    def has(self, name: str) -> bool: ...
    def output(self) -> str: ...


def stops(group: list[Call], outcomes: list[Outcome]) -> bool:
    """Does a group's outcome end a `run_groups`?"""
    return any(isinstance(o, CallError) and o.kind in c.stop for c, o in zip(group, outcomes))


def one_by_one(student: Student, groups: list[list[Call]]) -> list[list[Outcome]]:
    """`run_groups` as separate batches: for runners without round trips to save."""
    done: list[list[Outcome]] = []
    for group in groups:
        done.append(student.run(group))
        if stops(group, done[-1]):
            break
    return done


def _request(call: Call, blobs: list[bytes]) -> dict[str, Any]:
    request = {"fn": call.fn, "args": [pack(a, blobs) for a in call.args], "ret": call.ret}
    return {**request, "stop": list(call.stop)} if call.stop else request


class Batch:
    """A batch's requests in wire form, and how to read its responses. Batches sent together
    share one list of blobs (`blobs`)."""

    def __init__(self, calls: list[Call], blobs: list[bytes] | None = None) -> None:
        self.calls = calls
        self.blobs: list[bytes] = [] if blobs is None else blobs
        self.requests = [_request(c, self.blobs) for c in calls]

    @functools.cached_property
    def labels(self) -> list[tuple[int, str]]:
        """(index of the call that passed it, label) for every tracked argument, in the
        order the student side numbers them. Only needed once a call reports a mutation."""
        return [(i, label) for i, c in enumerate(self.calls) for arg, name in zip(c.args, c.names)
                for label in tracked(arg, name)]

    def mutated(self, index: int, reported: Any) -> tuple[str, ...]:
        """Labels for the indices a response reports; raises ValueError if malformed."""
        if not isinstance(reported, list):
            raise ValueError("malformed mutation report")
        if not reported:
            return ()
        if not all(type(i) is int and 0 <= i < len(self.labels) for i in reported):
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

    def run_groups(self, groups: list[list[Call]]) -> list[list[Outcome]]:
        return one_by_one(self, groups)

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

    def run_groups(self, groups: list[list[Call]]) -> list[list[Outcome]]:
        return one_by_one(self, groups)

    def has(self, name: str) -> bool:
        return False

    def output(self) -> str:
        return ""
