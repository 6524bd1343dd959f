"""Attack: mutate what the grader handed over (X, y, every parameter array, the params dict)
and, through the garbage collector, the grader's own expected values (objects named
CaseExpected), zeroing them so that zero answers "match".
Expected: only this submission's copies change: "inputs not modified" fails with a clear
message; score <= zeros baseline."""
import gc

import numpy as np


def _zeros_like_all(mapping):
    for key, value in list(mapping.items()):
        mapping[key] = np.zeros(np.shape(value))


def _corrupt_grader():
    for obj in gc.get_objects():
        if type(obj).__name__ == "CaseExpected":
            obj.output[...] = 0.0
            object.__setattr__(obj, "loss", 0.0)
            _zeros_like_all(obj.grads)
            for grads in obj.oracles.values():
                _zeros_like_all(grads)


def _forward(params, X, y):
    _corrupt_grader()
    X[...] = 0.0
    y[...] = 0.0
    for value in params.values():
        if isinstance(value, np.ndarray):
            value[...] = 0.0
    params["injected"] = 0.0
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items() if k != "injected"}


def sigmoid(z):
    z[...] = 0.0
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
