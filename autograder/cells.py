"""Notebook cells as Python (student side: runs where the student's code runs).

IPython syntax (magics, `!` shell lines, `?` help) is not Python: such lines become `pass`,
keeping line numbers, and a cell magic whose body is not Python empties the cell. Cells the
student added keep only their imports, definitions and constants, so exploration, plots and
training runs in them do not run while grading.

This parsing runs on student text, so it runs on the student's side of the sandbox, where
a pathological cell costs the student's own time and memory, never the grader's.
"""
from __future__ import annotations

import ast
import re

from autograder import pyparse

PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # cell magics whose body is Python
# Imports an added cell does not need for grading: the checks themselves (a copied
# `from autograder.notebook import check`) and display-only libraries (slow, and noisy
# without a display). An answer cell runs whole, imports included.
SKIPPED_IMPORTS = {"autograder", "matplotlib", "seaborn", "plotly", "IPython", "ipywidgets"}

_ASSIGNED_MAGIC = re.compile(r"[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!]")


def parses(code: str) -> bool:
    try:
        pyparse.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _is_ipython_line(line: str) -> bool:
    s = line.strip()
    if not s or s.startswith("#"):
        return False
    return s[0] in "%!?" or bool(_ASSIGNED_MAGIC.match(s)) or s.endswith("?")


def strip_magics(code: str) -> str:
    """IPython syntax -> Python with the same line numbers. Valid Python is left alone."""
    if parses(code):
        return code
    lines = code.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = (lines[first].lstrip()[2:].split() or [""])[0]
        if name not in PYTHON_CELL_MAGICS:
            return "\n" * (len(lines) - 1)  # %%bash, %%html, %%writefile...: not Python
        lines[first] = "pass"
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if _is_ipython_line(line) else line
                     for line in lines)


def _skipped_import(node: ast.Import | ast.ImportFrom) -> bool:
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    return any(n.split(".")[0] in SKIPPED_IMPORTS for n in names)


def _is_constant(value: ast.expr) -> bool:
    if isinstance(value, (ast.Lambda, ast.Name)):
        return True
    if isinstance(value, ast.Attribute):  # e.g. sigmoid = scipy.special.expit
        return _is_constant(value.value)
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False
    return True


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return not _skipped_import(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets) and _is_constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.value is not None and _is_constant(node.value)
    return False


def definitions_only(code: str) -> str:
    """The cell's top-level imports and definitions, other lines blanked (numbers kept).
    Raises SyntaxError (and the parser's other errors) for code that is not Python."""
    tree = pyparse.parse(code)
    lines = code.split("\n")
    for node in tree.body:
        if not _is_definition(node):
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            for i in range(start - 1, node.end_lineno or start):
                lines[i] = ""
    return "\n".join(lines)
