"""Text from student code, made safe to show: control characters (ANSI escapes, carriage
returns, terminal resets) become visible escapes, and the length is capped."""
from __future__ import annotations


def escape(text: str, cap: int = 4000) -> str:
    clipped = text[:cap]
    shown = "".join(ch if ch in "\n\t" or ch.isprintable() else repr(ch)[1:-1] for ch in clipped)
    return shown + ("\n[... cut ...]" if len(text) > cap else "")
