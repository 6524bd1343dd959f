"""Arrays crossing the trust boundary: only plain numbers of the declared shape get through."""
from __future__ import annotations

import struct

import numpy as np
import pytest

from autograder.wire import MAGIC, BadValue, from_wire, to_wire


class Liar(np.ndarray):
    """Claims equality with everything: np.allclose on it would return True."""

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __eq__(self, other):
        return np.ones(self.shape, bool)


@pytest.mark.parametrize("value,shape,dtype", [
    (1.5, (), "float64"),
    (np.float32(2.0), (), "float32"),
    (np.zeros((3, 1), np.float16), (3, 1), "float16"),
    ([[1, 2, 3]], (1, 3), "int64"),
    (np.arange(4.0).astype(">f8"), (4,), "float64"),
])
def test_round_trip_keeps_values_shape_and_original_dtype(value, shape, dtype):
    arr, original = from_wire(to_wire(value))
    assert type(arr) is np.ndarray and arr.dtype == np.float64
    assert arr.shape == shape and original == dtype
    np.testing.assert_array_equal(arr, np.asarray(value, dtype=float))


def test_subclass_that_lies_becomes_a_plain_array_that_compares_honestly():
    liar = np.zeros((2, 2)).view(Liar)
    assert np.allclose(liar, 123.0) is True  # the attack works on the raw object...
    arr, _ = from_wire(to_wire(liar))
    assert type(arr) is np.ndarray and not np.allclose(arr, 123.0)  # ...not after the wire


@pytest.mark.parametrize("value,message", [
    ("3.0", "got str"),
    (None, "got NoneType"),
    ({"w": 1.0}, "got dict"),
    (np.array(["a"]), "dtype <U1"),
    (np.array([object()]), "dtype object"),
    (np.zeros(2, complex), "dtype complex128"),
    (np.zeros(2_000_000), "far larger"),
])
def test_non_numbers_are_refused_with_a_message(value, message):
    with pytest.raises(BadValue, match=message):
        to_wire(value)


def test_lying_headers_are_refused_before_any_allocation():
    huge = MAGIC + struct.pack("<BB2I", 0, 2, 100_000, 100_000)  # claims 80 GB, carries nothing
    with pytest.raises(BadValue, match="does not match its declared shape"):
        from_wire(huge)
    short = to_wire(np.zeros((3, 3)))[:-8]
    with pytest.raises(BadValue):
        from_wire(short)
    with pytest.raises(BadValue, match="malformed"):
        from_wire(b"\x93NUMPY" + b"\x00" * 20)  # a pickle-capable .npy is not accepted
    with pytest.raises(BadValue, match="header"):
        from_wire(MAGIC + bytes([99, 0]))
