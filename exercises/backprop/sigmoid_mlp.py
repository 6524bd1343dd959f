"""Two-layer sigmoid MLP: Z = W1 X + b1; A = sigmoid(Z); y_hat = w2 A + b2, with the MSE."""
from autograder.kinds.model import Model
from autograder.spec import Mistake

from .common import (MSE, SIGMOID, TWO_LAYER_FAMILIES, TWO_LAYER_PARAMS, VOCABULARY, hidden_broadcast, loss_mistakes,
                     regression_inputs, without)
from .two_layer_linear import torch_forward as linear_forward


def torch_forward(torch, p, X, y, sigmoid=None):
    y_hat = p["w2"] @ (sigmoid or torch.sigmoid)(p["W1"] @ X + p["b1"]) + p["b2"]
    return y_hat, torch.mean((y_hat - y) ** 2)


def local_rule(rule):
    """The forward with a sigmoid whose *local* derivative is rule(torch, z, s), s = sigmoid(z),
    in place of the right one: torch.autograd then gives the gradients that mistake makes,
    and no backward pass is written out here."""
    def forward(torch, p, X, y):
        class Sigmoid(torch.autograd.Function):
            @staticmethod
            def forward(ctx, z):
                s = torch.sigmoid(z)
                ctx.save_for_backward(z, s)
                return s

            @staticmethod
            def backward(ctx, grad):
                z, s = ctx.saved_tensors
                return grad * rule(torch, z, s)

        return torch_forward(torch, p, X, y, Sigmoid.apply)
    return forward


def _sigmoid_on_output(torch, p, X, y):
    y_hat = torch.sigmoid(torch_forward(torch, p, X, y)[0])
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
    notes="a two-layer network with a sigmoid activation",
    derivation_points=2,
    mistakes=(
        *loss_mistakes(torch_forward),
        Mistake("no_bias_b2", "the bias b2 is missing from y_hat", without(torch_forward, "b2")),
        Mistake("no_bias_b1", "the bias b1 is missing from Z = W1 X + b1", without(torch_forward, "b1")),
        Mistake("no_sigmoid", "the sigmoid is missing: y_hat uses Z instead of A = sigmoid(Z)", linear_forward),
        Mistake("sigmoid_on_output", "a sigmoid is applied to the output y_hat; only the hidden layer has one",
                _sigmoid_on_output),
        Mistake("no_w2_in_chain", "the chain rule skips the output weights: the hidden layer's gradient goes through w2"),
        Mistake("no_sigmoid_derivative", "the sigmoid derivative is missing: the hidden layer's gradient goes through "
                                         "sigma'(Z)", local_rule(lambda torch, z, s: torch.ones_like(s))),
        Mistake("sigmoid_derivative_of_Z", "the sigmoid derivative is taken of the wrong tensor: sigma' is evaluated at "
                                           "Z, and sigma'(Z) is not Z * (1 - Z)",
                local_rule(lambda torch, z, s: z * (1 - z))),
        Mistake("sigmoid_applied_twice", "the sigmoid derivative is taken of the wrong tensor: sigmoid(A) * "
                                         "(1 - sigmoid(A)) applies the sigmoid twice (A is already sigmoid(Z))",
                local_rule(lambda torch, z, s: torch.sigmoid(s) * (1 - torch.sigmoid(s)))),
        Mistake("derivative_A_only", "the sigmoid derivative is incomplete: it is not A alone",
                local_rule(lambda torch, z, s: s)),
        Mistake("derivative_one_minus_A_only", "the sigmoid derivative is incomplete: it is not (1 - A) alone",
                local_rule(lambda torch, z, s: 1 - s)),
        Mistake("dw2_with_Z", "the gradient of w2 uses the pre-activation Z; the output layer sees A = sigmoid(Z)"),
    ),
)
