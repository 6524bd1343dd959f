"""Autograder for hand-derived backprop homework (see docs/design.md for the student contract)."""

__version__ = "0.1.0"


def __getattr__(name: str):  # PEP 562: `autograder.check_gradients` without importing the engine on every import
    if name == "check_gradients":
        from autograder.gradient_check import check_gradients

        return check_gradients
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
