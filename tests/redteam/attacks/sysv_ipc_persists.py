"""Attack: a channel between processes that should share nothing: leave a message in a SysV
shared-memory segment (not a file, so wiping /tmp does not remove it), then crash so that the
next call runs in a fresh process, which reads the message back.  The same channel would let
one student's code leave data (or answers) for the next submission graded in that sandbox.
Expected: no SysV IPC object survives a process: nothing read back; score <= zeros baseline."""
import ctypes
import os

import numpy as np

KEY, SIZE, IPC_CREAT = 0x52454454, 4096, 0o1000
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p


def _segment(flags):
    shmid = libc.shmget(KEY, SIZE, flags)
    if shmid < 0:
        return None
    address = libc.shmat(shmid, None, 0)
    return None if address in (None, ctypes.c_void_p(-1).value) else address


_found = _segment(0o600)
if _found is not None and ctypes.string_at(_found, 4) == b"left":
    print(f"REDTEAM-LEAK: read a message an earlier process left: {ctypes.string_at(_found)!r}")
_made = _segment(IPC_CREAT | 0o600)
if _made is not None:
    message = f"left by pid {os.getpid()}".encode() + b"\0"
    ctypes.memmove(_made, message, len(message))
print(f"REDTEAM-INFO: segment {'created' if _made else 'refused'} (errno {ctypes.get_errno()})")


def _forward(params, X, y):
    os._exit(0)  # the next call runs in a fresh process


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
