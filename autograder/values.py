"""Structured values across the trust boundary: arguments in, results out, never pickled.

A call's arguments (grader -> student side) and its result (student side -> grader) travel
as a small JSON tree plus raw array blobs (wire.py). The grader builds argument trees from
its own values; the student side encodes whatever the student's function returned, shaped
by a *return spec* that says what the grader expects, so that anything else becomes a
message ("expected a number or numpy array, got str") rather than data the grader must
interpret. On the grader's side `decode` accepts only well-formed trees: a result from the
student side may be anything.

Argument trees:  float | int | bool | str | None | {"a": blob} | {"d": [[key, arg], ...]}
                 | {"l": [arg, ...]} | {"t": [arg, ...]} | {"r": [call, index, ...]} | {"w": [call]}
                 ({"r"}: part of the result of an earlier call of the same batch, kept
                 on the student side, e.g. a forward pass's cache; {"w"}: an earlier call's
                 result as the grader receives it, see `Seen`)
Return specs:    "a" an array of numbers | "d" a dict of arrays | "k" keep it on the
                 student side (referenced later with {"r"}) | "s" a short text
                 | ["t", spec, ...] a tuple (or list) of exactly that many values
Result trees:    {"a": blob} | {"d": [[key, result], ...], "x": [extra key, ...]}
                 | {"t": [result, ...]} | {"k": 1} | {"s": text} | {"bad": message}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.text import escape
from autograder.wire import BadValue, exact, from_wire, to_wire

MAX_DEPTH = 4
MAX_ITEMS = 64  # entries of one dict or tuple in a result
MAX_TEXT = 2000  # characters of a text result or message
MAX_KEY = 100


class Malformed(ValueError):
    """A result tree that does not follow the format: the student side is not trustworthy.
    A ValueError, as every other malformed frame is: the submission's failure, never the
    grader's."""


# --- the grader's side -------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """Part of an earlier call's result in the same batch, kept on the student side."""

    call: int
    index: tuple[int, ...] = ()


_PLAIN = (bool, int, float, str)  # passed as they are (a subclass takes the checks below)


@dataclass(frozen=True)
class Seen:
    """An earlier call's result in the same batch as the grader receives it: its wire form,
    decoded on the student side exactly as `decode` does here. For the grader's own helpers
    that run there (descent.py) and must decide exactly as the grader will, from the same
    bytes, not from the student's objects (which may answer differently when asked twice)."""

    call: int


def pack(value: Any, blobs: list[bytes]) -> Any:
    """An argument tree for `value` (the grader's own data), arrays appended to `blobs`."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, Ref):
        return {"r": [value.call, *value.index]}
    if isinstance(value, Seen):
        return {"w": [value.call]}
    if isinstance(value, np.ndarray):
        blobs.append(to_wire(value))
        return {"a": len(blobs) - 1}
    if isinstance(value, dict):
        return {"d": [[str(k), pack(v, blobs)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"l" if isinstance(value, list) else "t": [pack(v, blobs) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot pass a {type(value).__name__} to student code")


def tracked(value: Any, label: str) -> list[str]:
    """Labels of the mutable objects inside an argument, in the order the student side
    tracks them (see `Tracker`): the grader turns reported indices back into labels."""
    if isinstance(value, np.ndarray):
        return [label]
    if isinstance(value, dict):
        return [f"the {label} dict"] + [x for k, v in value.items() for x in tracked(v, f"{label}['{k}']")]
    if isinstance(value, list):
        return [f"the {label} list"] + [x for i, v in enumerate(value) for x in tracked(v, f"{label}[{i}]")]
    if isinstance(value, tuple):
        return [x for i, v in enumerate(value) for x in tracked(v, f"{label}[{i}]")]
    return []


@dataclass(frozen=True)
class Array:
    value: np.ndarray  # float64
    dtype: str  # what the student returned (e.g. "float32")


@dataclass(frozen=True)
class Bad:
    message: str  # why the value is unusable, for the student


@dataclass(frozen=True)
class Kept:
    """The value stayed on the student side (spec "k")."""


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Mapping:
    items: dict[str, "Result"]
    extra_keys: list[str] = field(default_factory=list)  # keys that are not strings, shown as repr


@dataclass(frozen=True)
class Items:
    items: list["Result"]


Result = Array | Bad | Kept | Text | Mapping | Items


def _text(value: Any, cap: int) -> str:
    if not isinstance(value, str):
        raise Malformed("expected text")
    return escape(value, cap)


def decode(tree: Any, blobs: list[bytes], spec: Any, depth: int = 0) -> Result:
    """A validated Result for a result tree made for `spec`; raises Malformed."""
    if depth > MAX_DEPTH or not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise Malformed("malformed result")
    if set(tree) == {"bad"}:
        return Bad(_text(tree["bad"], 500))
    if spec == "a" and set(tree) == {"a"}:
        index = tree["a"]
        if type(index) is not int or not 0 <= index < len(blobs):
            raise Malformed("bad blob index")
        try:
            array, dtype = from_wire(blobs[index])
        except BadValue as exc:
            return Bad(str(exc))
        return Array(array, dtype)
    if spec == "k" and tree == {"k": 1}:
        return Kept()
    if spec == "s" and set(tree) == {"s"}:
        return Text(_text(tree["s"], MAX_TEXT))
    if spec == "d" and set(tree) <= {"d", "x"} and "d" in tree:
        return _decode_mapping(tree, blobs, depth)
    if isinstance(spec, list) and spec[:1] == ["t"] and set(tree) == {"t"}:
        items = tree["t"]
        if not isinstance(items, list) or len(items) != len(spec) - 1:
            raise Malformed("tuple of the wrong length")
        return Items([decode(t, blobs, s, depth + 1) for t, s in zip(items, spec[1:])])
    raise Malformed("result does not match what was asked for")


def _decode_mapping(tree: dict[str, Any], blobs: list[bytes], depth: int) -> Mapping:
    pairs, extra = tree["d"], tree.get("x", [])
    if not isinstance(pairs, list) or not isinstance(extra, list) or len(pairs) + len(extra) > MAX_ITEMS:
        raise Malformed("malformed mapping")
    items: dict[str, Result] = {}
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str) \
                or len(pair[0]) > MAX_KEY or pair[0] in items:
            raise Malformed("malformed mapping entry")
        items[pair[0]] = decode(pair[1], blobs, "a", depth + 1)
    return Mapping(items, [_text(k, MAX_KEY) for k in extra])


# --- the student's side ------------------------------------------------------------------

Answer = tuple[dict[str, Any], list[bytes], Any]  # a call's result tree, its blobs, its return spec


def unpack(tree: Any, blobs: list[bytes], earlier: list[Any], answers: list[Answer | None]) -> Any:
    """The value an argument tree stands for (trees come from the grader: trusted).
    `earlier`: the results of this batch's previous calls; `answers`: what was sent back for them."""
    if isinstance(tree, dict):
        (kind, body), = tree.items()
        if kind == "a":
            return exact(blobs[body]).copy()  # writable, own dtype: mutation is detected, not prevented
        if kind == "d":
            return {k: unpack(v, blobs, earlier, answers) for k, v in body}
        if kind == "r":
            value = earlier[body[0]]
            for i in body[1:]:
                value = value[i]
            return value
        if kind == "w":
            result, out, spec = answers[body[0]]
            return decode(result, out, spec)
        items = [unpack(v, blobs, earlier, answers) for v in body]
        return items if kind == "l" else tuple(items)
    return tree


