"""Attack: raise an exception whose message is 1 MB (with escapes) from every forward and
sigmoid call, to flood the feedback through error messages rather than printed output.
Expected: messages capped and escaped; result files stay small; score <= zeros baseline."""
import numpy as np

_MESSAGE = "\x1b[2J" + "M" * 1_000_000


def _forward(params, X, y):
    raise ValueError(_MESSAGE)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    raise ValueError(_MESSAGE)


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
