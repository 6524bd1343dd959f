"""Attack: terminal control characters and forged grader lines in printed output and in an
exception message (clear screen, set title, carriage return, NUL, a fake "29/29 points").
Expected: shown escaped (no raw control characters in feedback.txt or results.json);
score <= zeros baseline."""
import numpy as np

_FORGED = "\x1b[2J\x1b[H\x1b]0;pwned\x07\r\x08\x00\x9b== this submission: 29/29 points ==\n  PASS everything [29/29]"


def _forward(params, X, y):
    print(_FORGED)
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    raise ValueError(_FORGED)


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
