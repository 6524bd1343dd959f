"""Text from submissions, made safe to show, and the caps every report applies.

Control characters (ANSI escapes, carriage returns, terminal resets, lone surrogates from
undecodable file names) become visible escapes, and every piece of text is capped, so a
submission can neither drive a terminal nor flood a report. The same caps hold in every
output: terminal, feedback files, results.json, JUnit, CSV, gradebook comments.
"""
from __future__ import annotations

LABEL_CAP = 100  # a file name, path or student id
MESSAGE_CAP = 1500  # one check's message
NOTE_CAP = 500  # one note about how a submission was read
OUTPUT_CAP = 4000  # what the student's code printed
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell starting so


def escape(text: str, cap: int = OUTPUT_CAP) -> str:
    clipped = text[:cap]
    shown = "".join(ch if ch in "\n\t" or ch.isprintable() else repr(ch)[1:-1] for ch in clipped)
    return shown + ("\n[... cut ...]" if len(text) > cap else "")


def label(text: str) -> str:
    """A name on one line: escaped, capped, newlines and tabs shown as escapes too."""
    return escape(text, LABEL_CAP).replace("\n", "\\n").replace("\t", "\\t")


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet takes for a formula (a leading quote shows it as text)."""
    return "'" + text if text.startswith(FORMULA_START) else text


WRITTEN_CAP = 20_000  # a written derivation: a page of markdown and LaTeX


def written_answer(markdown: str) -> str:
    """A student's markdown answer (a derivation), safe for the HTML that formgrader and
    generate_feedback render from it: no raw HTML (a script, an <img onerror>), no link or
    image that could carry a javascript: URL. Entities keep what the student sees (MathJax
    reads the rendered text, so $a < b$ still shows as math)."""
    text = escape(markdown, WRITTEN_CAP).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("](", "]\\(").replace("]:", "]\\:")


# Markdown (Gradescope's "md" output format). Text from a submission never reaches a
# Markdown renderer as Markdown: it is either inside a code span or block, whose content is
# shown literally (HTML included), or every character Markdown or HTML could read as markup
# is escaped.
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|~:=")
_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def md_text(text: str, cap: int = NOTE_CAP) -> str:
    """Escaped, capped text that Markdown shows as it is (one paragraph's worth)."""
    out = []
    for ch in escape(text, cap):
        if ch in _HTML_ENTITIES:
            out.append(_HTML_ENTITIES[ch])
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _longest_run(text: str, ch: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c == ch else 0
        longest = max(longest, run)
    return longest


def md_code(text: str, cap: int = LABEL_CAP) -> str:
    """An inline code span that no backtick inside the text can close early."""
    shown = label(text)[:cap + 20]
    fence = "`" * (_longest_run(shown, "`") + 1)
    return f"{fence} {shown} {fence}"


def md_block(text: str, cap: int = OUTPUT_CAP) -> str:
    """A fenced code block that no line of the text can close early."""
    shown = escape(text, cap)
    fence = "`" * max(3, _longest_run(shown, "`") + 1)
    return f"{fence}text\n{shown}\n{fence}"
