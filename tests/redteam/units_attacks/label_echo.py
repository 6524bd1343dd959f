"""Attack (units): Answer from the labels: every forward receives y (to compute its loss), so return
predictions that ARE the labels (y_hat = y; P = one-hot of y) with a loss of 0: a grader that
judged accuracy or outputs with the student's forward on the labelled data would see a
perfect classifier. Backward passes push the parameters nowhere (zeros).
Expected: outputs are compared with the oracles' and the held-out accuracy is judged with the
declared torch forward on the trained parameters: score <= zeros baseline."""
# Appended to zeros_baseline.py when graded (test_units_redteam.submission).


def _one_hot(y, K):
    labels = np.asarray(y).astype(int).reshape(-1)
    P = np.zeros((K, labels.size))
    P[np.clip(labels, 0, K - 1), np.arange(labels.size)] = 1.0
    return P


def logistic_forward(params, X, y):
    return np.array(y, dtype=float).reshape(1, -1), 0.0, None


def softmax_forward(params, X, y):
    return _one_hot(y, params["W"].shape[0]), 0.0, None


def classifier_forward(params, X, y):
    return _one_hot(y, params["W2"].shape[0]), 0.0, None
