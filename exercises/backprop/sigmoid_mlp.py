"""Two-layer sigmoid MLP: Z = W1 X + b1; A = sigmoid(Z); y_hat = w2 A + b2, with the MSE."""
from autograder.kinds.model import Model
from autograder.spec import Mistake

from .common import (LOSS_MISTAKES, MSE, SIGMOID, TWO_LAYER_FAMILIES, TWO_LAYER_PARAMS, VOCABULARY, hidden_broadcast,
                     regression_inputs)


def torch_forward(torch, p, X, y):
    y_hat = p["w2"] @ torch.sigmoid(p["W1"] @ X + p["b1"]) + p["b2"]
    return y_hat, torch.mean((y_hat - y) ** 2)


EXERCISE = Model(
    name="sigmoid_mlp",
    title="Two-layer sigmoid MLP",
    params=TWO_LAYER_PARAMS,
    families=TWO_LAYER_FAMILIES,
    inputs=regression_inputs,
    torch_forward=torch_forward,
    loss=MSE,
    vocabulary=VOCABULARY,
    formula="Z = W1 X + b1; A = sigmoid(Z); y_hat = w2 A + b2",
    helpers=(SIGMOID,),
    output_rules=(hidden_broadcast,),
    mistakes=(
        *(Mistake(i, text) for i, text in LOSS_MISTAKES),
        Mistake("no_bias_b2", "the bias b2 is missing from y_hat"),
        Mistake("no_bias_b1", "the bias b1 is missing from Z = W1 X + b1"),
        Mistake("no_sigmoid", "the sigmoid is missing: y_hat uses Z instead of A = sigmoid(Z)"),
        Mistake("sigmoid_on_output", "a sigmoid is applied to the output y_hat; only the hidden layer has one"),
        Mistake("no_w2_in_chain", "the chain rule skips the output weights: the hidden layer's gradient goes through w2"),
        Mistake("no_sigmoid_derivative", "the sigmoid derivative is missing: the hidden layer's gradient goes through "
                                         "sigma'(Z)"),
        Mistake("sigmoid_derivative_of_Z", "the sigmoid derivative is taken of the wrong tensor: sigma' is evaluated at "
                                           "Z, and sigma'(Z) is not Z * (1 - Z)"),
        Mistake("sigmoid_applied_twice", "the sigmoid derivative is taken of the wrong tensor: sigmoid(A) * "
                                         "(1 - sigmoid(A)) applies the sigmoid twice (A is already sigmoid(Z))"),
        Mistake("derivative_A_only", "the sigmoid derivative is incomplete: it is not A alone"),
        Mistake("derivative_one_minus_A_only", "the sigmoid derivative is incomplete: it is not (1 - A) alone"),
        Mistake("dw2_with_Z", "the gradient of w2 uses the pre-activation Z; the output layer sees A = sigmoid(Z)"),
    ),
)
