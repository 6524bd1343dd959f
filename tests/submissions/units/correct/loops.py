# Correct: explicit Python loops: over entries for the activations (math, not numpy, with a
# branch per sign so that exp never overflows), over examples (columns) for the models.
import math

import numpy as np


def _map(f, z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        out[idx] = f(float(z[idx]))
    return out


def _sig(t):
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    e = math.exp(t)
    return e / (1.0 + e)


def sigmoid(z):
    return _map(_sig, z)


def sigmoid_grad(z):
    return _map(lambda t: _sig(t) * (1.0 - _sig(t)), z)


def tanh(z):
    return _map(math.tanh, z)


def tanh_grad(z):
    return _map(lambda t: 1.0 - math.tanh(t) ** 2, z)


def relu(z):
    return _map(lambda t: t if t > 0 else 0.0, z)


def relu_grad(z):
    return _map(lambda t: 1.0 if t > 0 else 0.0, z)


def leaky_relu(z):
    return _map(lambda t: t if t > 0 else 0.01 * t, z)


def leaky_relu_grad(z):
    return _map(lambda t: 1.0 if t > 0 else 0.01, z)


def elu(z):
    return _map(lambda t: t if t > 0 else math.expm1(t), z)


def elu_grad(z):
    return _map(lambda t: 1.0 if t > 0 else math.exp(t), z)


def _softplus(t):
    return t + math.log1p(math.exp(-t)) if t > 0 else math.log1p(math.exp(t))


def softplus(z):
    return _map(_softplus, z)


def softplus_grad(z):
    return _map(_sig, z)


def swish(z):
    return _map(lambda t: t * _sig(t), z)


def swish_grad(z):
    return _map(lambda t: _sig(t) + t * _sig(t) * (1.0 - _sig(t)), z)


def logistic_forward(params, X, y):
    n, m = X.shape
    z = np.zeros((1, m))
    for i in range(m):
        z[0, i] = sum(params["w"][0, j] * X[j, i] for j in range(n)) + params["b"]
    loss = sum(_softplus(z[0, i]) - y[0, i] * z[0, i] for i in range(m)) / m
    return sigmoid(z), loss, (X, y, z)


def logistic_backward(params, cache):
    X, y, z = cache
    n, m = X.shape
    dw, db = np.zeros((1, n)), 0.0
    for i in range(m):
        dz = (_sig(z[0, i]) - y[0, i]) / m
        db += dz
        for j in range(n):
            dw[0, j] += dz * X[j, i]
    return {"w": dw, "b": db}


def softmax(z):
    out = np.zeros(z.shape)
    for i in range(z.shape[1]):  # one example (column) at a time
        e = np.exp(z[:, i] - max(z[:, i]))
        out[:, i] = e / sum(e)
    return out


def _log_p(z_column, label):
    shifted = z_column - max(z_column)
    return shifted[label] - math.log(sum(np.exp(shifted)))


def softmax_forward(params, X, y):
    m = X.shape[1]
    Z = np.zeros((params["W"].shape[0], m))
    loss = 0.0
    for i in range(m):
        Z[:, i] = params["W"] @ X[:, i] + params["b"][:, 0]
        loss -= _log_p(Z[:, i], int(y[0, i])) / m
    return softmax(Z), loss, (X, y, Z)


def _output_layer(P, y, H, i, m):
    """Example i's share of dZ, dW, db for a softmax layer on inputs H."""
    dz = P[:, i].copy()
    dz[int(y[0, i])] -= 1.0
    dz /= m
    return dz, np.outer(dz, H[:, i]), dz[:, np.newaxis]


def softmax_backward(params, cache):
    X, y, Z = cache
    P, m = softmax(Z), X.shape[1]
    grads = {"W": np.zeros(params["W"].shape), "b": np.zeros(params["b"].shape)}
    for i in range(m):
        _, dW, db = _output_layer(P, y, X, i, m)
        grads["W"] += dW
        grads["b"] += db
    return grads


def classifier_forward(params, X, y):
    h, m = params["W1"].shape[0], X.shape[1]
    Z1, A1, Z2 = np.zeros((h, m)), np.zeros((h, m)), np.zeros((params["W2"].shape[0], m))
    loss = 0.0
    for i in range(m):
        Z1[:, i] = params["W1"] @ X[:, i] + params["b1"][:, 0]
        A1[:, i] = np.maximum(Z1[:, i], 0.0)
        Z2[:, i] = params["W2"] @ A1[:, i] + params["b2"][:, 0]
        loss -= _log_p(Z2[:, i], int(y[0, i])) / m
    return softmax(Z2), loss, (X, y, Z1, A1, Z2)


def classifier_backward(params, cache):
    X, y, Z1, A1, Z2 = cache
    P, m = softmax(Z2), X.shape[1]
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    for i in range(m):
        dz2, dW2, db2 = _output_layer(P, y, A1, i, m)
        dz1 = (params["W2"].T @ dz2) * (Z1[:, i] > 0)
        grads["W2"] += dW2
        grads["b2"] += db2
        grads["W1"] += np.outer(dz1, X[:, i])
        grads["b1"] += dz1[:, np.newaxis]
    return grads
