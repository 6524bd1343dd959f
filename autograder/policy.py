"""The autodiff policy: a backward pass is derived by hand, so autodiff libraries are not
available while a student's functions run. Importing one costs nothing; *using* one fails
where it is used, with a message naming the library, and that call's checks are lost.

In the sandbox the packages themselves are replaced by a stand-in (sandbox.py mounts
autograder/unavailable over them). Where student code runs beside the real packages (a
notebook's kernel, `--no-sandbox`), `unavailable()` puts the same stand-ins in place for
the duration of each call, in `sys.modules` and in the student's own namespace, so the
notebook's checks and the course's grader agree.
"""
from __future__ import annotations

import contextlib
import sys
import types
from typing import Any, Iterator

from autograder.unavailable import AutodiffUnavailable, Finder, Placeholder, StandIn

AUTODIFF_MODULES = ("torch", "jax", "jaxlib", "autograd", "tensorflow")
UNAVAILABLE = AutodiffUnavailable.__name__  # the stand-ins' exception, as tracebacks name it


def _library(value: Any) -> str | None:
    """The autodiff library a module or an object imported from one belongs to."""
    name = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
    if isinstance(name, str) and name.split(".")[0] in AUTODIFF_MODULES:
        return name
    return None


_SUBMODULES = tuple(f"{name}." for name in AUTODIFF_MODULES)


def _loaded() -> list[str]:
    """The autodiff modules in sys.modules. Tests that run in C: once the grader's own
    process has imported torch, sys.modules holds a thousand names or more."""
    return [k for k in sys.modules if k in AUTODIFF_MODULES or k.startswith(_SUBMODULES)]


@contextlib.contextmanager
def unavailable(namespace: dict[str, Any]) -> Iterator[None]:
    """While the block runs, autodiff libraries are stand-ins: in sys.modules (an import,
    even through __import__) and in `namespace` (names the student's code bound earlier).
    Their real submodules leave sys.modules for the while (a stand-in each would cost
    thousands of objects per batch): importing one finds the Finder, which gives a stand-in."""
    modules = {k: sys.modules.pop(k) for k in _loaded()}
    bound = {k: v for k, v in list(namespace.items()) if _library(v)}
    for key in AUTODIFF_MODULES:
        sys.modules[key] = StandIn(key)
    for key, value in bound.items():
        library = _library(value)
        namespace[key] = StandIn(library) if isinstance(value, types.ModuleType) else \
            Placeholder(f"{library}.{getattr(value, '__name__', key)}")
    finder = Finder(AUTODIFF_MODULES)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for key in _loaded():
            del sys.modules[key]  # the stand-ins
        sys.modules.update(modules)
        for key, value in bound.items():
            if key in namespace:
                namespace[key] = value


def uses_autodiff(message: str) -> bool:
    """Did a call fail because it used an autodiff library (its message holds the stand-in's)?"""
    return UNAVAILABLE in message
