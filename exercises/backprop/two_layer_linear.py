"""Two-layer linear network: Z = W1 X + b1; y_hat = w2 Z + b2, with the MSE."""
from autograder.kinds.model import Model
from autograder.spec import Mistake

from .common import (MSE, TWO_LAYER_FAMILIES, TWO_LAYER_PARAMS, VOCABULARY, hidden_broadcast, loss_mistakes,
                     regression_inputs, without)


def torch_forward(torch, p, X, y):
    y_hat = p["w2"] @ (p["W1"] @ X + p["b1"]) + p["b2"]
    return y_hat, torch.mean((y_hat - y) ** 2)


EXERCISE = Model(
    name="two_layer_linear",
    title="Two-layer linear network",
    params=TWO_LAYER_PARAMS,
    families=TWO_LAYER_FAMILIES,
    inputs=regression_inputs,
    torch_forward=torch_forward,
    loss=MSE,
    vocabulary=VOCABULARY,
    formula="Z = W1 X + b1; y_hat = w2 Z + b2",
    output_rules=(hidden_broadcast,),
    notes="a two-layer network: backpropagation through a hidden layer",
    derivation_points=2,
    mistakes=(
        *loss_mistakes(torch_forward),
        Mistake("no_bias_b2", "the bias b2 is missing from y_hat", without(torch_forward, "b2")),
        Mistake("no_bias_b1", "the bias b1 is missing from Z = W1 X + b1", without(torch_forward, "b1")),
        Mistake("no_biases", "both biases b1 and b2 are missing", without(torch_forward, "b1", "b2")),
        Mistake("no_w2_in_chain", "the chain rule skips the output weights: the hidden layer's gradient goes through w2"),
        Mistake("dw2_without_b1", "dw2 uses W1 X without the bias b1: Z = W1 X + b1"),
    ),
)
