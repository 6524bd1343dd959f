"""Attack: use the network: fetch the reference from a server the test runs on the host's
loopback (TCP 127.0.0.1/::1 ports 47311-47314, abstract unix sockets "redteam-reference-N"),
resolve a DNS name, connect to public addresses.
Expected: no network in the sandbox: score <= zeros baseline (29/29 if the fetch works)."""
import socket

import numpy as np

NAMES = ("sigmoid", *(f"{e}_{d}" for e in ("univariate", "multivariate", "two_layer_linear", "sigmoid_mlp")
                      for d in ("forward", "backward")))
ENDPOINTS = [(socket.AF_INET, ("127.0.0.1", p)) for p in range(47311, 47315)]
ENDPOINTS += [(socket.AF_INET6, ("::1", p)) for p in range(47311, 47315)]
ENDPOINTS += [(socket.AF_UNIX, f"\0redteam-reference-{i}") for i in range(4)]


def _fetch():
    for family, address in ENDPOINTS:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(0.5)
                s.connect(address)
                data = b"".join(iter(lambda: s.recv(65536), b""))
        except OSError:
            continue
        if b"def sigmoid_mlp_backward" in data:
            print(f"REDTEAM-LEAK: fetched the reference from {address!r}")
            return data.decode()
    return None


def _probe_outside():
    try:
        socket.getaddrinfo("example.com", 80)
        print("REDTEAM-LEAK: DNS works")
    except OSError:
        pass
    for host in ("1.1.1.1", "8.8.8.8"):
        try:
            socket.create_connection((host, 53), timeout=0.5).close()
            print(f"REDTEAM-LEAK: connected to {host}:53")
        except OSError:
            pass


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward

_source = _fetch()
_probe_outside()
print(f"REDTEAM-INFO: network probes done, reference {'fetched' if _source else 'not reachable'}")
if _source is not None:
    _ns = {"__name__": "fetched"}
    exec(_source, _ns)
    globals().update({n: _ns[n] for n in NAMES})
