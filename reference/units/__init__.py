"""Reference solutions of assignment `units` and their known-wrong variants (instructors only).

Each module is one exercise: its functions in the student contract, and `KNOWN_WRONG`:
mistake id (worded in exercises/units/) -> the functions it replaces. A wrong forward
returns what a forward returns; a wrong backward gets the reference forward's cache; a
wrong derivative of an activation is "<id>:<name>_grad".
"""
