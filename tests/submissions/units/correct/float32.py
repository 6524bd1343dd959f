# Correct: everything is computed in float32 (inputs cast on the way in), with stable
# formulas: the tolerance admits float32 arithmetic, and float32's exp overflows at 88.
import numpy as np

f32 = np.float32


def sigmoid(z):
    z = np.asarray(z, dtype=f32)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, f32(1) / (f32(1) + e), e / (f32(1) + e))


def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (f32(1) - s)


def tanh(z):
    return np.tanh(np.asarray(z, dtype=f32))


def tanh_grad(z):
    return f32(1) - tanh(z) ** 2


def relu(z):
    return np.maximum(np.asarray(z, dtype=f32), f32(0))


def relu_grad(z):
    return (np.asarray(z, dtype=f32) > 0).astype(f32)


def leaky_relu(z):
    z = np.asarray(z, dtype=f32)
    return np.where(z > 0, z, f32(0.01) * z)


def leaky_relu_grad(z):
    return np.where(np.asarray(z, dtype=f32) > 0, f32(1), f32(0.01))


def elu(z):
    z = np.asarray(z, dtype=f32)
    return np.where(z > 0, z, np.expm1(np.minimum(z, f32(0))))


def elu_grad(z):
    z = np.asarray(z, dtype=f32)
    return np.where(z > 0, f32(1), np.exp(np.minimum(z, f32(0))))


def softplus(z):
    return np.logaddexp(f32(0), np.asarray(z, dtype=f32))


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return np.asarray(z, dtype=f32) * sigmoid(z)


def swish_grad(z):
    s = sigmoid(z)
    return s + np.asarray(z, dtype=f32) * s * (f32(1) - s)


def _p(params):
    return {k: np.asarray(v, dtype=f32) for k, v in params.items()}


def logistic_forward(params, X, y):
    p, X32, y32 = _p(params), X.astype(f32), y.astype(f32)
    z = p["w"] @ X32 + p["b"]
    # y softplus(-z) + (1 - y) softplus(z): in float32, softplus(z) - y z would cancel when the
    # loss is much smaller than |z| (the grader's float32 allowance follows torch's formula).
    return sigmoid(z), np.mean(y32 * softplus(-z) + (f32(1) - y32) * softplus(z)), (X32, y32, sigmoid(z))


def logistic_backward(params, cache):
    X, y, y_hat = cache
    dz = (y_hat - y) / f32(X.shape[1])
    return {"w": dz @ X.T, "b": np.sum(dz)}


def softmax(z):
    z = np.asarray(z, dtype=f32)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _loss(Z, y):
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -np.mean(log_P[y[0], np.arange(Z.shape[1])])


def _one_hot(y, K):
    Y = np.zeros((K, y.shape[1]), dtype=f32)
    Y[y[0], np.arange(y.shape[1])] = 1
    return Y


def softmax_forward(params, X, y):
    p, X32 = _p(params), X.astype(f32)
    Z = p["W"] @ X32 + p["b"]
    P = softmax(Z)
    return P, _loss(Z, y), (X32, _one_hot(y, Z.shape[0]), P)


def softmax_backward(params, cache):
    X, Y, P = cache
    dZ = (P - Y) / f32(X.shape[1])
    return {"W": dZ @ X.T, "b": dZ.sum(axis=1, keepdims=True)}


def classifier_forward(params, X, y):
    p, X32 = _p(params), X.astype(f32)
    Z1 = p["W1"] @ X32 + p["b1"]
    A1 = relu(Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    P = softmax(Z2)
    return P, _loss(Z2, y), (X32, _one_hot(y, Z2.shape[0]), Z1, A1, P, p["W2"])


def classifier_backward(params, cache):
    X, Y, Z1, A1, P, W2 = cache
    dZ2 = (P - Y) / f32(X.shape[1])
    dZ1 = (W2.T @ dZ2) * relu_grad(Z1)
    return {"W1": dZ1 @ X.T, "b1": dZ1.sum(axis=1, keepdims=True), "W2": dZ2 @ A1.T,
            "b2": dZ2.sum(axis=1, keepdims=True)}
