"""`ast.parse` behind a process-wide lock.

CPython 3.11's ast.parse is not thread-safe: parsing in two threads at once can fail with
"SystemError: AST constructor recursion depth mismatch" (python/cpython#106905), and a batch
loads submissions in worker threads. Seen here with 2 threads parsing example submissions.
"""
from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str) -> ast.Module:
    with _LOCK:
        return ast.parse(source)
