"""Attack: fill the disk: write 1 MiB chunks into the cwd, /tmp and $HOME until ENOSPC or
EFBIG (SIGXFSZ ignored), up to 2 GiB.  (UNSAFE without the sandbox: fills the real /tmp.)
Expected: a size-capped scratch space stops it and is wiped; the next submission is
unaffected; score <= zeros baseline."""
import os
import signal
import tempfile

import numpy as np

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
_CHUNK = b"D" * (1 << 20)


def _flood():
    written = 0
    for d in {os.getcwd(), tempfile.gettempdir(), os.path.expanduser("~")}:
        for i in range(1000):
            try:
                with open(os.path.join(d, f"redteam-flood-{i}"), "wb") as f:
                    while written < 2 << 30:
                        f.write(_CHUNK)
                        written += len(_CHUNK)
            except OSError:
                continue
            break
    print(f"REDTEAM-INFO: wrote {written >> 20} MiB")
    if written >= 2 << 30:
        print("REDTEAM-LEAK: wrote 2 GiB")


def _forward(params, X, y):
    _flood()
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
