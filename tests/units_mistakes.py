"""Buggy submissions of assignment 2 (`units`): the correct tests/submissions/units/base.py
plus ONE classic mistake each (a patch: its functions replace the base's of the same name).

Each entry says exactly which checks lose points (every other check of every exercise
passes: a bug in a helper such as `sigmoid` costs what uses it too), and for the checks it
names, the verdict's cause id and phrases of its message: on the instructor side (the
reference and its known-wrong variants) and, where `student` is given, on the student side
(torch and finite differences only), where a mistake named only by a known-wrong variant
cannot be named.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from mistakes import patched as _patched
from units import BASE

Named = dict[str, tuple[str, tuple[str, ...]]]  # "exercise: check" -> (cause id, phrases)


def patched(patch: str) -> str:
    return _patched(patch, BASE)


@dataclass(frozen=True)
class Mistake:
    id: str
    source: str
    fails: tuple[str, ...]  # "exercise: check" of every check that loses points
    named: Named  # instructor side
    student: Named | None = None  # student side (None: named by a known-wrong variant only)
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)  # phrases that must not appear
    # Of `fails`, the checks that error carried forward credits (one root mistake costs once).
    carried: tuple[str, ...] = ()

    @property
    def failing(self) -> set[str]:
        """What loses points under the course's default policy (carried checks pass, with a note)."""
        return set(self.fails) - set(self.carried)


ACT = "activations"
LOG_GRADS = ("logistic: gradient: w", "logistic: gradient: b")
LOG_DESCENT = "logistic: gradient descent path"
SM_GRADS = ("softmax: gradient: W", "softmax: gradient: b")
SM_DESCENT = "softmax: gradient descent path"
CL_GRADS = tuple(f"classifier: gradient: {p}" for p in ("W1", "b1", "W2", "b2"))
CL_DESCENT = "classifier: gradient descent path"
CL_TRAINING = "classifier: training: 90% held-out accuracy within 300 steps"


def act(*names: str) -> tuple[str, ...]:
    return tuple(f"{ACT}: {n}" for n in names)


def logistic_backward(dz: str, w: str = "dz @ X.T", b: str = "float(np.sum(dz))") -> str:
    return patched(f'''
def logistic_backward(params, cache):
    X, y, y_hat = cache
    m = X.shape[1]
    dz = {dz}
    return {{"w": {w}, "b": {b}}}
''')


def softmax_backward(dZ: str = "(P - Y) / m", W: str = "dZ @ X.T", b: str = "np.sum(dZ, axis=1, keepdims=True)") -> str:
    return patched(f'''
def softmax_backward(params, cache):
    X, Y, P = cache
    m = X.shape[1]
    dZ = {dZ}
    return {{"W": {W}, "b": {b}}}
''')


def classifier_backward(dZ2: str = "(P - Y) / m", dZ1: str = "dA1 * relu_grad(Z1)", W1: str = "dZ1 @ X.T",
                        b1: str = "np.sum(dZ1, axis=1, keepdims=True)", W2: str = "dZ2 @ A1.T") -> str:
    return patched(f'''
def classifier_backward(params, cache):
    X, Y, Z1, A1, P = cache
    m = X.shape[1]
    dZ2 = {dZ2}
    dA1 = params["W2"].T @ dZ2
    dZ1 = {dZ1}
    return {{"W1": {W1}, "b1": {b1}, "W2": {W2}, "b2": np.sum(dZ2, axis=1, keepdims=True)}}
''')


def fn(name: str, body: str) -> str:
    return patched(f"def {name}(z):\n    return {body}\n")


SAME = "same"  # named on the student side exactly as on the instructor side

