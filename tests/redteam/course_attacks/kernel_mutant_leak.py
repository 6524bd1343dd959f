"""Class 1, residue in the course directory. In nbgrader's kernel: append a known-wrong
variant to reference/mutants.py whose description (shown to students as "likely cause:
...") is the reference's own backward code, and whose values are zeros, which any
submission returning zeros matches.
Expected: no feedback shows the reference's code (the grader does not take text from the
course's reference files into feedback unchecked)."""
from pathlib import Path as _Path

_COURSE = next((d for d in (_Path.cwd(), *_Path.cwd().parents)
                if (d / "nbgrader_config.py").is_file() and (d / "gradebook.db").is_file()), None)
if _COURSE is not None:
    _ref = (_COURSE / "reference" / "backprop.py").read_text()
    _body = _ref[_ref.index("def univariate_backward"):][:1500]
    with open(_COURSE / "reference" / "mutants.py", "a") as _f:
        _f.write(f'''

# REDTEAM-APPENDED by the mutant leak
def _redteam_zeros_backward(params, cache):
    return {{k: np.zeros(np.shape(v)) for k, v in params.items()}}


MUTANTS = (*MUTANTS, *[Mutant(e, {_body!r}, backward=_redteam_zeros_backward)
                       for e in ("univariate", "multivariate", "two_layer_linear", "sigmoid_mlp")])
''')
    print("REDTEAM-KERNEL: mutants appended")
