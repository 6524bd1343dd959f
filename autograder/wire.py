"""Raw arrays across a trust boundary: .npy bytes, never pickles, validated on arrival.

Everything a student's function returns becomes a plain float64 ndarray through
`to_wire` (on the student's side) and `from_wire` (on the grader's side), so ndarray
subclasses, objects that lie in comparisons and exotic dtypes never reach a comparison.
"""
from __future__ import annotations

import io
import numpy as np

ALLOWED_KINDS = "fiub"  # float, signed int, unsigned int, bool
MAX_ELEMENTS = 1_000_000
MAX_BYTES = 64 * 2**20


_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


class BadValue(Exception):
    """A returned value that is not an array of numbers (message is shown to the student)."""


def to_wire(value: object) -> bytes:
    """Student side: a plain ndarray of a whitelisted dtype, as .npy bytes."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise BadValue(f"expected a number or numpy array, got {type(value).__name__}")
    try:
        # np.array(..., subok=False) drops ndarray subclasses; copy detaches from the student.
        arr = np.array(value, copy=True, subok=False)
    except Exception as exc:  # noqa: BLE001 - any failure here is the student's value
        raise BadValue(f"cannot be converted to a numpy array ({type(value).__name__}: {exc})") from None
    if arr.dtype.kind not in ALLOWED_KINDS:
        raise BadValue(f"expected numbers, got an array of dtype {arr.dtype} ({type(value).__name__})")
    if arr.size > MAX_ELEMENTS:
        raise BadValue(f"array of {arr.size} elements is far larger than any expected output")
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
    return buf.getvalue()


def from_wire(data: bytes) -> tuple[np.ndarray, str]:
    """Grader side: returns (float64 array, original dtype name). Raises BadValue."""
    if len(data) > MAX_BYTES:
        raise BadValue("returned array is too large")
    try:
        buf = io.BytesIO(data)
        version = np.lib.format.read_magic(buf)
        read_header = _HEADER_READERS[version]
        shape, _fortran, dtype = read_header(buf)  # the header only: no allocation yet
    except Exception as exc:  # noqa: BLE001
        raise BadValue(f"malformed array data ({exc})") from None
    if dtype.kind not in ALLOWED_KINDS or dtype.hasobject:
        raise BadValue(f"dtype {dtype} is not allowed")
    if int(np.prod(shape, dtype=np.int64)) > MAX_ELEMENTS:
        raise BadValue(f"array of shape {shape} is too large")
    try:
        arr = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001
        raise BadValue(f"malformed array data ({exc})") from None
    if type(arr) is not np.ndarray:
        raise BadValue("not a plain ndarray")
    return arr.astype(np.float64), str(dtype)


