"""Attack: exhaust memory: raise RLIMIT_AS first, then 50 GB at once (univariate forward),
a growing list of 1 MiB blocks (multivariate forward), growing numpy arrays (the two-layer
backward), one 50 GB bytearray (sigmoid).  (UNSAFE without the sandbox.)
Polite: stops at 4 GiB and prints REDTEAM-LEAK if nothing stopped it earlier.
Expected: MemoryError (or a kill by the memory limit); score <= zeros baseline."""
import resource

import numpy as np

try:
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print("REDTEAM-LEAK: raised RLIMIT_AS to unlimited")
except (ValueError, OSError):
    pass

GIB = 2**30


def _zeros_forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _zeros_backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def univariate_forward(params, X, y):
    big = np.empty(50 * GIB // 8)  # virtual only: an address-space limit refuses it
    print(f"REDTEAM-LEAK: reserved {big.nbytes / GIB:.0f} GiB")
    return _zeros_forward(params, X, y)


def multivariate_forward(params, X, y):
    hog = []
    while len(hog) < 4 * 1024:
        hog.append(bytearray(2**20))  # zero-filled: really touched
    print("REDTEAM-LEAK: allocated 4 GiB in a list without hitting a limit")
    return _zeros_forward(params, X, y)


def _growing_backward(params, cache):
    hog = [np.ones(2**17)]  # 1 MiB
    while len(hog) < 4 * 1024:
        hog.append(np.ones(2**17))
    print("REDTEAM-LEAK: allocated 4 GiB of arrays without hitting a limit")
    return _zeros_backward(params, cache)


def sigmoid(z):
    bytearray(50 * GIB)
    return np.zeros(np.shape(z))


two_layer_linear_forward = sigmoid_mlp_forward = _zeros_forward
univariate_backward = multivariate_backward = _zeros_backward
two_layer_linear_backward = sigmoid_mlp_backward = _growing_backward
