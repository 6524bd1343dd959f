"""Attack (units): Skip the derivations: compute every backward pass and every activation's derivative
with torch.autograd from a torch forward (numpy forwards return zeros, so any point above the
baseline comes from autograd).
Expected: in the sandbox torch is a stand-in that refuses autodiff: score <= zeros baseline,
and the feedback says an autodiff library was used."""
# Appended to zeros_baseline.py when graded (test_units_redteam.submission).


def _autograd_derivative(name):
    def f(z):
        import torch
        t = torch.tensor(np.asarray(z, dtype=float), requires_grad=True)
        fn = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
              "leaky_relu": lambda x: torch.nn.functional.leaky_relu(x, 0.01), "elu": torch.nn.functional.elu,
              "softplus": torch.nn.functional.softplus, "swish": torch.nn.functional.silu}[name]
        fn(t).sum().backward()
        return t.grad.numpy()
    return f


for _name in ACTIVATIONS:
    globals()[_name + "_grad"] = _autograd_derivative(_name)


def classifier_backward(params, cache):
    import torch
    p = {k: torch.tensor(np.asarray(v, dtype=float), requires_grad=True) for k, v in params.items()}
    X, y = cache
    Z2 = p["W2"] @ torch.relu(p["W1"] @ torch.tensor(X) + p["b1"]) + p["b2"]
    torch.nn.functional.cross_entropy(Z2.T, torch.tensor(np.asarray(y).reshape(-1).astype(int))).backward()
    return {k: v.grad.numpy() for k, v in p.items()}


def classifier_forward(params, X, y):
    return np.zeros((params["W2"].shape[0], X.shape[1])), 0.0, (X, y)
