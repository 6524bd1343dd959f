"""What a model's forward or backward pass returned, field by field, from its validated result.

Used by the grader (contract.py) and, for the descent path, on the student side too
(descent.py): both read the same result trees with the same functions, so they agree on
what a pass returned. Only values.py below it: the student side imports this.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.values import Array, Bad, Items, Mapping


@dataclass
class Returned:
    """What one call returned, field by field: arrays, or why a field is unusable."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    dtypes: dict[str, str] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    extra_keys: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)


def _field(out: Returned, key: str, result: Any) -> None:
    if isinstance(result, Array):
        out.values[key], out.dtypes[key] = result.value, result.dtype
    elif isinstance(result, Bad):
        out.bad[key] = result.message


def forward_fields(result: Items, mutated: tuple[str, ...] = ()) -> Returned:
    """(output, loss, cache) -> its output and loss (the cache stays on the student side)."""
    out = Returned(mutated=list(mutated))
    _field(out, "output", result.items[0])
    _field(out, "loss", result.items[1])
    return out


def backward_fields(result: Mapping, names: tuple[str, ...], mutated: tuple[str, ...] = ()) -> Returned:
    """A dict of gradients -> the gradients of the parameters `names`, and the other keys."""
    out = Returned(mutated=list(mutated))
    for key, value in result.items.items():
        if key in names:
            _field(out, key, value)
        else:
            out.extra_keys.append(repr(key))
    out.extra_keys += result.extra_keys
    return out
