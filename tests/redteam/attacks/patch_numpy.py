"""Attack: monkeypatch numpy so every comparison agrees (allclose, isclose, array_equal, all,
abs, numpy.testing), then return zeros.
Expected: no effect (comparisons run in the trusted parent): score <= zeros baseline."""
import numpy as np
import numpy.testing


def _agree(*args, **kwargs):
    return True


def _no_error(*args, **kwargs):
    return None


np.allclose = np.array_equal = np.array_equiv = np.all = _agree
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, bool)
np.abs = np.absolute = np.fabs = lambda x, *args, **kwargs: np.zeros(np.shape(x))
for _name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_equal",
              "assert_almost_equal", "assert_array_less"):
    setattr(np.testing, _name, _no_error)


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
