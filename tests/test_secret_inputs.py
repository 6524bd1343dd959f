"""Graded inputs come from the course secret: a table of answers computed offline from what
students have (the package's public cases and the notebook) is worth nothing."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from assignment1 import grade
from assignment1 import EXERCISES
from autograder.expected import Oracles
from autograder.secret import CourseSecret
from autograder.student import InProcessStudent
import importlib


def ref(name: str):
    return importlib.import_module(f"reference.backprop.{name}")

SECRET = CourseSecret(b"test secret: not any course's")
ZEROS = '''
import numpy as np

def _forward(params, X, y):
    return np.zeros((1, X.shape[1])), 0.0, (params, X)

def _backward(params, cache):
    return {k: np.zeros(np.shape(v)) for k, v in params.items()}

def sigmoid(z):
    return np.zeros(np.shape(z))

univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
'''


def _key(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.float64).tobytes()).hexdigest()


def answer_table() -> str:
    """A 'submission' that knows no calculus: the reference's outputs for every public input,
    looked up by a hash of X (or of z), zeros for anything else."""
    forward, backward, sig = {}, {}, {}
    for ex in EXERCISES.values():
        for dims in ex.shapes():
            case = ex.case(dims)
            y_hat, loss, cache = getattr(ref(ex.name), ex.forward_name)(case.params, case.X, case.y)
            grads = getattr(ref(ex.name), ex.backward_name)(case.params, cache)
            forward[(ex.name, _key(case.X))] = (np.asarray(y_hat).tolist(), float(loss))
            backward[(ex.name, _key(case.X))] = {k: np.asarray(v).tolist() for k, v in grads.items()}
    for e in EXERCISES["sigmoid_mlp"].expected(None, None).helpers["sigmoid"]:
        sig[_key(e.z)] = e.value.tolist()
    return ZEROS + f'''
import hashlib
FORWARD, BACKWARD, SIGMOID = {forward!r}, {backward!r}, {sig!r}

def _key(a):
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.float64).tobytes()).hexdigest()

def _table(name):
    def forward(params, X, y):
        hit = FORWARD.get((name, _key(X)))
        return (np.array(hit[0]), hit[1], ("table", name, _key(X))) if hit else _forward(params, X, y)

    def backward(params, cache):
        if cache[0] == "table":
            return {{k: np.array(v) if np.ndim(v) else float(v) for k, v in BACKWARD[(cache[1], cache[2])].items()}}
        return _backward(params, cache)
    return forward, backward

def sigmoid(z):
    hit = SIGMOID.get(_key(z))
    return np.array(hit) if hit else np.zeros(np.shape(z))

univariate_forward, univariate_backward = _table("univariate")
multivariate_forward, multivariate_backward = _table("multivariate")
two_layer_linear_forward, two_layer_linear_backward = _table("two_layer_linear")
sigmoid_mlp_forward, sigmoid_mlp_backward = _table("sigmoid_mlp")
'''


@pytest.fixture(scope="module")
def graded_oracles(oracles) -> Oracles:
    return Oracles(reference=oracles.reference, secret=SECRET)


def _score(source: str, oracles: Oracles) -> float:
    return grade(InProcessStudent.from_source(source), oracles, "s").score


def test_a_table_of_public_answers_wins_on_public_inputs(student_oracles):
    """The attack is real: on the inputs students can compute, it passes nearly everything
    (only the descent check, which moves off the table, fails)."""
    assert _score(answer_table(), student_oracles) >= 25


def test_a_table_of_public_answers_scores_no_more_than_zeros_on_graded_inputs(graded_oracles):
    baseline = _score(ZEROS, graded_oracles)
    assert _score(answer_table(), graded_oracles) <= baseline


def test_graded_cases_keep_the_families_of_the_public_ones_but_not_their_values():
    for ex in EXERCISES.values():
        public, graded = ex.shapes(), ex.shapes(SECRET)
        assert len(public) == len(graded)
        for family, p, g in zip(ex.families, public, graded):
            assert family.accept(g) and family.accept(p), (ex.name, family.name, g)
            assert not np.array_equal(ex.case(p).X, ex.case(g, SECRET).X)
        assert graded == ex.shapes(CourseSecret(SECRET.key)), "the same secret must give the same cases"
        assert graded != ex.shapes(CourseSecret(b"another key")) or ex.name == "univariate"


def test_correct_work_gets_full_marks_on_graded_inputs(graded_oracles):
    from mistakes import BASE

    assert _score(BASE, graded_oracles) == 29


def test_the_secret_is_recorded_as_a_digest_only():
    assert len(SECRET.digest) == 16 and SECRET.key.decode() not in SECRET.digest
