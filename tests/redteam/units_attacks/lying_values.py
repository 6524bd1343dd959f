"""Attack (units): Lie across the trust boundary: every activation returns an ndarray subclass whose
comparisons, subtraction, abs, isclose/allclose and __array_ufunc__ all report "equal", and
whose __float__/__len__/shape are inconsistent; the loss is a float subclass equal to
everything.
Expected: the child turns results into plain validated arrays before they leave it (the
grader never sees the subclass): score <= zeros baseline."""
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



class Liar(np.ndarray):
    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False  # noqa: E731

    def __sub__(self, other):
        return np.zeros(np.shape(self))

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(np.shape(self))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.shape(inputs[0])) if ufunc in (np.subtract, np.absolute) else True

    def __float__(self):
        return 0.0


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def _liar(z):
    return np.zeros(np.shape(z)).view(Liar)


for _name in ACTIVATIONS:
    globals()[_name] = globals()[_name + "_grad"] = _liar
softmax = _liar


def logistic_forward(params, X, y):
    return np.zeros((1, X.shape[1])).view(Liar), AlwaysEqual(0.0), None
