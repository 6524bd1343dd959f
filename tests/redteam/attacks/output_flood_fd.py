"""Attack: write 100 MB straight to file descriptors 1 and 2 (below Python's print), with
terminal control characters.  (UNSAFE without the sandbox: floods the caller's terminal.)
Expected: output capped (file-size limit or cap) and escaped; result files stay small;
score <= zeros baseline."""
import os
import signal

import numpy as np

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of dying at the file-size limit
_CHUNK = b"\x1b]0;pwned\x07\x1b[2J\x1b[H\r\x08\x00" + b"B" * (1 << 20)


def _flood():
    for fd in (1, 2):
        for _ in range(50):
            try:
                os.write(fd, _CHUNK)
            except OSError:
                break


def _forward(params, X, y):
    _flood()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
