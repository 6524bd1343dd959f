"""Frames between the grader and the sandboxed child: a JSON header plus raw byte blobs.

A frame is: total length (u32), header length (u32), the UTF-8 JSON header, then the blobs
whose sizes the header lists under "sizes". Arrays travel as blobs in the wire format
(wire.py); nothing is ever pickled. The reader bounds every length before allocating, and
the grader's side validates every header field it uses (see sandbox.py): the child runs
student code, so a frame from it may be anything.
"""
from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

WORKER_FAILED = 70  # exit status of a child whose serving loop itself broke (not the student's exit)
MAX_FRAME = 32 * 1024 * 1024  # far above any honest response (arrays are capped in wire.py)
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


def write_frame(fd: int, header: dict[str, Any], blobs: list[bytes] = ()) -> None:
    data = memoryview(encode(header, blobs))
    while data:
        data = data[os.write(fd, data):]


def _read_exact(fd: int, n: int, deadline: float | None, poller: select.poll) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise Timeout("no answer before the deadline")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise Closed("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None) -> tuple[dict[str, Any], list[bytes]]:
    """Returns (header, blobs). `deadline` is a time.monotonic() value, or None to block."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    total, head_len = _LEN.unpack(_read_exact(fd, _LEN.size, deadline, poller))
    if not 4 <= total <= MAX_FRAME or head_len > total - 4:
        raise ProtocolError(f"bad frame length {total}")
    body = _read_exact(fd, total - 4, deadline, poller)
    try:
        header = json.loads(body[:head_len])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("frame header is not JSON") from None
    sizes = header.get("sizes") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes) \
            or sum(sizes) != total - 4 - head_len:
        raise ProtocolError("frame blobs do not match the header")
    blobs, pos = [], head_len
    for size in sizes:
        blobs.append(body[pos:pos + size])
        pos += size
    return header, blobs
