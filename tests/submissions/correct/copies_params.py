# Correct: copies params into a new dict and converts everything with np.asarray first;
# gradients built by the chain rule in small steps, with `(y_hat - y).mean()` for the bias.
import numpy as np


def sigmoid(z):
    z = np.clip(z, -500, 500)  # avoids overflow; exact for every z that matters
    return 1.0 / (1.0 + np.exp(-z))


def _prep(params, X, y):
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    return p, np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)


def univariate_forward(params, X, y):
    p, X, y = _prep(params, X, y)
    y_hat = p["w"] * X + p["b"]
    return y_hat, float(((y_hat - y) ** 2).mean()), dict(X=X, y=y, y_hat=y_hat)


def univariate_backward(params, cache):
    diff = cache["y_hat"] - cache["y"]
    return {"w": 2 * float((diff * cache["X"]).mean()), "b": 2 * float(diff.mean())}


def multivariate_forward(params, X, y):
    p, X, y = _prep(params, X, y)
    y_hat = p["w"] @ X + p["b"]
    return y_hat, float(((y_hat - y) ** 2).mean()), dict(X=X, y=y, y_hat=y_hat)


def multivariate_backward(params, cache):
    diff = cache["y_hat"] - cache["y"]
    return {"w": 2 * (diff * cache["X"]).mean(axis=1, keepdims=True).T, "b": 2 * float(diff.mean())}


def two_layer_linear_forward(params, X, y):
    p, X, y = _prep(params, X, y)
    Z = p["W1"] @ X + p["b1"]
    y_hat = p["w2"] @ Z + p["b2"]
    return y_hat, float(((y_hat - y) ** 2).mean()), dict(X=X, y=y, Z=Z, A=Z, y_hat=y_hat, sig=False)


def _two_layer_backward(params, cache):
    w2 = np.asarray(params["w2"])
    diff = cache["y_hat"] - cache["y"]  # (1, m)
    dL_dyhat = 2 * diff / diff.shape[1]
    dL_dA = w2.T * dL_dyhat  # (k, m) by broadcasting
    A = cache["A"]
    dL_dZ = dL_dA * A * (1 - A) if cache["sig"] else dL_dA
    return {
        "W1": dL_dZ @ cache["X"].T,
        "b1": 2 * (w2.T * diff * (A * (1 - A) if cache["sig"] else 1)).mean(axis=1, keepdims=True),
        "w2": dL_dyhat @ A.T,
        "b2": 2 * float(diff.mean()),
    }


def two_layer_linear_backward(params, cache):
    return _two_layer_backward(params, cache)


def sigmoid_mlp_forward(params, X, y):
    p, X, y = _prep(params, X, y)
    Z = p["W1"] @ X + p["b1"]
    A = sigmoid(Z)
    y_hat = p["w2"] @ A + p["b2"]
    return y_hat, float(((y_hat - y) ** 2).mean()), dict(X=X, y=y, Z=Z, A=A, y_hat=y_hat, sig=True)


def sigmoid_mlp_backward(params, cache):
    return _two_layer_backward(params, cache)
