"""Buggy submissions: the correct tests/submissions/base.py plus ONE classic mistake each.

A mistake is a small patch: the functions it defines replace the base's functions of the
same name (other top-level statements, e.g. imports, go on top of the file). Each entry
says exactly which checks must lose points and which phrase must name the mistake.
Shared by test_mistakes.py (instructor oracles) and test_messages_student_side.py.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from pathlib import Path

BASE = (Path(__file__).parent / "submissions" / "base.py").read_text()

FWD = ("forward: y_hat", "forward: loss")
TWO_LAYER_GRADS = ("gradient: W1", "gradient: b1", "gradient: w2", "gradient: b2")
DESCENT = "gradient descent path"
# A backward that never returns earns nothing, this check included (no credit for work that did not run).
NO_MUTATION = "inputs not modified"
# Error carried forward (the course's policy, autograder/kinds/carry_forward.py): a gradient right
# for the student's own (wrong) forward passes with this note.
CARRIED_OWN = "error carried forward"
ALL_LIN = (*TWO_LAYER_GRADS, DESCENT)


def patched(patch: str, base: str = BASE) -> str:
    """`base` with every function defined in `patch` replaced by the patch's version."""
    new = ast.parse(patch)
    lines = base.splitlines()
    defs = {node.name: node for node in ast.parse(base).body if isinstance(node, ast.FunctionDef)}
    patch_lines = patch.splitlines()
    header: list[str] = []
    # Replace from the bottom up so earlier line numbers stay valid.
    replacements = []
    for node in new.body:
        text = patch_lines[node.lineno - 1: node.end_lineno]
        if isinstance(node, ast.FunctionDef) and node.name in defs:
            old = defs[node.name]
            replacements.append((old.lineno - 1, old.end_lineno, text))
        elif isinstance(node, ast.FunctionDef):
            replacements.append((len(lines), len(lines), ["", "", *text]))
        else:
            header += text
    for start, end, text in sorted(replacements, reverse=True):
        lines[start:end] = text
    return "\n".join([*header, *lines]) + "\n"


def replaced(old: str, new: str, base: str = BASE) -> str:
    """For patches that cannot be parsed on their own (a syntax error)."""
    assert base.count(old) == 1, old
    return base.replace(old, new)


@dataclass(frozen=True)
class Mistake:
    id: str
    source: str
    exercise: str
    # Exactly the checks of `exercise` that lose points; every other check of every exercise passes.
    fails: tuple[str, ...]
    # check -> phrases its message must contain (case-sensitive substrings)
    phrases: dict[str, tuple[str, ...]]
    # Phrases that must NOT appear in the named check's message (e.g. a traceback wall).
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # Checks the mistake affects that error carried forward credits (one root mistake costs once).
    carried: tuple[str, ...] = ()

    @property
    def failing(self) -> set[str]:
        """What loses points (carried-forward checks pass, with a note)."""
        return {f"{self.exercise}: {c}" for c in self.fails if c not in self.carried}

    @property
    def failing_without_carry_forward(self) -> set[str]:
        return {f"{self.exercise}: {c}" for c in self.fails}


def _two_layer_backward(exercise: str, dy: str = "2 * (y_hat - y) / m", dZ: str = "params[\"w2\"].T @ dy",
                        W1: str = "dZ @ X.T", b1: str = "np.sum(dZ, axis=1, keepdims=True)",
                        w2: str = "dy @ H.T", b2: str = "float(np.sum(dy))") -> str:
    """A two-layer backward with some expressions replaced (H is Z or A)."""
    if exercise == "two_layer_linear":
        unpack, H = "X, y, Z, y_hat = cache", "H = Z"
    else:
        unpack, H = "X, y, Z, A, y_hat = cache", "H = A"
    return f'''
def {exercise}_backward(params, cache):
    {unpack}
    {H}
    m = X.shape[1]
    dy = {dy}
    dZ = {dZ}
    return {{"W1": {W1}, "b1": {b1}, "w2": {w2}, "b2": {b2}}}
'''


def lin(**kw: str) -> str:
    return patched(_two_layer_backward("two_layer_linear", **kw))


