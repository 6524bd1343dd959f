"""Autograder for hand-derived backprop homework (see DESIGN.md for the student contract)."""
