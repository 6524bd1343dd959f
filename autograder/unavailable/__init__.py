"""Stand-ins for autodiff packages (torch, jax, ...) while student code runs.

Inside the grading sandbox this package is mounted *over* each autodiff package (so there
`__name__` is "torch", "jax", ...); elsewhere autograder/policy.py uses its classes for
the same purpose. Importing works, in every form (`import torch`, `import torch.nn as nn`,
`from torch import tensor`), so a submission that only imports a library loses nothing;
*using* anything from it raises AutodiffUnavailable where it is used.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import types
from typing import Any


class AutodiffUnavailable(RuntimeError):
    pass


def message(name: str) -> str:
    return (f"{name}: {name.split('.')[0]} is not available when grading: submissions use numpy only, and the "
            "backward pass is derived by hand")


class Placeholder:
    """What `torch.tensor` or `from torch import tensor` gives: using it fails."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise AutodiffUnavailable(message(self._name))

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise AutodiffUnavailable(message(f"{self._name}.{attr}"))

    def __repr__(self) -> str:
        return f"<{self._name}: not available when grading>"


class StandIn(types.ModuleType):
    """A module standing in for an autodiff package or one of its submodules."""

    __path__: list[str] = []  # a package: its submodules import as stand-ins too (see Finder)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # keep Python's own probing (__spec__, __file__, ...) quiet
            raise AttributeError(name)
        return Placeholder(f"{self.__name__}.{name}")


class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes any `<package>.<submodule>` import give a stand-in."""

    def __init__(self, packages: tuple[str, ...]) -> None:
        self.packages = packages

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name.split(".")[0] in self.packages and "." in name:
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return StandIn(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


if __name__ != "autograder.unavailable":  # mounted over an autodiff package in the sandbox
    __path__ = []  # noqa: F811
    sys.meta_path.insert(0, Finder((__name__,)))

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(f"{__name__}.{name}")