def mlp(**kw: str) -> str:
    kw.setdefault("dZ", "(params[\"w2\"].T @ dy) * A * (1 - A)")
    return patched(_two_layer_backward("sigmoid_mlp", **kw))


MISTAKES: list[Mistake] = [
    # --- constant factors in dL/dy_hat ---------------------------------------------------
    Mistake("missing_factor_2", lin(dy="(y_hat - y) / m"), "two_layer_linear", ALL_LIN,
            {"gradient: W1": ("half the right value", "your forward is right, so the mistake is in the backward pass")}),
    Mistake("factor_2_twice", lin(dy="4 * (y_hat - y) / m"), "two_layer_linear", ALL_LIN,
            {"gradient: W1": ("twice the right value", "the same mistake explains")}),
    Mistake("missing_1_over_m", lin(dy="2 * (y_hat - y)"), "two_layer_linear", ALL_LIN,
            {"gradient: W1": ("m = 7 times too large",)}),
    Mistake("1_over_m_twice", lin(dy="2 * (y_hat - y) / m / m"), "two_layer_linear", ALL_LIN,
            {"gradient: W1": ("1/m = 1/7 of the right value",)}),
    Mistake("wrong_sign", lin(dy="2 * (y - y_hat) / m"), "two_layer_linear", ALL_LIN,
            {"gradient: W1": ("wrong sign",)}),
    # --- transposes and shapes -------------------------------------------------------------
    Mistake("dW1_transposed", lin(W1="X @ dZ.T"), "two_layer_linear", ("gradient: W1", DESCENT),
            {"gradient: W1": ("transposed", "its transpose is right")}),
    Mistake("dw2_transposed", mlp(w2="H @ dy.T"), "sigmoid_mlp", ("gradient: w2", DESCENT),
            {"gradient: w2": ("transposed",)}),
    Mistake("db1_no_keepdims", lin(b1="np.sum(dZ, axis=1)"), "two_layer_linear", ("gradient: b1", DESCENT),
            {"gradient: b1": ("keepdims=True", "(3,) instead of (3, 1)")}),
    Mistake("db1_not_summed", mlp(b1="dZ"), "sigmoid_mlp", ("gradient: b1", DESCENT),
            {"gradient: b1": ("not summed over the batch",)}),
    Mistake("db1_wrong_axis", lin(b1="np.sum(dZ, axis=0, keepdims=True)"), "two_layer_linear",
            ("gradient: b1", DESCENT), {"gradient: b1": ("wrong axis",)}),
    Mistake("db2_not_summed", lin(b2="dy"), "two_layer_linear", ("gradient: b2", DESCENT),
            {"gradient: b2": ("not summed over the batch",)}),
    # --- the sigmoid layer ---------------------------------------------------------------
    Mistake("sigmoid_derivative_missing", mlp(dZ="params[\"w2\"].T @ dy"), "sigmoid_mlp",
            ("gradient: W1", "gradient: b1", DESCENT), {"gradient: W1": ("sigmoid derivative is missing",)}),
    Mistake("sigmoid_derivative_of_Z", mlp(dZ="(params[\"w2\"].T @ dy) * Z * (1 - Z)"), "sigmoid_mlp",
            ("gradient: W1", "gradient: b1", DESCENT), {"gradient: W1": ("wrong tensor", "not Z * (1 - Z)")}),
    Mistake("sigmoid_applied_twice", mlp(dZ="(params[\"w2\"].T @ dy) * sigmoid(A) * (1 - sigmoid(A))"),
            "sigmoid_mlp", ("gradient: W1", "gradient: b1", DESCENT), {"gradient: W1": ("applies the sigmoid twice",)}),
    Mistake("dw2_uses_Z", mlp(w2="dy @ Z.T"), "sigmoid_mlp", ("gradient: w2", DESCENT),
            {"gradient: w2": ("pre-activation Z",)}),
]

