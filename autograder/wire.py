"""Raw arrays across a trust boundary: a tiny binary format, never pickles, validated on arrival.

Everything a student's function returns becomes a plain float64 ndarray through
`to_wire` (on the student's side) and `from_wire` (on the grader's side), so ndarray
subclasses, objects that lie in comparisons and exotic dtypes never reach a comparison.

Format (little-endian): magic b"AGW1", dtype code (u8), ndim (u8), shape (ndim x u32),
then the C-ordered data. It says no more than an .npy header, but parses with `struct`
instead of `ast.literal_eval` (grading moves hundreds of small arrays per submission).
"""
from __future__ import annotations

import math
import struct

import numpy as np

MAGIC = b"AGW1"
DTYPES = ("<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1")
MAX_ELEMENTS = 1_000_000
MAX_NDIM = 8


class BadValue(Exception):
    """A returned value that is not an array of numbers (message is shown to the student)."""


_FLOAT64 = np.dtype("<f8")


def to_wire(value: object) -> bytes:
    """Student side: a plain ndarray of a whitelisted dtype, as bytes."""
    if type(value) is np.ndarray and value.dtype == _FLOAT64 and value.ndim <= MAX_NDIM and value.size <= MAX_ELEMENTS:
        # The usual value, and every array the grader sends: exactly an ndarray (no subclass
        # to lie), float64, so its bytes are those of the general path below, without a copy.
        return MAGIC + struct.pack(f"<BB{value.ndim}I", 0, value.ndim, *value.shape) + value.tobytes()
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise BadValue(f"expected a number or numpy array, got {type(value).__name__}")
    try:
        # np.array(..., subok=False) drops ndarray subclasses; copy detaches from the student.
        arr = np.array(value, copy=True, subok=False)
    except Exception as exc:  # noqa: BLE001 - any failure here is the student's value
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise BadValue(f"cannot be converted to a numpy array ({type(value).__name__[:100]}: {reason[:300]})") from None
    code = arr.dtype.newbyteorder("<").str if arr.dtype.byteorder not in "|" else arr.dtype.str
    if code not in DTYPES:
        raise BadValue(f"expected numbers, got an array of dtype {arr.dtype} ({type(value).__name__})")
    if arr.size > MAX_ELEMENTS or arr.ndim > MAX_NDIM:
        raise BadValue(f"an array of shape {arr.shape} is far larger than any expected output")
    data = np.ascontiguousarray(arr, dtype=np.dtype(code)).tobytes()
    return MAGIC + struct.pack(f"<BB{arr.ndim}I", DTYPES.index(code), arr.ndim, *arr.shape) + data


def from_wire(data: bytes) -> tuple[np.ndarray, str]:
    """Grader side: returns (float64 array, original dtype name). Raises BadValue."""
    arr, code = _parsed(data)
    return arr.astype(np.float64), _NAMES[code]


def exact(data: bytes) -> np.ndarray:
    """The array in its own dtype (e.g. integer class labels the grader sends). Raises BadValue."""
    return _parsed(data)[0]


_DTYPES = tuple(np.dtype(code) for code in DTYPES)
_NAMES = tuple(dtype.name for dtype in _DTYPES)  # numpy computes dtype.name in Python: ~5 us a call


def _parsed(data: bytes) -> tuple[np.ndarray, int]:
    """The array and its dtype's index in DTYPES. Raises BadValue."""
    if len(data) < 6 or data[:4] != MAGIC:
        raise BadValue("malformed array data")
    code, ndim = data[4], data[5]
    if code >= len(DTYPES) or ndim > MAX_NDIM:
        raise BadValue("malformed array header")
    head = 6 + 4 * ndim
    if len(data) < head:
        raise BadValue("truncated array header")
    shape = struct.unpack_from(f"<{ndim}I", data, 6)
    size = math.prod(shape)  # Python ints: a lying shape cannot overflow into a small size
    dtype = _DTYPES[code]
    # Check the declared size before touching the payload: no allocation from a lying header.
    if size > MAX_ELEMENTS or len(data) - head != size * dtype.itemsize:
        raise BadValue(f"array data does not match its declared shape {shape}")
    return np.frombuffer(data, dtype=dtype, offset=head, count=size).reshape(shape), code
