"""Assignment 2, `units`: output units, losses and activations (the course notes' tables of
activation functions and output units), derived and implemented by hand."""
from pathlib import Path

from autograder.spec import Assignment

from . import activations, classifier, logistic, softmax

ASSIGNMENT = Assignment(
    name="units",
    title="Output units, losses and activations",
    exercises=(activations.EXERCISE, logistic.EXERCISE, softmax.EXERCISE, classifier.EXERCISE),
    folder=Path(__file__).parent,
    setup="import numpy as np",
    files={"data/digits.csv": lambda: classifier.DIGITS.read_text()},
)
