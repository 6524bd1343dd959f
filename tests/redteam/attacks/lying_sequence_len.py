"""Attack: return a "sequence" that claims 10**9 entries (__len__/__getitem__), so converting
it to an array would take forever or exhaust memory.  (UNSAFE without the sandbox: hangs.)
Expected: stopped by the call timeout or the memory limit; score <= zeros baseline."""
import numpy as np


class Endless:
    def __len__(self):
        return 10**9

    def __getitem__(self, i):
        if i >= 10**9:
            raise IndexError(i)
        return 0.0


def _forward(params, X, y):
    return Endless(), Endless(), dict(params)


def _backward(params, cache):
    return {k: Endless() for k in params}


def sigmoid(z):
    return Endless()


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
