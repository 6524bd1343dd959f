"""Attack: a channel that outlives the process and its files: store a note in the kernel's
per-uid keyring (add_key), crash so the next call runs in a fresh process, read it back
(keyctl search). Without a user namespace the child's uid is a host uid, so the note would also
reach later submissions and later grading runs that get the same uid.
Polite: the note expires after 30 s; its name is new for every sandbox (an expired note of an
earlier run would block it).
Expected: no note survives a process: nothing read back; score <= zeros baseline."""
import ctypes
import os

import numpy as np

SYS_ADD_KEY, SYS_KEYCTL = 248, 250  # x86_64
KEY_SPEC_USER_KEYRING, KEYCTL_SETPERM, KEYCTL_SEARCH, KEYCTL_READ, KEYCTL_SET_TIMEOUT = -4, 5, 10, 11, 15
EVERYONE_OF_MY_UID = 0x3F3F0000  # possessor and same-uid: all rights (the default lets a non-possessor only view)
libc = ctypes.CDLL(None, use_errno=True)
NAME = f"redteam-note-{os.readlink('/proc/self/ns/pid')}".encode()  # one name per sandbox (pid namespace)

_key = libc.syscall(SYS_KEYCTL, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, b"user", NAME, 0)
if _key >= 0:
    _buf = ctypes.create_string_buffer(128)
    _n = libc.syscall(SYS_KEYCTL, KEYCTL_READ, _key, _buf, 128)
    print(f"REDTEAM-LEAK: read a note an earlier process left in the keyring: {_buf.raw[:max(_n, 0)]!r}")
_note = f"left by pid {os.getpid()} (uid {os.getuid()})".encode()
_made = libc.syscall(SYS_ADD_KEY, b"user", NAME, _note, len(_note), KEY_SPEC_USER_KEYRING)
if _made >= 0:
    libc.syscall(SYS_KEYCTL, KEYCTL_SETPERM, _made, EVERYONE_OF_MY_UID)
    libc.syscall(SYS_KEYCTL, KEYCTL_SET_TIMEOUT, _made, 30)
print(f"REDTEAM-INFO: add_key {'worked' if _made >= 0 else 'refused'}")


def _forward(params, X, y):
    os._exit(0)  # the next call runs in a fresh process


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
