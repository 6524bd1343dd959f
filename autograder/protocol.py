"""Frames between the grader and the sandboxed child: a JSON header plus raw byte blobs.

A frame is: total length (u32), header length (u32), the UTF-8 JSON header, then the blobs
whose sizes the header lists under "sizes". Arrays travel as blobs in the wire format
(wire.py); nothing is ever pickled. The child runs student code, so a frame from it may be
anything: the reader bounds every length before allocating, parses the header with limits
on its size, its nesting and the length of every number, and checks the blob sizes; the
grader validates every field it then uses (values.py, sandbox.py).
"""
from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from typing import Any

WORKER_FAILED = 70  # exit status of a child whose serving loop itself broke (not the student's exit)
MAX_FRAME = 32 * 1024 * 1024  # far above any honest response (arrays are capped in wire.py)
MAX_HEADER = 256 * 1024  # a header describes a few dozen values; a submission's source is a blob
MAX_DEPTH = 16
MAX_NUMBER = 40  # characters of one JSON number
_LEN = struct.Struct("<II")


class ProtocolError(Exception):
    """The other side closed the pipe, sent garbage, or missed the deadline."""


class Timeout(ProtocolError):
    pass


class Closed(ProtocolError):
    """End of file: the other side exited (or closed its end)."""


def encode(header: dict[str, Any], blobs: list[bytes] = ()) -> bytes:
    head = json.dumps({**header, "sizes": [len(b) for b in blobs]}, separators=(",", ":")).encode()
    body = head + b"".join(blobs)
    return _LEN.pack(len(body) + 4, len(head)) + body


def fits(frame: bytes) -> bool:
    """Would `read_frame` accept this frame (from `encode`)? Its sizes are bounded."""
    total, head_len = _LEN.unpack_from(frame)
    return total <= MAX_FRAME and head_len <= MAX_HEADER


def write_all(fd: int, frame: bytes) -> None:
    data = memoryview(frame)
    while data:
        data = data[os.write(fd, data):]


def write_frame(fd: int, header: dict[str, Any], blobs: list[bytes] = ()) -> None:
    write_all(fd, encode(header, blobs))


def _read_exact(fd: int, n: int, deadline: float | None, poller: select.poll) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            # At the deadline, one last look without waiting: an answer already in the pipe
            # counts even if this thread was slow to read it (another thread held the GIL).
            if not poller.poll(max(remaining, 0) * 1000):
                raise Timeout("no answer before the deadline")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise Closed("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _number(text: str) -> float | int:
    if len(text) > MAX_NUMBER:
        raise ValueError("number too long")
    if not ("." in text or "e" in text or "E" in text):
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth (a value inside a container is one deeper than the container), level
    by level (a hostile header may be deep), stopping past `limit`. Every answer from the
    child goes through here: the walk stays in C (list.extend) but for one test per node."""
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > limit:
            return depth
        below: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                below.extend(item.values())
            elif isinstance(item, list):
                below.extend(item)
        level = below
    return depth


# One decoder for every header: json.loads would build a new one per call.
_DECODER = json.JSONDecoder(parse_int=_number, parse_float=_number, parse_constant=_refuse)


def parse_header(data: bytes) -> dict[str, Any]:
    """A JSON object within the limits above, or ProtocolError."""
    if len(data) > MAX_HEADER:
        raise ProtocolError("frame header too long")
    try:
        header = _DECODER.decode(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError, MemoryError):
        raise ProtocolError("frame header is not JSON within limits") from None
    if not isinstance(header, dict) or _depth(header) > MAX_DEPTH:
        raise ProtocolError("frame header is not a JSON object within limits")
    return header


def read_frame(fd: int, deadline: float | None = None, trusted: bool = False) -> tuple[dict[str, Any], list[bytes]]:
    """Returns (header, blobs). `deadline` is a time.monotonic() value, or None to block.
    `trusted`: the child reading the grader's requests, which it has no reason to doubt
    (the limits protect the grader from the child), and which may be large (a whole
    exercise's calls), so are parsed without the per-number and nesting checks."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    total, head_len = _LEN.unpack(_read_exact(fd, _LEN.size, deadline, poller))
    if not 4 <= total <= MAX_FRAME or head_len > min(total - 4, MAX_HEADER):
        raise ProtocolError(f"bad frame length {total}")
    body = _read_exact(fd, total - 4, deadline, poller)
    header = json.loads(body[:head_len]) if trusted else parse_header(body[:head_len])
    sizes = header.get("sizes")
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes) \
            or sum(sizes) != total - 4 - head_len:
        raise ProtocolError("frame blobs do not match the header")
    blobs, pos = [], head_len
    for size in sizes:
        blobs.append(body[pos:pos + size])
        pos += size
    return header, blobs
