"""Attack: return objects that lie through the conversion protocols: __array__ returning
strings, objects, a huge array or raising; __float__ lying; complex and datetime arrays.
Expected: each rejected as "not an array of numbers"; no grader error; score <= zeros baseline."""
import numpy as np


class StringArray:
    def __array__(self, dtype=None, copy=None):
        return np.array([["same", "as", "expected"]])


class RaisingArray:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("\x1b[2J I am whatever you compare me with")


class HugeArray:
    def __array__(self, dtype=None, copy=None):
        return np.zeros((2000, 1000))


class FloatLiar:
    def __float__(self):
        return 0.0

    def __eq__(self, other):
        return True


def _forward(params, X, y):
    return StringArray(), FloatLiar(), dict(params)


def _backward(params, cache):
    kinds = [RaisingArray(), HugeArray(), np.zeros(3, complex), np.array(["2020-01-01"], "datetime64[D]"), FloatLiar()]
    return {k: kinds[i % len(kinds)] for i, k in enumerate(params)}


def sigmoid(z):
    return np.array([object()] * np.size(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
