"""Attack: ignore and block every catchable signal (TERM, INT, HUP, QUIT, ALRM, XCPU, ...),
then loop forever.  (UNSAFE without the sandbox: hangs.)
Expected: killed anyway (SIGKILL) at the timeout; score <= zeros baseline."""
import signal

import numpy as np

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGALRM, signal.SIGXCPU,
             signal.SIGUSR1, signal.SIGUSR2, signal.SIGPIPE, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
    signal.signal(_sig, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})


def _forward(params, X, y):
    while True:
        pass


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    while True:
        pass


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