MISTAKES: list[Mistake] = [
    # --- activations: values ---------------------------------------------------------------
    Mistake("sigmoid_overflows", fn("sigmoid", "np.exp(z) / (1 + np.exp(z))"),
            (*act("sigmoid", "sigmoid_grad", "softplus_grad", "swish", "swish_grad"), "logistic: forward: y_hat",
             *LOG_GRADS),
            {f"{ACT}: sigmoid": ("nonfinite", ("NaN", "exp overflows", "exp(-|z|)")),
             f"{ACT}: swish": ("nonfinite", ("use a sigmoid that never overflows",)),
             "logistic: forward: y_hat": ("nonfinite", ("NaN", "use a sigmoid that never overflows")),
             "logistic: gradient: w": ("nonfinite", ("NaN",))}, SAME),
    # sigma(-z) (1 - sigma(-z)) = sigma(z) (1 - sigma(z)): sigmoid_grad stays right.
    Mistake("sigmoid_sign_flipped", fn("sigmoid", "1 / (1 + np.exp(z))"),
            (*act("sigmoid", "softplus_grad", "swish", "swish_grad"), "logistic: forward: y_hat",
             *LOG_GRADS, LOG_DESCENT),
            {f"{ACT}: sigmoid": ("known:sign_flipped", ("1 - sigmoid(z)",))}, SAME),
    Mistake("tanh_in_0_1", fn("tanh", "(1 + np.tanh(z)) / 2"), act("tanh"),
            {f"{ACT}: tanh": ("known:range_0_1", ("between 0 and 1", "tanh lies between -1 and 1"))}, SAME),
    Mistake("tanh_naive", fn("tanh", "(np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))"), act("tanh"),
            {f"{ACT}: tanh": ("nonfinite", ("NaN", "use np.tanh"))}, SAME),
    Mistake("relu_keeps_negative", fn("relu", "np.minimum(0, z)"),
            (*act("relu"), "classifier: forward: P", "classifier: forward: loss", *CL_GRADS, CL_DESCENT, CL_TRAINING),
            {f"{ACT}: relu": ("known:keeps_negative", ("min(0, z)",)),
             "classifier: forward: loss": ("loss-of-wrong-output", ("right cross-entropy of your P",)),
             "classifier: gradient: W1": ("output-wrong", ("your P is wrong",)),
             CL_TRAINING: ("training", ("held-out examples", "the right gradients reach"))}, SAME),
    Mistake("leaky_wrong_side", fn("leaky_relu", "np.where(z > 0, 0.01 * z, z)"), act("leaky_relu"),
            {f"{ACT}: leaky_relu": ("known:leak_wrong_side", ("wrong side of 0",))}, SAME),
    Mistake("elu_mask_product", fn("elu", "z * (z > 0) + (np.exp(z) - 1) * (z <= 0)"), act("elu"),
            {f"{ACT}: elu": ("nonfinite", ("NaN", "inf * 0 is NaN", "np.where"))}, SAME),
    Mistake("elu_no_minus_one", fn("elu", "np.where(z > 0, z, np.exp(np.minimum(z, 0)))"), act("elu"),
            {f"{ACT}: elu": ("known:missing_minus_one", ("continuous at 0",))}, SAME),
    Mistake("softplus_naive", fn("softplus", "np.log(1 + np.exp(z))"), (*act("softplus"), "logistic: forward: loss"),
            {f"{ACT}: softplus": ("nonfinite", ("inf", "np.logaddexp(0, z)")),
             "logistic: forward: loss": ("nonfinite", ("inf", "exp(z) overflowing", "from the logits z"))}, SAME),
    Mistake("softplus_is_relu", fn("softplus", "np.maximum(z, 0)"),
            (*act("softplus"), "logistic: forward: loss", LOG_DESCENT),
            {f"{ACT}: softplus": ("known:relu_only", ("max(0, z)", "smooth")),
             LOG_DESCENT: ("descent-path", ("your loss is wrong already at the starting parameters",))}, SAME),
    Mistake("swish_no_factor", fn("swish", "sigmoid(z)"), act("swish"),
            {f"{ACT}: swish": ("known:no_factor_z", ("the factor z is missing",))}, SAME),
    # --- activations: derivatives (their known-wrong variants are the instructors') ---------
    Mistake("sigmoid_grad_of_z", fn("sigmoid_grad", "z * (1 - z)"), act("sigmoid_grad"),
            {f"{ACT}: sigmoid_grad": ("mutant:of_z", ("wrong tensor", "not z * (1 - z)"))},
            {f"{ACT}: sigmoid_grad": ("formula", ("the derivative of 1 / (1 + exp(-z))",))}),
    Mistake("tanh_grad_not_squared", fn("tanh_grad", "1 - np.tanh(z)"), act("tanh_grad"),
            {f"{ACT}: tanh_grad": ("mutant:not_squared", ("not 1 - tanh(z)",))},
            {f"{ACT}: tanh_grad": ("formula", ("the derivative of tanh(z)",))}),
    Mistake("relu_grad_is_relu", fn("relu_grad", "relu(z)"),
            (*act("relu_grad"), "classifier: gradient: W1", "classifier: gradient: b1", CL_DESCENT),
            {f"{ACT}: relu_grad": ("mutant:value_not_slope", ("relu(z) itself, not its slope",)),
             "classifier: gradient: W1": ("mutant:relu_derivative_is_relu", ("slope of relu at Z1",
                                                                             "your forward is right"))},
            {f"{ACT}: relu_grad": ("formula", ("the derivative of max(0, z)",)),
             "classifier: gradient: W1": (None, ("your forward is right, so the mistake is in the backward pass",))}),
    Mistake("relu_grad_wrong_side", fn("relu_grad", "(z < 0).astype(float)"),
            (*act("relu_grad"), "classifier: gradient: W1", "classifier: gradient: b1", CL_DESCENT, CL_TRAINING),
            {f"{ACT}: relu_grad": ("mutant:wrong_side", ("wrong side of 0",)),
             "classifier: gradient: b1": ("mutant:relu_mask_wrong_side", ("1 on the wrong side of 0",)),
             CL_TRAINING: ("training", ("the target is 90%",))}),
    Mistake("relu_grad_flat", fn("relu_grad", "(z > 0).astype(float).ravel()"),
            (*act("relu_grad"), *CL_GRADS, "classifier: inputs not modified", CL_DESCENT, CL_TRAINING),
            {f"{ACT}: relu_grad": ("wrong-shape", ("same shape as z", "(15,)")),
             "classifier: gradient: W1": (None, ("dZ1 = dA1 * relu_grad(Z1)",))}, SAME,
            absent={"classifier: gradient: W1": ("Traceback",)}),
    Mistake("leaky_grad_no_leak", fn("leaky_relu_grad", "(z > 0).astype(float)"), act("leaky_relu_grad"),
            {f"{ACT}: leaky_relu_grad": ("mutant:no_leak", ("the leak has a slope",))},
            {f"{ACT}: leaky_relu_grad": ("formula", ("the derivative of max(0.01 z, z)",))}),
    Mistake("sigmoid_grad_value_only", fn("sigmoid_grad", "sigmoid(z)"), act("sigmoid_grad"),
            {f"{ACT}: sigmoid_grad": ("mutant:value_only", ("not sigmoid(z) alone",))}),
    Mistake("tanh_grad_of_z", fn("tanh_grad", "1 - z ** 2"), act("tanh_grad"),
            {f"{ACT}: tanh_grad": ("mutant:of_z", ("not 1 - z**2",))}),
    Mistake("elu_grad_value", fn("elu_grad", "np.where(z > 0, 1.0, elu(z))"), act("elu_grad"),
            {f"{ACT}: elu_grad": ("mutant:value_not_slope", ("elu(z) itself",))}),
    Mistake("swish_grad_second_term", fn("swish_grad", "z * sigmoid_grad(z)"), act("swish_grad"),
            {f"{ACT}: swish_grad": ("mutant:second_term_only", ("not z * sigma'(z) alone",))}),
    Mistake("softplus_grad_sign", fn("softplus_grad", "sigmoid(-z)"), act("softplus_grad"),
            {f"{ACT}: softplus_grad": ("mutant:sign_flipped", ("grows with z",))}),
    Mistake("swish_grad_first_term", fn("swish_grad", "sigmoid(z)"), act("swish_grad"),
            {f"{ACT}: swish_grad": ("mutant:first_term_only", ("product rule is incomplete",))}),
    # --- logistic ----------------------------------------------------------------------------
    Mistake("logistic_mse_derivative", logistic_backward("2 * (y_hat - y) / m * y_hat * (1 - y_hat)"),
            (*LOG_GRADS, LOG_DESCENT),
            {"logistic: gradient: w": ("mutant:mse_derivative", ("the MSE's derivative is used",
                                                                 "your forward is right")),
             "logistic: gradient: b": ("mutant:mse_derivative", ("not 2 (y_hat - y) / m",)),
             LOG_DESCENT: ("descent-path", ("the loss starts right, so your gradients",))},
            {"logistic: gradient: w": (None, ("your forward is right",))}),
    Mistake("logistic_extra_sigmoid_derivative", logistic_backward("(y_hat - y) * y_hat * (1 - y_hat) / m"),
            (*LOG_GRADS, LOG_DESCENT),
            {"logistic: gradient: w": ("mutant:extra_sigmoid_derivative", ("applied on top of (y_hat - y)",))}),
    Mistake("logistic_missing_1_over_m", logistic_backward("y_hat - y"), (*LOG_GRADS, LOG_DESCENT),
            {"logistic: gradient: w": ("ratio:m", ("m = 7 times too large",)),
             "logistic: gradient: b": ("ratio:m", ("divide by m",))}, SAME),
    Mistake("logistic_wrong_sign", logistic_backward("(y - y_hat) / m"), (*LOG_GRADS, LOG_DESCENT),
            {"logistic: gradient: b": ("ratio:-1", ("wrong sign",))}, SAME),
    Mistake("logistic_db_not_summed", logistic_backward("(y_hat - y) / m", b="dz"), ("logistic: gradient: b", LOG_DESCENT),
            {"logistic: gradient: b": ("not-summed", ("not summed over the batch", "(1, 7)"))}, SAME),
    Mistake("logistic_dw_transposed", logistic_backward("(y_hat - y) / m", w="X @ dz.T"),
            ("logistic: gradient: w", LOG_DESCENT),
            {"logistic: gradient: w": ("transposed", ("its transpose is right",))}, SAME),
    Mistake("logistic_log_of_sigmoid", patched('''
def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    y_hat = sigmoid(z)
    loss = float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))
    return y_hat, loss, (X, y, y_hat)
'''), ("logistic: forward: loss",),
            {"logistic: forward: loss": ("nonfinite", ("n=3, m=14", "log(0)", "compute the loss from the logits z"))},
            SAME),
    Mistake("logistic_loss_summed", patched('''
def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    y_hat = sigmoid(z)
    loss = float(np.sum(softplus(z) - y * z))
    return y_hat, loss, (X, y, y_hat)
'''), ("logistic: forward: loss", LOG_DESCENT),
            {"logistic: forward: loss": ("loss-ratio:m", ("m times the cross-entropy", "instead of their mean"))}, SAME),
    Mistake("logistic_pm1_labels", patched('''
def logistic_forward(params, X, y):
    z = params["w"] @ X + params["b"]
    loss = float(np.mean(np.logaddexp(0, -y * z)))
    return sigmoid(z), loss, (X, y, z)

def logistic_backward(params, cache):
    X, y, z = cache
    dz = -y * sigmoid(-y * z) / X.shape[1]
    return {"w": dz @ X.T, "b": float(np.sum(dz))}
'''), ("logistic: forward: loss", *LOG_GRADS, LOG_DESCENT),
            {"logistic: forward: loss": ("mutant:pm1_labels", ("labels in {-1, 1}",)),
             "logistic: gradient: w": ("mutant:pm1_labels", ("labels in {-1, 1}",
                                                             "consistent with your own forward"))},
            {"logistic: gradient: w": (None, ("consistent with your own forward",))}),
    # --- softmax -----------------------------------------------------------------------------
    Mistake("softmax_no_shift", fn("softmax", "np.exp(z) / np.sum(np.exp(z), axis=0, keepdims=True)"),
            ("softmax: forward: P", *SM_GRADS, "softmax: softmax"),
            {"softmax: softmax": ("nonfinite", ("NaN", "subtract each column's max")),
             "softmax: forward: P": ("nonfinite", ("n=3, K=4, m=14", "NaN", "subtract each column's max")),
             "softmax: gradient: W": ("nonfinite", ("NaN",))}, SAME),
    Mistake("softmax_helper_wrong_axis", patched('''
def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
'''), ("softmax: forward: P", *SM_GRADS, SM_DESCENT, "softmax: softmax", "classifier: forward: P", *CL_GRADS,
          CL_DESCENT, CL_TRAINING),
            {"softmax: softmax": ("known:wrong_axis", ("each row sums to 1",)),
             "softmax: forward: P": ("mutant:wrong_axis", ("each column of P (one example) must sum to 1",)),
             "softmax: gradient: W": ("output-wrong", ("your P is wrong",))},
            {"softmax: softmax": ("known:wrong_axis", ("each row sums to 1",)),
             "softmax: forward: P": ("helper-wrong", ("your `softmax` is wrong",))}),
    Mistake("softmax_forward_wrong_axis", patched('''
def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z.T).T
    Y = one_hot(y, Z.shape[0])
    return P, cross_entropy(Z, Y), (X, Y, P)
'''), ("softmax: forward: P", *SM_GRADS, SM_DESCENT),
            {"softmax: forward: P": ("mutant:wrong_axis", ("wrong axis",)),
             "softmax: gradient: b": ("output-wrong", ("your P is wrong",))}),
    Mistake("softmax_log_of_P", patched('''
def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z)
    Y = one_hot(y, Z.shape[0])
    loss = float(-np.mean(np.log(P[y[0], np.arange(X.shape[1])])))
    return P, loss, (X, Y, P)
'''), ("softmax: forward: loss",),
            {"softmax: forward: loss": ("nonfinite", ("n=3, K=4, m=14", "inf", "log-sum-exp"))}, SAME),
    Mistake("softmax_divides_by_K", patched('''
def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z)
    Y = one_hot(y, Z.shape[0])
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return P, float(-np.sum(Y * log_P) / len(Z)), (X, Y, P)
'''), ("softmax: forward: loss", SM_DESCENT),
            {"softmax: forward: loss": ("divides-by-K", ("m/K = 7/3", "P.shape[0]", "X.shape[1]"))}, SAME),
    Mistake("softmax_elementwise_jacobian", softmax_backward("-Y / (m * P) * P * (1 - P)"), (*SM_GRADS, SM_DESCENT),
            {"softmax: gradient: W": ("mutant:elementwise_jacobian", ("elementwise function", "full Jacobian"))}),
    Mistake("softmax_labels_not_one_hot", patched('''
def softmax_forward(params, X, y):
    Z = params["W"] @ X + params["b"]
    P = softmax(Z)
    return P, cross_entropy(Z, one_hot(y, Z.shape[0])), (X, y, P)
'''), (*SM_GRADS, SM_DESCENT),
            {"softmax: gradient: b": ("mutant:labels_not_one_hot", ("one-hot encoded",))}),
    Mistake("softmax_db_no_keepdims", softmax_backward(b="np.sum(dZ, axis=1)"), ("softmax: gradient: b", SM_DESCENT),
            {"softmax: gradient: b": ("no-keepdims", ("keepdims=True", "(3,) instead of (3, 1)"))}, SAME),
    Mistake("softmax_dW_transposed", softmax_backward(W="X @ dZ.T"), ("softmax: gradient: W", SM_DESCENT),
            {"softmax: gradient: W": ("transposed", ("(4, 3) instead of (3, 4)",))}, SAME),
    Mistake("softmax_missing_1_over_m", softmax_backward("P - Y"), (*SM_GRADS, SM_DESCENT),
            {"softmax: gradient: W": ("ratio:m", ("m = 7 times too large",))}, SAME),
    # --- classifier --------------------------------------------------------------------------
    Mistake("classifier_no_relu_derivative", classifier_backward(dZ1="dA1"),
            ("classifier: gradient: W1", "classifier: gradient: b1", CL_DESCENT),
            {"classifier: gradient: W1": ("mutant:no_relu_derivative", ("relu'(Z1)", "your forward is right"))},
            {"classifier: gradient: W1": (None, ("your forward is right",))}),
    Mistake("classifier_relu_derivative_is_relu", classifier_backward(dZ1="dA1 * A1"),
            ("classifier: gradient: W1", "classifier: gradient: b1", CL_DESCENT),
            {"classifier: gradient: b1": ("mutant:relu_derivative_is_relu", ("not relu(Z1)",))}),
    Mistake("classifier_dW2_with_Z1", classifier_backward(W2="dZ2 @ Z1.T"), ("classifier: gradient: W2", CL_DESCENT),
            {"classifier: gradient: W2": ("mutant:dW2_with_Z1", ("pre-activation Z1",))}),
    Mistake("classifier_elementwise_jacobian", classifier_backward(dZ2="-Y * (1 - P) / m"),
            (*CL_GRADS, CL_DESCENT, CL_TRAINING),
            {"classifier: gradient: W2": ("mutant:elementwise_jacobian", ("dZ2 is not dP * P * (1 - P)",)),
             CL_TRAINING: ("training", ("the target is 90%",))}),
    Mistake("classifier_db1_wrong_axis", classifier_backward(b1="np.sum(dZ1, axis=0, keepdims=True)"),
            ("classifier: gradient: b1", CL_DESCENT, CL_TRAINING),
            {"classifier: gradient: b1": ("wrong-axis", ("wrong axis", "sums over the hidden units")),
             CL_TRAINING: ("training", ("at step 1 of the training", "cannot update b1"))}, SAME),
    Mistake("classifier_1_over_m_twice", classifier_backward(dZ2="(P - Y) / m / m"), (*CL_GRADS, CL_DESCENT, CL_TRAINING),
            {"classifier: gradient: b2": ("ratio:1/m", ("1/m = 1/7 of the right value",)),
             CL_TRAINING: ("training", ("held-out",))}, SAME),
    Mistake("classifier_wrong_sign", classifier_backward(dZ2="(Y - P) / m"), (*CL_GRADS, CL_DESCENT, CL_TRAINING),
            {"classifier: gradient: W1": ("ratio:-1", ("wrong sign",))}, SAME),
    Mistake("classifier_no_relu", patched('''
def classifier_forward(params, X, y):
    Z1 = params["W1"] @ X + params["b1"]
    Z2 = params["W2"] @ Z1 + params["b2"]
    P = softmax(Z2)
    Y = one_hot(y, Z2.shape[0])
    return P, cross_entropy(Z2, Y), (X, Y, Z1, Z1, P)

def classifier_backward(params, cache):
    X, Y, Z1, A1, P = cache
    m = X.shape[1]
    dZ2 = (P - Y) / m
    dZ1 = params["W2"].T @ dZ2
    return {"W1": dZ1 @ X.T, "b1": np.sum(dZ1, axis=1, keepdims=True), "W2": dZ2 @ A1.T,
            "b2": np.sum(dZ2, axis=1, keepdims=True)}
'''), ("classifier: forward: P", "classifier: forward: loss", *CL_GRADS, CL_DESCENT, CL_TRAINING),
            {"classifier: forward: P": ("mutant:no_relu", ("the ReLU is missing",)),
             "classifier: gradient: W2": ("output-wrong", ("consistent with your own forward", "your forward is wrong"))},
            {"classifier: gradient: W2": ("output-wrong", ("consistent with your own forward",))}),
]