def _describe(value: Any) -> str:
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} values"
    if isinstance(value, list):
        return f"a list of {len(value)} values"
    return type(value).__name__[:100]


def encode(value: Any, spec: Any, blobs: list[bytes]) -> dict[str, Any]:
    """A result tree for what a student function returned, as `spec` asks."""
    if spec == "k":
        return {"k": 1}
    if spec == "a":
        try:
            blobs.append(to_wire(value))
        except BadValue as exc:
            return {"bad": str(exc)}
        return {"a": len(blobs) - 1}
    if spec == "s":
        return {"s": value[:MAX_TEXT]} if isinstance(value, str) else {"bad": f"it returned {_describe(value)}"}
    if spec == "d":
        if not isinstance(value, dict):
            return {"bad": f"it returned {_describe(value)}"}
        pairs = [[k, encode(v, "a", blobs)] for k, v in value.items() if isinstance(k, str) and len(k) <= MAX_KEY]
        extra = [repr(k)[:MAX_KEY] for k in value if not (isinstance(k, str) and len(k) <= MAX_KEY)]
        return {"d": pairs[:MAX_ITEMS], "x": extra[:MAX_ITEMS - min(len(pairs), MAX_ITEMS)]}
    items = tuple(value) if isinstance(value, (tuple, list)) else None
    if items is None or len(items) != len(spec) - 1:
        return {"bad": f"it returned {_describe(value)}"}
    return {"t": [encode(v, s, blobs) for v, s in zip(items, spec[1:])]}


class Tracker:
    """Mutable arguments of a batch of calls (arrays, and the dicts and lists holding
    them), snapshotted when passed, so that each call can report which of them it changed
    in place: indices in the order of `tracked`, over every argument of the batch."""

    def __init__(self) -> None:
        self._entries: list[tuple[Any, Any]] = []  # (object, snapshot)
        self._reported: set[int] = set()

    def add(self, tree: Any, value: Any) -> None:
        """Track the argument `value` that `tree` was unpacked into (parts that came from
        an earlier call's result are the student's own objects: not tracked)."""
        kind = next(iter(tree)) if isinstance(tree, dict) else None
        if kind == "a":
            self._entries.append((value, value.copy()))
        elif kind == "d":
            self._entries.append((value, [(k, id(v)) for k, v in value.items()]))
            for key, sub in tree["d"]:
                self.add(sub, value[key])
        elif kind == "l":
            self._entries.append((value, [id(v) for v in value]))
            for sub, v in zip(tree["l"], value):
                self.add(sub, v)
        elif kind == "t":
            for sub, v in zip(tree["t"], value):
                self.add(sub, v)

    @staticmethod
    def _changed(obj: Any, snapshot: Any) -> bool:
        if isinstance(obj, np.ndarray):
            if obj.shape != snapshot.shape:
                return True
            # Every call of a batch re-checks every argument passed so far: identical bytes, the
            # usual answer, are cheap to see; only a difference needs array_equal's rules
            # (NaN equals NaN, -0.0 equals 0.0).
            if obj.dtype == snapshot.dtype and obj.tobytes() == snapshot.tobytes():
                return False
            return not np.array_equal(obj, snapshot, equal_nan=True)
        if isinstance(obj, dict):
            return [(k, id(v)) for k, v in obj.items()] != snapshot
        return [id(v) for v in obj] != snapshot

    def newly_changed(self) -> list[int]:
        found = [i for i, (obj, snap) in enumerate(self._entries) if i not in self._reported and self._changed(obj, snap)]
        self._reported.update(found)
        return found
