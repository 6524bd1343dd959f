# Correct: examples as ROWS inside (X.T, one example per row), transposed back at the
# boundary; the classifier's softmax layer goes through each example's full K x K Jacobian
# diag(p) - p p^T applied to dL/dP, as written before simplifying.
import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    return np.tanh(z)


def tanh_grad(z):
    return 1 - np.tanh(z) ** 2


def relu(z):
    return np.maximum(0, z)


def relu_grad(z):
    return (z > 0).astype(float)


def leaky_relu(z):
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu_grad(z):
    return np.where(z > 0, 1.0, 0.01)


def elu(z):
    return np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1)


def elu_grad(z):
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))


def softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return z * sigmoid(z)


def swish_grad(z):
    s = sigmoid(z)
    return s + z * s * (1 - s)


def logistic_forward(params, X, y):
    Xr, yr = X.T, y.T  # (m, n), (m, 1)
    zr = Xr @ params["w"].T + params["b"]
    loss = float(np.mean(softplus(zr) - yr * zr))
    return sigmoid(zr).T, loss, (Xr, yr, zr)


def logistic_backward(params, cache):
    Xr, yr, zr = cache
    dzr = (sigmoid(zr) - yr) / Xr.shape[0]
    return {"w": (Xr.T @ dzr).T, "b": float(dzr.sum())}


def softmax(z):
    zr = z.T
    e = np.exp(zr - zr.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).T


def _rows_loss(Zr, labels):
    shifted = Zr - Zr.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_P[np.arange(Zr.shape[0]), labels].mean())


def softmax_forward(params, X, y):
    Xr, labels = X.T, y[0]
    Zr = Xr @ params["W"].T + params["b"].T
    P = softmax(Zr.T)
    return P, _rows_loss(Zr, labels), (Xr, labels, P.T)


def softmax_backward(params, cache):
    Xr, labels, Pr = cache
    dZr = Pr.copy()
    dZr[np.arange(Xr.shape[0]), labels] -= 1
    dZr /= Xr.shape[0]
    return {"W": dZr.T @ Xr, "b": dZr.sum(axis=0)[:, None]}


def classifier_forward(params, X, y):
    Xr = X.T
    Z1r = Xr @ params["W1"].T + params["b1"].T
    A1r = relu(Z1r)
    Z2r = A1r @ params["W2"].T + params["b2"].T
    P = softmax(Z2r.T)
    return P, _rows_loss(Z2r, y[0]), (Xr, y[0], Z1r, A1r, P.T)


def classifier_backward(params, cache):
    Xr, labels, Z1r, A1r, Pr = cache
    m, K = Pr.shape
    dZ2r = np.zeros((m, K))
    for i in range(m):
        p = Pr[i]
        dP = np.zeros(K)
        dP[labels[i]] = -1 / (m * p[labels[i]])  # d/dP of -log P[label] / m
        jacobian = np.diag(p) - np.outer(p, p)  # dP_k / dZ_j, symmetric
        dZ2r[i] = jacobian @ dP
    dZ1r = (dZ2r @ params["W2"]) * relu_grad(Z1r)
    return {"W1": dZ1r.T @ Xr, "b1": dZ1r.sum(axis=0)[:, None], "W2": dZ2r.T @ A1r, "b2": dZ2r.sum(axis=0)[:, None]}
