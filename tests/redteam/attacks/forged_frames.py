"""Attack: forge the answers the grader reads: replace the sandbox worker's write_frame so
every reply carries wrongly typed fields (truthy strings for booleans, dicts for messages,
"grader" error kinds, mismatched blobs, a 20 MB text).  Only meaningful in the sandbox.
Expected: the grader validates every field: a clear failure for this submission, never a
grader error or a crash of the grader; score <= zeros baseline."""
import sys

import numpy as np


def _forge(header, blobs):
    if header.get("ok") and set(header) <= {"ok", "sizes"}:
        return header, blobs  # the acknowledgement of a loaded submission: let grading start
    if "value" in header:
        return {"ok": True, "value": "yes"}, []
    if "modules" in header:
        return {"ok": True, "modules": [None, {"torch": 1}]}, []
    if "text" in header:
        return {"ok": True, "text": "\x1b[2J" + "T" * 20_000_000}, []
    if "y_hat" in header.get("keys", []):
        return ({"ok": True, "keys": ["y_hat", "loss", "y_hat"], "bad": {"y_hat": ["x"]}, "extra_keys": 5,
                 "mutated": [{"x": 1}], "cache_id": "zz"}, [b"AGW1\x00\x02garbage", b"not an array"])
    if "sigmoid" in header.get("keys", []):
        return {"ok": True, "keys": "sigmoid", "bad": None, "cache_id": -1}, [b"\x00" * 64]
    return {"ok": False, "kind": "grader", "message": {"GraderError": "the sandbox failed (not your fault)"}}, []


def _install():
    for module in list(sys.modules.values()):
        original = getattr(module, "write_frame", None)
        if callable(original) and hasattr(module, "serve_child"):
            module.write_frame = lambda fd, header, blobs=(), _w=original: _w(fd, *_forge(dict(header), list(blobs)))


_install()


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
