"""Attack: use torch.autograd unseen: import it under a computed name (no `import torch` in
the source) and delete it from sys.modules before the run-time check looks; forward returns
zeros, backward returns torch's true gradients (the forward formulas are public).
Expected: the autodiff policy still applies (or torch is unavailable): score <= zeros
baseline (16/29 if the evasion works: every gradient plus "inputs not modified")."""
import importlib
import sys

import numpy as np

_NAME = "".join(["to", "rch"])
_PRELOADED = _NAME in sys.modules
try:
    T = importlib.import_module(_NAME)
except Exception:
    T = None
if not _PRELOADED:
    sys.modules.pop(_NAME, None)


def _y_hat(exercise, P, X):
    if exercise == "univariate":
        return P["w"] * X + P["b"]
    if exercise == "multivariate":
        return P["w"] @ X + P["b"]
    Z = P["W1"] @ X + P["b1"]
    return P["w2"] @ (T.sigmoid(Z) if exercise == "sigmoid_mlp" else Z) + P["b2"]


def _backward_for(exercise):
    def backward(params, cache):
        if T is None:
            return {k: np.zeros(np.shape(v)) for k, v in params.items()}
        P = {k: T.tensor(np.asarray(v, float), requires_grad=True) for k, v in params.items()}
        X, y = T.tensor(cache["X"]), T.tensor(cache["y"])
        ((_y_hat(exercise, P, X) - y) ** 2).mean().backward()
        return {k: P[k].grad.numpy() for k in params}
    return backward


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, {"X": X, "y": y}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = _backward_for("univariate")
multivariate_backward = _backward_for("multivariate")
two_layer_linear_backward = _backward_for("two_layer_linear")
sigmoid_mlp_backward = _backward_for("sigmoid_mlp")
