"""Attack: return zeros as an ndarray subclass whose __eq__, __array_function__ and
__array_ufunc__ claim agreement with anything (np.allclose(liar, x) is True).
Expected: arrays cross as plain numbers, the lies are dropped: score <= zeros baseline."""
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), bool).view(np.ndarray)

    __ne__ = lambda self, other: np.zeros(np.shape(self), bool).view(np.ndarray)

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast(*inputs).shape).view(np.ndarray)

    def __float__(self):
        return 0.0


def _liar(shape):
    return np.zeros(shape).view(Liar)


def _forward(params, X, y):
    return _liar((1, X.shape[1])), _liar(()), dict(params)


def _backward(params, cache):
    return {k: _liar(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return _liar(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