MISTAKES += [
    # --- forgotten biases in the forward pass (the backward is consistent with it) -------
    Mistake("forgot_b", patched('''
def univariate_forward(params, X, y):
    y_hat = params["w"] * X
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, y_hat)
'''), "univariate", (*FWD, "gradient: w", "gradient: b", DESCENT),
        {"forward: y_hat": ("the bias b is missing from y_hat",),
         "gradient: w": (CARRIED_OWN,)}),
    Mistake("forgot_b1", patched('''
def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X
    y_hat = params["w2"] @ Z + params["b2"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, y_hat)
'''), "two_layer_linear", (*FWD, *TWO_LAYER_GRADS, DESCENT),
        {"forward: y_hat": ("the bias b1 is missing",),
         "forward: loss": ("right MSE of your y_hat",),
         "gradient: W1": (CARRIED_OWN,),
         "gradient: w2": (CARRIED_OWN,),
         "gradient: b1": ("your forward does not depend on b1",)}),
    Mistake("forgot_b2", patched('''
def sigmoid_mlp_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    A = sigmoid(Z)
    y_hat = params["w2"] @ A
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, A, y_hat)
'''), "sigmoid_mlp", (*FWD, *TWO_LAYER_GRADS, DESCENT),
        {"forward: y_hat": ("the bias b2 is missing",),
         "gradient: W1": (CARRIED_OWN,),
         "gradient: b2": ("your forward does not depend on b2",)}),
    # --- the loss ------------------------------------------------------------------------
    Mistake("loss_sum_not_mean", patched('''
def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    loss = float(np.sum((y_hat - y) ** 2))
    return y_hat, loss, (X, y, y_hat)
'''), "multivariate", ("forward: loss", DESCENT),
        {"forward: loss": ("m times the MSE", "sum of squares instead of their mean"),
         DESCENT: ("not charged again",)}),
    Mistake("loss_extra_half", patched('''
def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    loss = float(np.mean((y_hat - y) ** 2)) / 2
    return y_hat, loss, (X, y, Z, y_hat)
'''), "two_layer_linear", ("forward: loss", DESCENT), {"forward: loss": ("half the MSE",)}),
    Mistake("half_convention_throughout", patched('''
def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    loss = float(np.mean((y_hat - y) ** 2)) / 2
    return y_hat, loss, (X, y, Z, y_hat)


def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    m = X.shape[1]
    dy = (y_hat - y) / m
    dZ = params["w2"].T @ dy
    return {"W1": dZ @ X.T, "b1": np.sum(dZ, axis=1, keepdims=True), "w2": dy @ Z.T, "b2": float(np.sum(dy))}
'''), "two_layer_linear", ("forward: loss", *TWO_LAYER_GRADS, DESCENT),
        {"forward: loss": ("half the MSE",), "gradient: W1": (CARRIED_OWN, "right for your own forward")}),
    Mistake("loss_rmse", patched('''
def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    loss = float(np.sqrt(np.mean((y_hat - y) ** 2)))
    return y_hat, loss, (X, y, y_hat)
'''), "univariate", ("forward: loss", DESCENT), {"forward: loss": ("square root (RMSE)",)}),
    Mistake("loss_mae", patched('''
def sigmoid_mlp_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    A = sigmoid(Z)
    y_hat = params["w2"] @ A + params["b2"]
    loss = float(np.mean(np.abs(y_hat - y)))
    return y_hat, loss, (X, y, Z, A, y_hat)
'''), "sigmoid_mlp", ("forward: loss", DESCENT), {"forward: loss": ("absolute error",)}),
    # --- precision and non-finite values -------------------------------------------------
    Mistake("float16", patched('''
def sigmoid_mlp_backward(params, cache):
    X, y, Z, A, y_hat = (np.asarray(a, dtype=np.float16) for a in cache)
    w2 = params["w2"].astype(np.float16)
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dZ = (w2.T @ dy) * A * (1 - A)
    return {"W1": dZ @ X.T, "b1": np.sum(dZ, axis=1, keepdims=True), "w2": dy @ A.T, "b2": np.sum(dy)}
'''), "sigmoid_mlp", TWO_LAYER_GRADS, {"gradient: W1": ("float16",)}),
    Mistake("float16_forward", patched('''
def univariate_forward(params, X, y):
    X16, y16 = X.astype(np.float16), y.astype(np.float16)
    y_hat = np.float16(params["w"]) * X16 + np.float16(params["b"])
    loss = float(np.mean((y_hat - y16) ** 2))
    return y_hat, loss, (X16, y16, y_hat)
'''), "univariate", (*FWD, "gradient: w", "gradient: b", DESCENT),
        {"forward: y_hat": ("float16",), "forward: loss": ("significant digits",),
         "gradient: b": ("too noisy to compare",)},
        absent={"gradient: b": ("does not depend",), "gradient: w": ("does not depend",)}),
    Mistake("nan", patched('''
def multivariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dw = np.full_like(params["w"], np.nan)  # TODO: fill in
    return {"w": dw, "b": float(np.sum(dy))}
'''), "multivariate", ("gradient: w", DESCENT), {"gradient: w": ("NaN",)}),
    # --- inputs modified in place ------------------------------------------------------
    Mistake("y_mutated_in_forward", patched('''
def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    y -= y_hat  # y now holds y - y_hat: saves one array
    loss = float(np.mean(y ** 2))
    return y_hat, loss, (X, -y)

def univariate_backward(params, cache):
    X, residual = cache
    dy = 2 * residual / X.shape[1]
    return {"w": float(np.sum(dy * X)), "b": float(np.sum(dy))}
'''), "univariate", ("inputs not modified",), {"inputs not modified": ("modifies its input y", "in place")}),
    Mistake("X_mutated_in_forward", patched('''
def two_layer_linear_forward(params, X, y):
    X -= X.mean(axis=1, keepdims=True)  # centre the features, in place
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b2"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, y_hat)
'''), "two_layer_linear", (*FWD, *TWO_LAYER_GRADS, "inputs not modified", DESCENT),
        {"inputs not modified": ("`two_layer_linear_forward` modifies its input X in place",),
         "forward: y_hat": ("your forward modifies its input X in place", "computed from changed data")}),
    Mistake("params_mutated_in_backward", patched('''
def sigmoid_mlp_backward(params, cache):
    X, y, Z, A, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dZ = (params["w2"].T @ dy) * A * (1 - A)
    grads = {"W1": dZ @ X.T, "b1": np.sum(dZ, axis=1, keepdims=True), "w2": dy @ A.T, "b2": float(np.sum(dy))}
    params["W1"] -= 0.1 * grads["W1"]  # a gradient step, in the wrong place
    return grads
'''), "sigmoid_mlp", ("inputs not modified",),
        {"inputs not modified": ("`sigmoid_mlp_backward` modifies its input params['W1']",)}),
    # --- the contract ------------------------------------------------------------------------
    Mistake("wrong_keys", patched('''
def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dZ = params["w2"].T @ dy
    return {"dW1": dZ @ X.T, "db1": np.sum(dZ, axis=1, keepdims=True), "dw2": dy @ Z.T, "db2": float(np.sum(dy))}
'''), "two_layer_linear", (*TWO_LAYER_GRADS, DESCENT),
        {"gradient: W1": ("'dW1'", "use the parameter names")}),
    Mistake("forward_returns_pair", patched('''
def multivariate_forward(params, X, y):
    y_hat = params["w"] @ X + params["b"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss
'''), "multivariate", (*FWD, "gradient: w", "gradient: b", "inputs not modified", DESCENT),
        {"forward: y_hat": ("must return (y_hat, loss, cache)", "a tuple of 2 values")}),
    Mistake("exception_in_backward", patched('''
def two_layer_linear_backward(params, cache):
    X, y, Z, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    dZ = params["w2"] @ dy
    return {"W1": dZ @ X.T, "b1": np.sum(dZ, axis=1, keepdims=True), "w2": dy @ Z.T, "b2": float(np.sum(dy))}
'''), "two_layer_linear", (*TWO_LAYER_GRADS, NO_MUTATION, DESCENT),
        {"gradient: W1": ("raised an error", "in two_layer_linear_backward: dZ = params[\"w2\"] @ dy", "ValueError")},
        absent={"gradient: W1": ("Traceback", "autograder", "File \"")}),
    Mistake("m1_squeeze_raises", patched('''
def multivariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = np.squeeze(2 * (y_hat - y) / m)  # a 1-D vector of m residuals
    return {"w": (X @ dy).reshape(1, -1), "b": float(np.sum(dy))}
'''), "multivariate", ("gradient: w", "gradient: b"),
        {"gradient: w": ("m=1", "(X @ dy)")}),
    Mistake("m1_squeeze_y_hat", patched('''
def univariate_forward(params, X, y):
    x = np.squeeze(X)  # the m inputs as a 1-D vector
    y_hat = (params["w"] * x + params["b"])[np.newaxis]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, y_hat)
'''), "univariate", ("forward: y_hat",),
        {"forward: y_hat": ("m=1", "np.squeeze")}),
]

