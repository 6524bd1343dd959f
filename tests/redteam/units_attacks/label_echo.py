"""Attack (units): Answer from the labels: every forward receives y (to compute its loss), so return
predictions that ARE the labels (y_hat = y; P = one-hot of y) with a loss of 0: a grader that
judged accuracy or outputs with the student's forward on the labelled data would see a
perfect classifier. Backward passes push the parameters nowhere (zeros).
Expected: outputs are compared with the oracles' and the held-out accuracy is judged with the
declared torch forward on the trained parameters: score <= zeros baseline."""
import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "swish")


def _zeros_like(z):
    return np.zeros(np.shape(z))


sigmoid = sigmoid_grad = tanh = tanh_grad = relu = relu_grad = _zeros_like
leaky_relu = leaky_relu_grad = elu = elu_grad = softplus = softplus_grad = swish = swish_grad = _zeros_like
softmax = _zeros_like


def _grads(params, cache):
    return {k: (0.0 if np.ndim(v) == 0 else np.zeros(np.shape(v))) for k, v in params.items()}


def logistic_forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, None


def softmax_forward(params, X, y):
    return np.zeros((params["W"].shape[0], X.shape[1])), 0.0, None


def classifier_forward(params, X, y):
    return np.zeros((params["W2"].shape[0], X.shape[1])), 0.0, None


logistic_backward = softmax_backward = classifier_backward = _grads


def _one_hot(y, K):
    labels = np.asarray(y).astype(int).reshape(-1)
    P = np.zeros((K, labels.size))
    P[np.clip(labels, 0, K - 1), np.arange(labels.size)] = 1.0
    return P


def logistic_forward(params, X, y):
    return np.array(y, dtype=float).reshape(1, -1), 0.0, None


def softmax_forward(params, X, y):
    return _one_hot(y, params["W"].shape[0]), 0.0, None


def classifier_forward(params, X, y):
    return _one_hot(y, params["W2"].shape[0]), 0.0, None
