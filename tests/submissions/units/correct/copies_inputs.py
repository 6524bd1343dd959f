# Correct: defensive copies of every input (params, X, y) before use, labels cast with
# astype, and in-place updates only on those copies.
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
    params, X, y = {k: np.copy(v) for k, v in params.items()}, X.copy(), y.astype(float)
    z = params["w"] @ X
    z += params["b"]
    y_hat = sigmoid(z)
    loss = float(np.mean(softplus(z) - y * z))
    return y_hat, loss, (X, y, y_hat)


def logistic_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dz = (y_hat - y) / m
    return {"w": dz @ X.T, "b": float(np.sum(dz))}


def softmax(z):
    e = z.copy()
    e -= np.max(e, axis=0, keepdims=True)
    np.exp(e, out=e)
    e /= np.sum(e, axis=0, keepdims=True)
    return e


def one_hot(y, K):
    labels = y.astype(np.int64).ravel()
    Y = np.zeros((K, labels.size))
    Y[labels, np.arange(labels.size)] = 1
    return Y


def cross_entropy(Z, Y):
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return float(-np.sum(Y * log_P) / Z.shape[1])


def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z)
    Y = one_hot(y, Z.shape[0])
    return P, cross_entropy(Z, Y), (X, Y, P)


def softmax_backward(params, cache):
    X, Y, P = cache
    m = X.shape[1]
    dZ = (P - Y) / m
    return {"W": dZ @ X.T, "b": np.sum(dZ, axis=1, keepdims=True)}


def classifier_forward(params, X, y):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    P = softmax(Z2)
    Y = one_hot(y, Z2.shape[0])
    return P, cross_entropy(Z2, Y), (X, Y, Z1, A1, P)


def classifier_backward(params, cache):
    X, Y, Z1, A1, P = cache
    m = X.shape[1]
    dZ2 = P.copy()
    dZ2 -= Y
    dZ2 /= m
    dA1 = params["W2"].T @ dZ2
    dZ1 = dA1 * relu_grad(Z1)
    return {
        "W1": dZ1 @ X.T,
        "b1": np.sum(dZ1, axis=1, keepdims=True),
        "W2": dZ2 @ A1.T,
        "b2": np.sum(dZ2, axis=1, keepdims=True),
    }
