"""Attack: exceptions that fight the code reporting them: a 100 KB class name full of escape
codes whose __str__ raises (forward), and one whose __str__ never returns (sigmoid).
(UNSAFE without the sandbox: hangs.)
Expected: a short, escaped message (or a timeout); result files stay small; no grader error;
score <= zeros baseline."""
import time

import numpy as np


def _str_fails(self):
    raise RuntimeError("no message for you")


Hostile = type("\x1b[2J\x1b]0;pwned\x07" + "N" * 100_000, (Exception,), {"__str__": _str_fails})


class Stuck(Exception):
    def __str__(self):
        time.sleep(1000)
        return "never"


def _forward(params, X, y):
    raise Hostile()


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    raise Stuck()


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
