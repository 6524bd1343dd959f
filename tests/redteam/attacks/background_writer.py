"""Attack: leave a background process (named rtmark-bgwrite) that keeps writing to fd 1 for
90 s after the function returned.  (UNSAFE without the sandbox: leaves a process.)
Expected: killed with the submission's process tree; output capped; score <= zeros baseline."""
import os
import sys

import numpy as np

WRITER = r'''
import ctypes, os, time
ctypes.CDLL(None).prctl(15, b"rtmark-bgwrite", 0, 0, 0)  # PR_SET_NAME: the test looks for strays by this name
end = time.time() + 90
while time.time() < end:
    try:
        os.write(1, b"REDTEAM-BACKGROUND \x1b[2J still writing\n" * 100)
    except OSError:
        pass
    time.sleep(0.01)
'''
_SPAWNED = []


def _forward(params, X, y):
    if not _SPAWNED:
        _SPAWNED.append(True)
        ready, started = os.pipe()
        if os.fork() == 0:
            try:
                os.close(ready)
                # Its first lines before this call returns, so that they are there to be shown
                # however soon the grading ends (a new interpreter takes a while to start).
                os.write(1, b"REDTEAM-BACKGROUND \x1b[2J still writing\n" * 100)
                os.close(started)
                os.execv(sys.executable, [sys.executable, "-c", WRITER, "rtmark-bgwrite"])
            finally:
                os._exit(0)
        os.close(started)
        os.read(ready, 1)  # end of file: the background process has written
        os.close(ready)
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