MISTAKES += [
    # --- more chain-rule and bookkeeping mistakes (named by ratios, shapes or mutants) ----
    Mistake("m_is_n", lin(dy="2 * (y_hat - y) / X.shape[0]"), "two_layer_linear", ALL_LIN,
            {"gradient: W1": ("m/n = 7/4", "X.shape[1]")}),
    Mistake("dw2_uses_X", lin(w2="dy @ X.T"), "two_layer_linear", ("gradient: w2", DESCENT),
            {"gradient: w2": ("n = 4 (the features of X) where k = 3 (the hidden units) belongs",)}),
    Mistake("db1_mean", lin(b1="np.mean(dZ, axis=1, keepdims=True)"), "two_layer_linear", ("gradient: b1", DESCENT),
            {"gradient: b1": ("1/m = 1/7 of the right value",)}),
    Mistake("no_w2_in_chain", mlp(dZ="dy * A * (1 - A)"), "sigmoid_mlp", ("gradient: W1", "gradient: b1", DESCENT),
            {"gradient: W1": ("skips the output weights",)}),
    Mistake("uni_dw_without_x", patched('''
def univariate_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dy = 2 * (y_hat - y) / m
    return {"w": float(np.sum(dy)), "b": float(np.sum(dy))}
'''), "univariate", ("gradient: w", DESCENT), {"gradient: w": ("missing the factor x",)}),
    Mistake("sigmoid_derivative_one_minus_A_only", mlp(dZ="(params[\"w2\"].T @ dy) * (1 - A)"), "sigmoid_mlp",
            ("gradient: W1", "gradient: b1", DESCENT), {"gradient: W1": ("not (1 - A) alone",)}),
    Mistake("no_sigmoid_in_forward", patched('''
def sigmoid_mlp_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    A = Z
    y_hat = params["w2"] @ A + params["b2"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, A, y_hat)
'''), "sigmoid_mlp", (*FWD, *TWO_LAYER_GRADS, DESCENT),
        {"forward: y_hat": ("the sigmoid is missing",), "gradient: w2": (CARRIED_OWN,)}),
    Mistake("sigmoid_sign_flipped", patched('''
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(z))
'''), "sigmoid_mlp", (*FWD, *TWO_LAYER_GRADS, DESCENT, "sigmoid"),
        {"sigmoid": ("1 - sigmoid(z)",), "forward: y_hat": ("your `sigmoid` is wrong",)}),
    Mistake("sigmoid_derivative_sign", mlp(dZ="(params[\"w2\"].T @ dy) * A * (A - 1)"), "sigmoid_mlp",
            ("gradient: W1", "gradient: b1", DESCENT), {"gradient: W1": ("wrong sign", "sign flip along the chain")}),
    Mistake("b1_added_to_output", patched('''
def two_layer_linear_forward(params, X, y):
    Z = params["W1"] @ X + params["b1"]
    y_hat = params["w2"] @ Z + params["b1"]
    loss = float(np.mean((y_hat - y) ** 2))
    return y_hat, loss, (X, y, Z, y_hat)
'''), "two_layer_linear", (*FWD, *TWO_LAYER_GRADS, NO_MUTATION, DESCENT),
        {"forward: y_hat": ("k = 3 rows", "such as b1"), "forward: loss": ("right MSE of your y_hat",),
         "gradient: W1": ("raised an error", "your y_hat is wrong too")}),
]

