"""Autograder for hand-derived backprop homework (see docs/design.md for the student contract)."""

__version__ = "0.1.0"
