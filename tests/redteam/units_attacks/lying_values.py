"""Attack (units): Lie across the trust boundary: every activation returns an ndarray subclass whose
comparisons, subtraction, abs, isclose/allclose and __array_ufunc__ all report "equal", and
whose __float__/__len__/shape are inconsistent; the loss is a float subclass equal to
everything.
Expected: the child turns results into plain validated arrays before they leave it (the
grader never sees the subclass): score <= zeros baseline."""
# Appended to zeros_baseline.py when graded (test_units_redteam.submission).
class Liar(np.ndarray):
    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False  # noqa: E731

    def __sub__(self, other):
        return np.zeros(np.shape(self))

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(np.shape(self))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.shape(inputs[0])) if ufunc in (np.subtract, np.absolute) else True

    def __float__(self):
        return 0.0


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def _liar(z):
    return np.zeros(np.shape(z)).view(Liar)


for _name in ACTIVATIONS:
    globals()[_name] = globals()[_name + "_grad"] = _liar
softmax = _liar


def logistic_forward(params, X, y):
    return np.zeros((1, X.shape[1])).view(Liar), AlwaysEqual(0.0), None
