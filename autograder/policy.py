"""The autodiff policy: a backward pass must be derived by hand.

Static detection on the source (imports, importlib.import_module, __import__ with a literal
name); the sandboxed child adds a run-time check of sys.modules, which also catches names
built at run time.
"""
from __future__ import annotations

import ast

from autograder import pyparse

AUTODIFF_MODULES = ("torch", "jax", "jaxlib", "autograd", "tensorflow")
_IMPORT_CALLS = {"import_module", "__import__"}


def _top(name: str) -> str:
    return name.split(".")[0]


def autodiff_imports(source: str) -> list[str]:
    try:
        tree = pyparse.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(_top(a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(_top(node.module))
        elif isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
            if name in _IMPORT_CALLS and node.args and isinstance(node.args[0], ast.Constant):
                if isinstance(node.args[0].value, str):
                    found.add(_top(node.args[0].value))
    return sorted(found & set(AUTODIFF_MODULES))


def autodiff_message(modules: list[str]) -> str:
    names = ", ".join(modules)
    return (
        f"your code uses {names}: the backward pass must be derived by hand, so the gradient "
        "checks get no credit (the forward checks still count)"
    )
