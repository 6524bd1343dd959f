# Correct: every stable formula written with np.logaddexp and log-sum-exp: sigmoid(z) =
# exp(-log(1 + exp(-z))), softmax P = exp(Z - logsumexp(Z)), the losses from log-probabilities,
# and the labels picked by fancy indexing instead of a one-hot matrix.
import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def sigmoid_grad(z):
    return np.exp(-np.logaddexp(0, -z) - np.logaddexp(0, z))  # sigma(z) sigma(-z), in log space


def tanh(z):
    return np.tanh(z)


def tanh_grad(z):
    return (1 - np.tanh(z)) * (1 + np.tanh(z))


def relu(z):
    return np.clip(z, 0, None)


def relu_grad(z):
    return np.heaviside(z, 0.0)


def leaky_relu(z):
    return np.where(z > 0, z, z / 100)


def leaky_relu_grad(z):
    return np.where(z > 0, 1.0, 1 / 100)


def elu(z):
    return np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1)


def elu_grad(z):
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))


def softplus(z):
    return np.logaddexp(0, z)


def softplus_grad(z):
    return sigmoid(z)


def swish(z):
    return z * sigmoid(z)


def swish_grad(z):
    return sigmoid(z) + z * sigmoid_grad(z)


def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    # -log sigma(z) = log(1 + exp(-z)), -log(1 - sigma(z)) = log(1 + exp(z))
    loss = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return sigmoid(z), float(loss), (X, y, z)


def logistic_backward(params, cache):
    X, y, z = cache
    dz = (sigmoid(z) - y) / X.shape[1]
    return {"w": dz @ X.T, "b": float(dz.sum())}


def _logsumexp(Z):
    top = Z.max(axis=0, keepdims=True)
    return top + np.log(np.exp(Z - top).sum(axis=0, keepdims=True))


def softmax(z):
    return np.exp(z - _logsumexp(z))


def _nll(Z, y):
    columns = np.arange(Z.shape[1])
    return float(np.mean(_logsumexp(Z)[0] - Z[y[0], columns]))


def _dZ(Z, y):
    dZ = softmax(Z)
    dZ[y[0], np.arange(Z.shape[1])] -= 1
    return dZ / Z.shape[1]


def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    return softmax(Z), _nll(Z, y), (X, y, Z)


def softmax_backward(params, cache):
    X, y, Z = cache
    dZ = _dZ(Z, y)
    return {"W": dZ @ X.T, "b": dZ.sum(axis=1, keepdims=True)}


def classifier_forward(params, X, y):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    return softmax(Z2), _nll(Z2, y), (X, y, Z1, A1, Z2)


def classifier_backward(params, cache):
    X, y, Z1, A1, Z2 = cache
    dZ2 = _dZ(Z2, y)
    dZ1 = params["W2"].T @ dZ2 * relu_grad(Z1)
    return {"W1": dZ1 @ X.T, "b1": dZ1.sum(axis=1, keepdims=True), "W2": dZ2 @ A1.T, "b2": dZ2.sum(axis=1, keepdims=True)}
