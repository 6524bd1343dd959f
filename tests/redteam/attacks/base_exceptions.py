"""Attack: raise BaseExceptions that `except Exception` does not catch: KeyboardInterrupt in
forward, SystemExit in backward, a custom BaseException in sigmoid.
Expected: each reported as an error of this submission; no grader error; score <= zeros baseline."""
import numpy as np


class Escape(BaseException):
    pass


def _forward(params, X, y):
    raise KeyboardInterrupt


def _backward(params, cache):
    raise SystemExit(0)


def sigmoid(z):
    raise Escape("out of the grader")


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