# Mistakes that affect every exercise (the whole file).
WHOLE_FILE = [
    ("torch_autograd", patched('''
import torch

def sigmoid_mlp_backward(params, cache):
    X, y, Z, A, y_hat = cache
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    Xt, yt = torch.tensor(X), torch.tensor(y)
    loss = torch.mean((t["w2"] @ torch.sigmoid(t["W1"] @ Xt + t["b1"]) + t["b2"] - yt) ** 2)
    loss.backward()
    return {k: v.grad.numpy() for k, v in t.items()}
''')),
    ("syntax_error", replaced("    dy = 2 * (y_hat - y) / m\n    dA = params[\"w2\"].T @ dy\n",
                              "    dy = 2 * (y_hat - y) / m\n    dA = params[\"w2\"].T @ dy)\n")),
]


# What error carried forward credits, per mistake (each is among the checks the mistake affects).
CARRIED = {
    'missing_factor_2': ('gradient descent path', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    'factor_2_twice': ('gradient descent path', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    'missing_1_over_m': ('gradient descent path', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    '1_over_m_twice': ('gradient descent path', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    'wrong_sign': ('gradient descent path', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    'dW1_transposed': ('gradient descent path',),
    'dw2_transposed': ('gradient descent path',),
    'db1_no_keepdims': ('gradient descent path',),
    'db1_not_summed': ('gradient descent path',),
    'db1_wrong_axis': ('gradient descent path',),
    'db2_not_summed': ('gradient descent path',),
    'sigmoid_derivative_missing': ('gradient descent path', 'gradient: b1'),
    'sigmoid_derivative_of_Z': ('gradient descent path', 'gradient: b1'),
    'sigmoid_applied_twice': ('gradient descent path', 'gradient: b1'),
    'dw2_uses_Z': ('gradient descent path',),
    'forgot_b': ('gradient descent path', 'gradient: w'),
    'forgot_b1': ('gradient descent path', 'gradient: W1', 'gradient: b2', 'gradient: w2'),
    'forgot_b2': ('gradient descent path', 'gradient: W1', 'gradient: b1', 'gradient: w2'),
    'loss_sum_not_mean': ('gradient descent path',),
    'loss_extra_half': ('gradient descent path',),
    # the 1/(2m) convention differentiated consistently: the loss is charged once, each gradient
    # is right for the student's own loss
    'half_convention_throughout': ('gradient descent path', 'gradient: W1', 'gradient: b1', 'gradient: b2',
                                   'gradient: w2'),
    'loss_rmse': ('gradient descent path',),
    'loss_mae': ('gradient descent path',),
    'float16_forward': ('gradient descent path',),
    'nan': ('gradient descent path',),
    'X_mutated_in_forward': ('gradient descent path', 'gradient: W1', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    'wrong_keys': ('gradient descent path',),
    'm_is_n': ('gradient descent path', 'gradient: b1', 'gradient: b2', 'gradient: w2'),
    'dw2_uses_X': ('gradient descent path',),
    'db1_mean': ('gradient descent path',),
    'no_w2_in_chain': ('gradient descent path',),  # named by the reference only: charged on each gradient
    'uni_dw_without_x': ('gradient descent path',),
    'sigmoid_derivative_one_minus_A_only': ('gradient descent path', 'gradient: b1'),
    'no_sigmoid_in_forward': ('gradient descent path', 'gradient: b2', 'gradient: w2'),
    'sigmoid_sign_flipped': ('gradient descent path', 'gradient: b2', 'gradient: w2'),
    'sigmoid_derivative_sign': ('gradient descent path', 'gradient: b1'),
}
MISTAKES = [replace(m, carried=CARRIED.get(m.id, ())) for m in MISTAKES]

MISTAKES.append(Mistake("swapped_returns", patched('''
def univariate_forward(params, X, y):
    y_hat = params["w"] * X + params["b"]
    loss = float(np.mean((y_hat - y) ** 2))
    return loss, y_hat, (X, y, y_hat)
'''), "univariate", (*FWD, DESCENT),
    {"forward: y_hat": ("your forward returns the loss first", "(y_hat, loss, cache)"),
     "forward: loss": ("your forward returns the loss first",)}, carried=(DESCENT,)))
