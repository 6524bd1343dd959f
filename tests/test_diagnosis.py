"""Diagnosis rules on their own: ids, and the simplest explanation first."""
from __future__ import annotations

import numpy as np
import pytest

from assignment1 import EXERCISES
from autograder import diagnosis
from autograder.spec import Sizes

VOCAB = diagnosis.Vocabulary(EXERCISES["two_layer_linear"].vocabulary.sizes,
                             factors=EXERCISES["two_layer_linear"].loss.factors)
RIGHT = np.array([[0.3, -1.2, 2.5], [0.7, 0.1, -0.4]])


@pytest.mark.parametrize("m", [3, 4, 7, 8])  # at m = 2 "2" and "m" are the same: families avoid it
@pytest.mark.parametrize("factor,cause", [(0.5, "ratio:1/2"), (2.0, "ratio:2"), (-1.0, "ratio:-1")])
def test_one_mistake_is_named_before_two_whatever_m_is(m, factor, cause):
    """At m = 4 half the right value is also 2/m: the simpler explanation wins."""
    found = diagnosis.ratio_cause(factor * RIGHT, RIGHT, Sizes.of(n=2, k=3, m=m), VOCAB)
    assert found is not None and found.id == cause, found


def test_ratio_ids_name_the_factor_not_its_value():
    for m in (5, 7, 9):
        assert diagnosis.ratio_cause(m * RIGHT, RIGHT, Sizes.of(n=2, k=3, m=m), VOCAB).id == "ratio:m"
        assert diagnosis.ratio_cause(RIGHT / m, RIGHT, Sizes.of(n=2, k=3, m=m), VOCAB).id == "ratio:1/m"


def test_shape_rules_return_ids():
    sizes = Sizes.of(n=4, k=3, m=7)
    col = np.ones((3, 1))
    assert diagnosis.shape_cause(np.ones(3), col, sizes, VOCAB, diagnosis.Tolerance()).id == "no-keepdims"
    assert diagnosis.shape_cause(np.ones((3, 7)), col, sizes, VOCAB, diagnosis.Tolerance()).id == "not-summed"
    w = np.arange(12.0).reshape(3, 4)
    assert diagnosis.shape_cause(w.T, w, sizes, VOCAB, diagnosis.Tolerance()).id == "transposed"
    assert diagnosis.shape_cause(np.ones((1, 4)), np.ones((1, 3)), sizes, VOCAB, diagnosis.Tolerance()).id == \
        "swapped-sizes"
