"""Attack: plant numpy.py, sitecustomize.py, usercustomize.py and a .pth file (each marked
REDTEAM-SHADOW) in the cwd, /tmp, $HOME, the user site directory and every writable sys.path
directory, to poison the next submission or the grader.  (UNSAFE without the sandbox:
writes into the virtualenv and $HOME.)
Expected: only scratch space is writable and it is wiped: the next submission is unaffected,
no planted file survives; score <= zeros baseline."""
import os
import site
import sys
import tempfile

import numpy as np

PLANTS = {
    "numpy.py": 'raise ImportError("REDTEAM-SHADOW: numpy.py planted by an earlier submission")\n',
    "sitecustomize.py": '# REDTEAM-SHADOW\nprint("REDTEAM-LEAK: planted sitecustomize ran")\n',
    "usercustomize.py": '# REDTEAM-SHADOW\nprint("REDTEAM-LEAK: planted usercustomize ran")\n',
    "redteam_shadow.pth": 'import os; os.environ["REDTEAM_SHADOW"] = "REDTEAM-SHADOW"\n',
}
SCRATCH = (os.path.realpath(os.getcwd()), os.path.realpath(tempfile.gettempdir()))


def _plant():
    dirs = {os.getcwd(), tempfile.gettempdir(), "/tmp", os.path.expanduser("~"), site.getusersitepackages(),
            *(p for p in sys.path if p)}
    planted = []
    for d in dirs:
        try:
            os.makedirs(d, exist_ok=True)
        except OSError:
            continue
        for name, text in PLANTS.items():
            path = os.path.join(d, name)
            try:
                with open(path, "x") as f:
                    f.write(text)
            except OSError:
                continue
            planted.append(path)
            if not os.path.realpath(d).startswith(SCRATCH):
                print(f"REDTEAM-LEAK: planted {path} outside the scratch space")
    print(f"REDTEAM-INFO: planted {len(planted)} files")


_plant()


def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, dict(params)


def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}


def sigmoid(z):
    return np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
