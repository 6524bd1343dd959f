"""Expected values on disk: computed once (with torch), then read without it.

An exercise's expected values (every case's oracle values, known mistakes' values, the
descent path...) are plain data: dataclasses of arrays and numbers. They are written as one
.npz file (arrays, and a JSON description of the structure; never pickles) under a key that
names everything they depend on, and read back only when the key matches and, for graded
inputs, the file carries the course secret's HMAC of its content (so a file that anyone
without the secret edited is recomputed, never trusted). Uses: the notebooks' visible checks
(public inputs, shipped with the package: no torch import in the first test cell), the
graders' start-up, and the Gradescope bundle (numpy only at grading time).
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import json
import os
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from autograder.secret import CourseSecret
from autograder.spec import Sizes

FORMAT = 1


def _classes() -> dict[str, type]:
    """The types a store may hold: nothing else is ever constructed when reading one."""
    from autograder.kinds import elementwise, model

    allowed = [Sizes, model.Case, model.CaseExpected, model.MutantValues, model.ModelExpected, model.TrainingRun,
               elementwise.Expected]
    return {f"{c.__module__}.{c.__qualname__}": c for c in allowed}


def _encode(value: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        arrays.append(value)
        return {"array": len(arrays) - 1}
    if dataclasses.is_dataclass(value):
        fields = {f.name: _encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}
        return {"type": f"{type(value).__module__}.{type(value).__qualname__}", "fields": fields}
    if isinstance(value, dict):
        return {"dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"list" if isinstance(value, list) else "tuple": [_encode(v, arrays) for v in value]}
    if isinstance(value, Fraction):
        return {"fraction": [value.numerator, value.denominator]}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def _decode(tree: Any, arrays: list[np.ndarray], classes: dict[str, type]) -> Any:
    if not isinstance(tree, dict):
        return tree
    if "array" in tree:
        return arrays[tree["array"]]
    if "type" in tree:
        cls = classes[tree["type"]]  # KeyError for anything not allowed
        return cls(**{k: _decode(v, arrays, classes) for k, v in tree["fields"].items()})
    if "dict" in tree:
        return {_decode(k, arrays, classes): _decode(v, arrays, classes) for k, v in tree["dict"]}
    if "list" in tree:
        return [_decode(v, arrays, classes) for v in tree["list"]]
    if "tuple" in tree:
        return tuple(_decode(v, arrays, classes) for v in tree["tuple"])
    return Fraction(*tree["fraction"])


def _signature(secret: CourseSecret | None, key: str, body: bytes, arrays: list[np.ndarray]) -> str:
    """The secret's HMAC of everything stored: the structure and every array's bytes."""
    if secret is None:
        return ""
    mac = hmac.new(secret.key, b"autograder-store/" + key.encode() + b"/" + body, hashlib.sha256)
    for a in arrays:
        mac.update(json.dumps([a.dtype.str, a.shape]).encode())
        mac.update(np.ascontiguousarray(a).tobytes())
    return mac.hexdigest()


def save(path: Path, key: str, values: Any, secret: CourseSecret | None = None) -> None:
    """Writes `values` under `key` (atomically); graded values carry the secret's HMAC and
    only their owner may read them (they hold the graded inputs)."""
    arrays: list[np.ndarray] = []
    body = json.dumps({"format": FORMAT, "key": key, "values": _encode(values, arrays)}, sort_keys=True).encode()
    buffer = io.BytesIO()
    np.savez(buffer, header=np.frombuffer(body, dtype=np.uint8),
             signature=np.frombuffer(_signature(secret, key, body, arrays).encode(), dtype=np.uint8),
             **{f"a{i}": a for i, a in enumerate(arrays)})
    if path.parent.is_symlink() or path.parent.parent.is_symlink():
        return  # a cache is an optimisation: never write through a link someone planted
    path.parent.mkdir(mode=0o700 if secret else 0o755, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    with os.fdopen(fd, "wb") as f:
        f.write(buffer.getvalue())
        if secret is None:
            os.fchmod(f.fileno(), 0o644)
    os.replace(tmp, path)


def load(path: Path, key: str, secret: CourseSecret | None = None) -> Any | None:
    """The values stored under `key`, or None (missing, another key, a bad signature,
    anything malformed): the caller computes them afresh."""
    try:
        with np.load(path, allow_pickle=False) as data:
            body = data["header"].tobytes()
            signature = data["signature"].tobytes().decode()
            arrays = [data[f"a{i}"] for i in range(len(data.files) - 2)]
        header = json.loads(body)
        if header.get("format") != FORMAT or header.get("key") != key:
            return None
        if not hmac.compare_digest(signature, _signature(secret, key, body, arrays)):
            return None
        return _decode(header["values"], arrays, _classes())
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        return None


STORED_SUFFIXES = (".py", ".csv", ".json")  # what can change a value: code and data, not prose


def digest(*paths: Path, extra: str = "") -> str:
    """A key naming the content of files and folders: their code and data (prose cannot
    change a value, and the stores themselves are not part of it)."""
    h = hashlib.sha256(extra.encode())
    for root in paths:
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.is_file() and p.suffix in STORED_SUFFIXES and "__pycache__" not in p.parts)
        for p in files:
            h.update(str(p.relative_to(root.parent)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:32]
