"""Class 3, frames from the child (course-level variant of ../attacks/forged_frames.py).
The answer cell replaces the sandbox worker's write_frame so that each function's answer
is a hostile but correctly framed header: nested 100,000 deep (univariate), a 5000-digit
number (multivariate), a header over 256 KiB (two_layer_linear), wrong types everywhere
(sigmoid_mlp), a NaN and a non-finite "seconds" (sigmoid). Its functions are otherwise the
zeros baseline's.
Expected: each is this submission's failure ("malformed answer"), never a grader error;
score <= the zeros baseline; honest neighbours unaffected."""
import struct as _struct
import sys as _sys

_CURRENT = ["?"]


def _raw(fd, head):
    import os
    body = head
    data = _struct.pack("<II", len(body) + 4, len(head)) + body
    while data:
        data = data[os.write(fd, data):]


def _forge_frames():
    worker = _sys.modules.get("autograder.worker")
    if worker is None:
        return
    original = worker.write_frame

    def forged(fd, header, blobs=()):
        if "result" not in header:
            return original(fd, header, blobs)
        name = _CURRENT[0]
        if name.startswith("univariate"):
            return _raw(fd, b'{"ok":true,"sizes":[],"seconds":0.1,"mutated":[],"result":' + b"[" * 100_000
                        + b"]" * 100_000 + b"}")
        if name.startswith("multivariate"):
            return _raw(fd, b'{"ok":true,"sizes":[],"seconds":' + b"9" * 5000 + b',"mutated":[],"result":{"a":0}}')
        if name.startswith("two_layer"):
            return _raw(fd, b'{"ok":true,"sizes":[],"seconds":0.1,"mutated":[],"pad":"' + b"x" * 300_000
                        + b'","result":{"a":0}}')
        if name.startswith("sigmoid_mlp"):
            return original(fd, {"ok": "yes", "seconds": "fast", "mutated": {"X": 1}, "result": [1, 2]}, [b"zz"])
        return _raw(fd, b'{"ok":true,"sizes":[],"seconds":NaN,"mutated":[],"result":{"a":0}}')

    worker.write_frame = forged
    calls_of = worker.run_batch

    def run_batch(code, calls, blobs):  # remembers which function each answer is for
        for call, answer in zip(calls, calls_of(code, calls, blobs)):
            _CURRENT[0] = call["fn"]
            yield answer

    worker.run_batch = run_batch


_forge_frames()
