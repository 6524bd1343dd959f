"""Kinds of exercise: generic checks that a declaration fills in (no exercise names here)."""