# What error carried forward credits, per mistake: the descent path and training when the
# gradients were charged already, sibling gradients wrong by the same factor, gradients right
# for the student's own (wrong) forward.
CARRIED = {
    'sigmoid_sign_flipped': ('logistic: gradient descent path',),
    'relu_keeps_negative': ('classifier: gradient descent path', 'classifier: training: 90% held-out accuracy within 300 steps'),
    'softplus_is_relu': ('logistic: gradient descent path',),
    'relu_grad_is_relu': ('classifier: gradient descent path',),
    'relu_grad_wrong_side': ('classifier: gradient descent path', 'classifier: training: 90% held-out accuracy within 300 steps'),
    'logistic_mse_derivative': ('logistic: gradient descent path',),
    'logistic_extra_sigmoid_derivative': ('logistic: gradient descent path',),
    'logistic_missing_1_over_m': ('logistic: gradient descent path', 'logistic: gradient: b'),
    'logistic_wrong_sign': ('logistic: gradient descent path', 'logistic: gradient: b'),
    'logistic_db_not_summed': ('logistic: gradient descent path',),
    'logistic_dw_transposed': ('logistic: gradient descent path',),
    'logistic_loss_summed': ('logistic: gradient descent path',),
    'logistic_pm1_labels': ('logistic: gradient descent path', 'logistic: gradient: b', 'logistic: gradient: w'),
    'softmax_helper_wrong_axis': ('classifier: gradient descent path', 'classifier: training: 90% held-out accuracy within 300 steps', 'softmax: gradient descent path'),
    'softmax_forward_wrong_axis': ('softmax: gradient descent path',),
    'softmax_divides_by_K': ('softmax: gradient descent path',),
    'softmax_elementwise_jacobian': ('softmax: gradient descent path',),
    'softmax_labels_not_one_hot': ('softmax: gradient descent path',),
    'softmax_db_no_keepdims': ('softmax: gradient descent path',),
    'softmax_dW_transposed': ('softmax: gradient descent path',),
    'softmax_missing_1_over_m': ('softmax: gradient descent path', 'softmax: gradient: b'),
    'classifier_no_relu_derivative': ('classifier: gradient descent path',),
    'classifier_relu_derivative_is_relu': ('classifier: gradient descent path',),
    'classifier_dW2_with_Z1': ('classifier: gradient descent path',),
    'classifier_elementwise_jacobian': ('classifier: gradient descent path', 'classifier: training: 90% held-out accuracy within 300 steps'),
    'classifier_db1_wrong_axis': ('classifier: gradient descent path', 'classifier: training: 90% held-out accuracy within 300 steps'),
    'classifier_1_over_m_twice': ('classifier: gradient descent path', 'classifier: gradient: W2', 'classifier: gradient: b1', 'classifier: gradient: b2', 'classifier: training: 90% held-out accuracy within 300 steps'),
    'classifier_wrong_sign': ('classifier: gradient descent path', 'classifier: gradient: W2', 'classifier: gradient: b1', 'classifier: gradient: b2', 'classifier: training: 90% held-out accuracy within 300 steps'),
    'classifier_no_relu': ('classifier: gradient descent path', 'classifier: gradient: W1', 'classifier: gradient: W2', 'classifier: gradient: b1', 'classifier: training: 90% held-out accuracy within 300 steps'),
}
MISTAKES = [replace(m, carried=CARRIED.get(m.id, ())) for m in MISTAKES]
