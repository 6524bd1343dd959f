"""Attack: extreme values to break the grader's own arithmetic (ratios, diagnosis, gradient
descent): +-1e308, inf, denormals, int64 extremes, bools.
Expected: clear failures, no grader error; score <= zeros baseline."""
import numpy as np

_VALUES = [1e308, -1e308, np.inf, -np.inf, 5e-324, -5e-324, 0.0]


def _fill(shape, i=0):
    size = int(np.prod(shape))
    return np.array([_VALUES[(i + j) % len(_VALUES)] for j in range(size)]).reshape(shape)


def _forward(params, X, y):
    return np.full((1, X.shape[1]), np.iinfo(np.int64).max), 1.7976931348623157e308, dict(params)


def _backward(params, cache):
    return {k: _fill(np.shape(v), i) for i, (k, v) in enumerate(params.items())}


def sigmoid(z):
    return np.ones(np.shape(z), bool)


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
