"""Class 5. Prints, and raises from a function, text made to break whatever shows it:
terminal escapes (clear screen, set title, cursor moves, bell, NUL, C1 controls), rich
markup ([red]..[/red], [link=...]), HTML/JS (<script>, onerror), XML-breaking text (]]>,
form feed), Markdown fences, and CSV formulas (=, +, -, @). Its functions are otherwise the
zeros baseline's.
Expected: every output shows it escaped (no raw control characters in results.json,
feedback.txt or the terminal; no live <script> in the feedback HTML; no formula in
grades.csv); score <= the zeros baseline."""
_HOSTILE = ("\x1b[2J\x1b[H\x1b]0;pwned\x07\r\x08\x00\x9b\x0c [red]RED[/red] [link=file:///etc/passwd]click[/link] "
            "<script>alert('redteam')</script><img src=x onerror=alert(1)> ]]> ```` =HYPERLINK(\"http://x\") "
            "+1 -1 @SUM(A1)")
print(_HOSTILE)
print("=cmd|' /C calc'!A0")


def univariate_forward(params, X, y):
    raise ValueError(_HOSTILE)
