"""The course red team's attacks, each planted into a scratch course directory.

Every attack is a function decorated with @attack: it plants one student's submission (or
a folder in submitted/ that is nobody's submission) and its docstring says the attack and
the expected verdict. Code-level attacks are the other files of this directory (their own
docstrings say what they do): their code is added at the end of the first answer cell of a
notebook whose functions are otherwise the all-zeros baseline's (zeros.py), so an attack
can only score above the baseline if it works.

Phases: "kernel" attacks are planted first and run by `nbgrader autograde` (with the
override, as a TA who runs it anyway would), then by `autograder autograde`; "main" attacks
are planted afterwards and graded by `autograder autograde` only.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import socket
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "tests"))
import notebooks as nbs

ASSIGNMENT, NOTEBOOK = "backprop", "backprop.ipynb"
CORRECT = ROOT / "examples" / "submissions" / "correct.py"
STUB = ROOT / "examples" / "submissions" / "stub.py"
ZEROS = HERE / "zeros.py"
BASELINE = "b_zeros"
VICTIM = "h_victim"  # an honest student that attacks aim at
ABSENT = ("absent_k1", "absent_n")  # students of the course who never submitted
NEIGHBOUR = ".ok"  # "<attack>.ok": an honest student graded right after <attack> (ids sort so)


@dataclass(frozen=True)
class Attack:
    sid: str  # the folder name under submitted/: a student id, or a name that must be refused
    klass: str  # the class of attack, "1".."7"
    plant: Callable[[Course], None]
    doc: str
    verdict: str  # "graded" (zeros-level score), "refused" (nobody's submission: nothing recorded)
    phase: str  # "kernel" (nbgrader autograde runs it first) or "main"
    neighbour: bool  # an honest "<sid>.ok" is graded right after it

    @property
    def known(self) -> bool:
        """A student of the course (added to the gradebook before grading)."""
        return self.verdict == "graded"


ATTACKS: dict[str, Attack] = {}


def attack(sid: str, klass: str, *, verdict: str = "graded", phase: str = "main", neighbour: bool = False):
    def register(fn: Callable[[Course], None]) -> Callable[[Course], None]:
        assert sid not in ATTACKS and fn.__doc__, sid
        ATTACKS[sid] = Attack(sid, klass, fn, " ".join(fn.__doc__.split()), verdict, phase, neighbour)
        return fn
    return register


class Course:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.submitted = root / "submitted"

    def folder(self, name: str | bytes) -> Path:
        """submitted/<name>/backprop/, made (name may be bytes: not UTF-8)."""
        top = Path(os.fsdecode(os.path.join(os.fsencode(self.submitted), os.fsencode(name))))
        folder = top / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def notebook(self, name: str | bytes) -> Path:
        return self.folder(name) / NOTEBOOK

    def write(self, name: str | bytes, nb: dict[str, Any]) -> Path:
        return nbs.write(nb, self.notebook(name))

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.notebook(name)
        path.write_bytes(data)
        return path


# --- notebooks ------------------------------------------------------------------------

def zeros() -> dict[str, Any]:
    return nbs.filled(ZEROS)


def honest() -> dict[str, Any]:
    return nbs.filled(CORRECT)


def with_payload(payload: str, nb: dict[str, Any] | None = None) -> dict[str, Any]:
    """`nb` (default: the zeros baseline) with the code of course_attacks/<payload>.py at the
    end of its first answer cell."""
    nb = zeros() if nb is None else nb
    first = nbs.answer_cells(nb)[0]
    first["source"] = first["source"] + "\n\n\n" + (HERE / f"{payload}.py").read_text()
    return nb


def first_answer(nb: dict[str, Any]) -> dict[str, Any]:
    return nbs.answer_cells(nb)[0]


def release_cell(nb: dict[str, Any], grade_id: str) -> dict[str, Any]:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


# --- class 1: kernels run by `nbgrader autograde` ---------------------------------------

@attack("k1_gradebook", "1", phase="kernel")
def _k1(c: Course) -> None:
    """kernel_gradebook.py: in nbgrader's kernel, writes manual scores and extra credit for
    itself, manual zeros for an honest classmate, forged submissions for a non-submitter and
    for a student it creates. Expected: <= baseline, the classmate keeps 29, no forged grade
    is exported."""
    c.write("k1_gradebook", with_payload("kernel_gradebook"))


@attack("k2_print_reference", "1", phase="kernel")
def _k2(c: Course) -> None:
    """kernel_print_reference.py: in nbgrader's kernel, prints the reference and the course
    secret into its output and plants feedback and autograded files. Expected: no feedback
    file or autograded notebook shows the reference, the planted canary or the secret."""
    c.write("k2_print_reference", with_payload("kernel_print_reference"))


@attack("k3_replace_check", "1", phase="kernel", neighbour=True)
def _k3(c: Course) -> None:
    """kernel_replace_check.py: replaces `check` in nbgrader's kernel (every test cell
    scores full there), then sends the sandboxed grader a result of the wrong shape to make
    it fail. Expected: the sandbox's score (<= baseline) replaces the forged one; the forged
    answer is this submission's failure, never a grader error."""
    c.write("k3_replace_check", with_payload("kernel_replace_check"))


@attack("k4_append_reference", "1", phase="kernel")
def _k4(c: Course) -> None:
    """kernel_append_reference.py: appends code to reference/backprop/univariate.py from nbgrader's
    kernel; that code would give this student full marks if the grader ran the reference in
    its own process. Expected: <= baseline (the reference runs sandboxed), everyone else is
    graded as usual."""
    c.write("k4_append_reference", with_payload("kernel_append_reference"))


# --- class 2: identity from untrusted paths ---------------------------------------------

@attack("n_nested", "2")
def _nested(c: Course) -> None:
    """Its own folder holds the zeros baseline, plus submitted/h_victim/backprop/backprop.ipynb
    (the stub, to lower an honest classmate) and submitted/absent_n/backprop/backprop.ipynb
    (the solution, for a classmate who never submitted) nested inside its submission.
    Expected: graded on its own notebook only (<= baseline); h_victim keeps 29; absent_n
    gets no submission."""
    c.write("n_nested", zeros())
    nested = c.folder("n_nested")
    nbs.write(nbs.filled(STUB), nested / "submitted" / VICTIM / ASSIGNMENT / NOTEBOOK)
    nbs.write(honest(), nested / "submitted" / "absent_n" / ASSIGNMENT / NOTEBOOK)


@attack("l_solutions", "2")
def _l_solutions(c: Course) -> None:
    """backprop.ipynb is a symbolic link to the course's solutions/backprop/backprop.ipynb.
    Expected: refused as a link (zeros, a message saying so)."""
    c.notebook("l_solutions").symlink_to(c.root / "solutions" / ASSIGNMENT / NOTEBOOK)


@attack("l_reference", "2")
def _l_reference(c: Course) -> None:
    """backprop.ipynb is a symbolic link to reference/backprop/univariate.py. Expected: refused as a
    link; the reference's text appears nowhere."""
    c.notebook("l_reference").symlink_to(c.root / "reference" / ASSIGNMENT / "univariate.py")


@attack("l_peer", "2")
def _l_peer(c: Course) -> None:
    """backprop.ipynb is a relative symbolic link to h_victim's notebook. Expected: refused
    as a link; h_victim's grade and files are untouched."""
    c.notebook("l_peer").symlink_to(Path("..") / ".." / VICTIM / ASSIGNMENT / NOTEBOOK)


@attack("l_hard", "2")
def _l_hard(c: Course) -> None:
    """backprop.ipynb is a HARD link to solutions/backprop/backprop.ipynb (what extracting a
    student's tar archive with a hard-link member, or a shared file system, can leave).
    O_NOFOLLOW does not see it: it is a regular file with st_nlink > 1, owned by the TA.
    Expected: not graded as the solution (<= baseline)."""
    os.link(c.root / "solutions" / ASSIGNMENT / NOTEBOOK, c.notebook("l_hard"))


@attack("l_dir_student", "2")
def _l_dir_student(c: Course) -> None:
    """submitted/l_dir_student is a symbolic link to submitted/h_victim. Expected: refused
    (zeros, a message); h_victim untouched."""
    c.submitted.mkdir(parents=True, exist_ok=True)
    (c.submitted / "l_dir_student").symlink_to(VICTIM)


@attack("l_dir_assignment", "2")
def _l_dir_assignment(c: Course) -> None:
    """submitted/l_dir_assignment/backprop is a symbolic link to solutions/backprop.
    Expected: refused (zeros, a message)."""
    (c.submitted / "l_dir_assignment").mkdir(parents=True)
    (c.submitted / "l_dir_assignment" / ASSIGNMENT).symlink_to(c.root / "solutions" / ASSIGNMENT)


@attack("l_assignment_file", "2")
def _l_assignment_file(c: Course) -> None:
    """submitted/l_assignment_file/backprop is a regular file (holding a notebook).
    Expected: refused (zeros, a message)."""
    (c.submitted / "l_assignment_file").mkdir(parents=True)
    (c.submitted / "l_assignment_file" / ASSIGNMENT).write_text(json.dumps(honest()))


@attack("f_fifo", "2")
def _f_fifo(c: Course) -> None:
    """backprop.ipynb is a FIFO nobody writes to (a plain open() blocks forever). Expected:
    refused at once as a FIFO; nothing stalls."""
    os.mkfifo(c.notebook("f_fifo"))


@attack("f_socket", "2")
def _f_socket(c: Course) -> None:
    """backprop.ipynb is a unix socket. Expected: refused as a socket."""
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(c.notebook("f_socket")))
    s.close()


@attack("f_device", "2")
def _f_device(c: Course) -> None:
    """backprop.ipynb is a character device (1, 5: an endless stream of zeros, like
    /dev/zero). Expected: refused as a device; nothing reads it."""
    os.mknod(c.notebook("f_device"), stat.S_IFCHR | 0o644, os.makedev(1, 5))


@attack("f_dir", "2")
def _f_dir(c: Course) -> None:
    """backprop.ipynb is a directory (holding a notebook). Expected: refused as a directory."""
    nbs.write(honest(), c.notebook("f_dir") / NOTEBOOK)


@attack("f_missing", "2")
def _f_missing(c: Course) -> None:
    """The folder holds the solution under another name ("Backprop (1).ipynb") and no
    backprop.ipynb. Expected: zeros, "cannot read backprop.ipynb"."""
    nbs.write(honest(), c.folder("f_missing") / "Backprop (1).ipynb")


@attack("f_empty", "2")
def _f_empty(c: Course) -> None:
    """backprop.ipynb is empty. Expected: zeros, "not valid JSON"."""
    c.write_bytes("f_empty", b"")


INVALID_IDS: dict[str, str | bytes] = {  # attack name -> folder name under submitted/
    "i_space": "a b",
    "i_newline": "x\ny",
    "i_escape": "\x1b[31mred\x1b[0m\x1b]0;pwned\x07",
    "i_bytes": b"\xff\xfe\x80bytes",
    "i_long": "a" * 65,
    "i_dash": "-rf",
    "i_formula": '=HYPERLINK("evil")',
    "i_markup": "[blink]x[link=http:evil]y",
    "i_unicode": "\u00e9tudiant",
    "i_rtl": "ab\u202egnp.exe",
}


def _invalid(name: str | bytes) -> Callable[[Course], None]:
    def plant(c: Course) -> None:
        c.write(name, honest())
    return plant


for _attack, _name in INVALID_IDS.items():
    _plant = _invalid(_name)
    _plant.__doc__ = (f"A folder submitted/{_name!r}/ holding the solution notebook: not a valid student id "
                      "(spaces, newlines, escapes, bytes that are not UTF-8, 65 characters, a leading dash, a "
                      "formula, rich markup, non-ASCII, a right-to-left override; '..' cannot be a folder name). "
                      "Expected: refused (listed, escaped, in the summary), nobody is graded or created for it, "
                      "no output file is written for it.")
    attack(_attack, "2", verdict="refused")(_plant)


REFUSED_FOLDERS: dict[str, str | bytes] = {**INVALID_IDS, "i_hidden": ".hidden", "u_unknown": "u_unknown"}


@attack("i_hidden", "2", verdict="refused")
def _i_hidden(c: Course) -> None:
    """A folder submitted/.hidden/ holding the solution notebook. Expected: not graded, not
    created (hidden folders are skipped)."""
    c.write(".hidden", honest())


@attack("u_unknown", "2", verdict="refused")
def _u_unknown(c: Course) -> None:
    """A valid id that is not a student of the course, holding the solution. Expected:
    refused (not in the gradebook), not created."""
    c.write("u_unknown", honest())


@attack("a_b", "2")
def _a_b(c: Course) -> None:
    """Not an attack on its own: an honest student "a_b" next to the invalid folder "a b"
    (i_space), the same name once sanitised. Expected: a_b scores 29 from its own notebook,
    in its own output folder."""
    c.write("a_b", honest())


@attack("CaseX", "2")
def _case_upper(c: Course) -> None:
    """"CaseX" (the stub) and "casex" (honest) differ only in case. Expected: each graded on
    its own notebook: CaseX <= baseline, casex 29."""
    c.write("CaseX", nbs.filled(STUB))
    c.write("casex", honest())


@attack("autograded", "2")
def _id_autograded(c: Course) -> None:
    """A student whose id is the name of an nbgrader directory ("autograded"), with the
    zeros baseline. Expected: graded like anyone (<= baseline); no nbgrader directory is
    disturbed."""
    c.write("autograded", zeros())


@attack("u@x.y+z", "2")
def _id_symbols(c: Course) -> None:
    """A valid id with @, . and + (changed when made a folder name in out/), with the zeros
    baseline. Expected: <= baseline, in an output folder of its own."""
    c.write("u@x.y+z", zeros())


# --- timestamp.txt ----------------------------------------------------------------------

def _timestamped(c: Course, sid: str, make: Callable[[Path], None]) -> None:
    c.write(sid, zeros())
    make(c.folder(sid) / "timestamp.txt")


@attack("t_fifo", "2")
def _t_fifo(c: Course) -> None:
    """timestamp.txt is a FIFO. Expected: ignored with a note; graded as usual."""
    _timestamped(c, "t_fifo", os.mkfifo)


@attack("t_link", "2")
def _t_link(c: Course) -> None:
    """timestamp.txt is a link to reference/backprop/univariate.py. Expected: ignored with a note (a
    link); the reference's text appears nowhere."""
    _timestamped(c, "t_link", lambda p: p.symlink_to(c.root / "reference" / ASSIGNMENT / "univariate.py"))


@attack("t_huge", "2")
def _t_huge(c: Course) -> None:
    """timestamp.txt is 5 MB. Expected: ignored with a note, read no further than its cap."""
    _timestamped(c, "t_huge", lambda p: p.write_text("2024-01-01 00:00:00 " * 250_000))


@attack("t_garbage", "2")
def _t_garbage(c: Course) -> None:
    """timestamp.txt holds escapes and no time. Expected: ignored with a note."""
    _timestamped(c, "t_garbage", lambda p: p.write_text("\x1b[2J not a time \x00"))


@attack("t_overflow", "2")
def _t_overflow(c: Course) -> None:
    """timestamp.txt holds the last second of year 9999 at UTC-23:59 (past datetime.max
    once in UTC). Expected: ignored with a note, never a grader error."""
    _timestamped(c, "t_overflow", lambda p: p.write_text("9999-12-31 23:59:59 -2359"))


# --- class 3: unbounded or partial parsing ----------------------------------------------

@attack("p_bignum", "3")
def _p_bignum(c: Course) -> None:
    """A notebook whose execution_count is a 5000-digit number. Expected: "not valid JSON"
    (number too long), zeros."""
    text = json.dumps(zeros()).replace('"execution_count": null', '"execution_count": ' + "7" * 5000, 1)
    c.write_bytes("p_bignum", text.encode())


@attack("p_deep", "3")
def _p_deep(c: Course) -> None:
    """Metadata holding arrays nested 100,000 deep. Expected: "not valid JSON" (nested too
    deeply), zeros, no crash of the grader."""
    text = json.dumps(zeros())
    c.write_bytes("p_deep", (text[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}").encode())


@attack("p_2mb_line", "3")
def _p_2mb_line(c: Course) -> None:
    """An answer cell of one 2 MB expression line. Expected: the cell is refused for its
    size (zeros), the grader never parses it."""
    nb = zeros()
    first_answer(nb)["source"] = "x = " + "1+" * 1_000_000 + "1"
    c.write("p_2mb_line", nb)


@attack("p_big_answer", "3")
def _p_big_answer(c: Course) -> None:
    """An answer cell of 6 MB (many lines). Expected: refused for its size, zeros."""
    nb = zeros()
    first_answer(nb)["source"] += "\n" + "# padding padding padding padding\n" * 180_000
    c.write("p_big_answer", nb)


@attack("p_sum_line", "3", neighbour=True)
def _p_sum_line(c: Course) -> None:
    """An answer cell (just under the per-cell cap) holding one expression of 95,000
    additions, before the baseline's functions in the next cells. Expected: the student's
    side fails to compile that cell (its own cost, in the sandbox), the rest is graded."""
    nb = zeros()
    first_answer(nb)["source"] = "x = " + "1+" * 95_000 + "1\n\n" + first_answer(nb)["source"]
    c.write("p_sum_line", nb)


@attack("p_parens", "3")
def _p_parens(c: Course) -> None:
    """An answer cell of 99,000 nested parentheses (pathological for a parser). Expected:
    parsed only on the student's side: "cell 5 was not run", the rest graded."""
    nb = zeros()
    first_answer(nb)["source"] = "(" * 99_000 + ")" * 99_000 + "\n\n" + first_answer(nb)["source"]
    c.write("p_parens", nb)


@attack("p_100k_cells", "3")
def _p_100k_cells(c: Course) -> None:
    """100,000 cells (code cells of one function each). Expected: refused for its number of
    cells, zeros; the autograded notebook does not copy them."""
    nb = zeros()
    nb["cells"] += [nbs.code_cell(f"def f{i}():\n    return {i}") for i in range(100_000)]
    c.write_bytes("p_100k_cells", json.dumps(nb, separators=(",", ":")).encode())  # 11 MB: under the size cap


@attack("p_17mb", "3", neighbour=True)
def _p_17mb(c: Course) -> None:
    """A 17 MB notebook (the solution padded with outputs). Expected: refused for its size,
    zeros, never read whole."""
    nb = honest()
    first_answer(nb)["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "z" * 17_000_000}]
    c.write("p_17mb", nb)


@attack("p_outputs", "3")
def _p_outputs(c: Course) -> None:
    """A valid notebook (the zeros baseline) under the size cap but with 10 MB of outputs,
    including HTML with a script and a forged "autograder: 29/29" line. Expected: graded
    (<= baseline); none of the outputs reaches the autograded notebook or the feedback."""
    nb = zeros()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": "autograder: 29/29 points\n" + "o" * 500_000},
                {"output_type": "display_data", "metadata": {},
                 "data": {"text/html": "<script>alert('redteam-output')</script>", "text/plain": "x"}}]
    c.write("p_outputs", nb)


@attack("p_derivation_markup", "5")
def _p_derivation_markup(c: Course) -> None:
    """The written derivations (markdown answer cells, graded by a TA in formgrader and
    rendered by generate_feedback) hold a script, an image whose onerror runs script, a
    javascript: link and raw HTML. Expected: graded as the zeros baseline; the feedback HTML
    shows the text, never live markup."""
    nb = zeros()
    for cell in nbs.answer_cells(nb):
        if cell["cell_type"] == "markdown":
            cell["source"] = ("<script>alert('redteam-md')</script>\n\n<img src=x onerror=alert(1)>\n\n"
                              "[click](javascript:alert(1))\n\n[ref]: javascript:alert(2)\n\n"
                              "<iframe src=\"javascript:alert(3)\"></iframe> $a < b$")
    c.write("p_derivation_markup", nb)


@attack("p_hidden_lines", "3", neighbour=True)
def _p_hidden_lines(c: Course) -> None:
    """A read-only test cell replaced by 190,000 characters of "### BEGIN HIDDEN TESTS" lines
    and no END (quadratic for a naive regex). Expected: linear handling: a note that the
    read-only cell was changed, graded as usual, no stall."""
    nb = zeros()
    release_cell(nb, "univariate_forward")["source"] = "### BEGIN HIDDEN TESTS\n" * (190_000 // 23)
    c.write("p_hidden_lines", nb)


@attack("p_many_notes", "3")
def _p_many_notes(c: Course) -> None:
    """900 copies of a read-only test cell, each edited and with changed metadata (one note
    each without a cap). Expected: the notes are capped ("more notes like these")."""
    nb = zeros()
    test = release_cell(nb, "univariate_forward")
    for i in range(900):
        cell = copy.deepcopy(test)
        cell["source"] = f"score = 2.0  # edit {i}"
        cell["metadata"]["nbgrader"]["points"] = 99.0
        cell.pop("id", None)
        nb["cells"].append(cell)
    c.write("p_many_notes", nb)


@attack("p_dup_test_id", "3")
def _p_dup_test_id(c: Course) -> None:
    """The solution's code in a cell whose grade id is a test cell's (univariate_forward),
    the answer cells left as the zeros baseline. Expected: that cell does not run (the
    release says it is a test cell), <= baseline, a note."""
    nb = zeros()
    cell = copy.deepcopy(release_cell(nb, "univariate_forward"))
    cell["source"] = CORRECT.read_text()
    cell["metadata"]["nbgrader"].update(solution=True, grade=False)
    cell.pop("id", None)
    nb["cells"].append(cell)
    c.write("p_dup_test_id", nb)


@attack("p_foreign_ids", "3")
def _p_foreign_ids(c: Course) -> None:
    """No answer cell; four cells with grade ids of a megabyte each, with escapes, with a
    lone surrogate and with markup (a notebook "of another assignment"). Expected: "not a
    submission of assignment 'backprop'", zeros; no id is copied into any output."""
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    for grade_id in ("G" * 1_000_000, "id\x1b[2J\x1b]0;pwned\x07", "id\udcff", "[red]x[/red]<script>"):
        nb["cells"].append(nbs.code_cell("x = 1", nbgrader={"grade_id": grade_id, "solution": True,
                                                            "grade": False, "locked": False}))
    c.write("p_foreign_ids", nb)


@attack("p_bad_ids", "3")
def _p_bad_ids(c: Course) -> None:
    """The zeros baseline plus added code cells whose grade ids are a megabyte, hold escapes
    and newlines, a lone surrogate, or are an int. Expected: graded (<= baseline); the ids
    are ignored and copied nowhere."""
    nb = zeros()
    for grade_id in ("H" * 1_000_000, "univariate_forward_code\x1b[2J\n", "\udcff", 12345):
        nb["cells"].append(nbs.code_cell("y = 2", nbgrader={"grade_id": grade_id, "solution": True,
                                                            "grade": True, "points": 99}))
    c.write("p_bad_ids", nb)


@attack("p_wrong_types", "3")
def _p_wrong_types(c: Course) -> None:
    """The zeros baseline with wrong JSON types in every field the grader reads but cells
    and sources: a markdown cell's metadata is a list, a test cell's nbgrader metadata is a
    string, an answer cell's points are a string and its grade/solution flags are strings,
    another test cell's grade_id is an int, nbformat is a string. Expected: graded
    (<= baseline), clear notes, no crash."""
    nb = zeros()
    nb["nbformat"] = "4"
    test, answer, other = (release_cell(nb, i) for i in ("univariate_backward", "multivariate_forward_code",
                                                          "multivariate_forward"))
    test["metadata"]["nbgrader"] = "grade"
    answer["metadata"]["nbgrader"].update(points="29", grade="yes", solution="yes")
    other["metadata"]["nbgrader"]["grade_id"] = 7
    next(c for c in nb["cells"] if c["cell_type"] == "markdown")["metadata"] = ["not", "a", "dict"]
    c.write("p_wrong_types", nb)


@attack("p_cells_dict", "3")
def _p_cells_dict(c: Course) -> None:
    """"cells" is an object, not a list. Expected: "not a Jupyter notebook", zeros."""
    nb = zeros()
    nb["cells"] = {str(i): cell for i, cell in enumerate(nb["cells"])}
    c.write("p_cells_dict", nb)


@attack("p_source_dict", "3")
def _p_source_dict(c: Course) -> None:
    """An answer cell whose source is an object. Expected: "cell N is malformed", zeros."""
    nb = zeros()
    first_answer(nb)["source"] = {"def univariate_forward": "(params, X, y)"}
    c.write("p_source_dict", nb)


@attack("p_top_list", "3")
def _p_top_list(c: Course) -> None:
    """The JSON document is a list of cells, not an object. Expected: "not a Jupyter
    notebook", zeros."""
    c.write_bytes("p_top_list", json.dumps(zeros()["cells"]).encode())


@attack("p_not_utf8", "3")
def _p_not_utf8(c: Course) -> None:
    """The notebook's bytes are not UTF-8 (Latin-1 text with a \\xff). Expected: "not UTF-8
    text", zeros."""
    c.write_bytes("p_not_utf8", json.dumps(zeros()).replace("zeros", "z\u00ffros").encode("latin-1"))


@attack("p_surrogate_src", "3")
def _p_surrogate_src(c: Course) -> None:
    """The zeros baseline with a lone surrogate (\\udcff, as JSON "\\udcff") in a comment of
    an answer cell: valid JSON, not encodable as UTF-8. Expected: graded (<= baseline) and
    every later step works: the autograded notebook it leads to can be written as UTF-8, and
    `nbgrader generate_feedback` makes a feedback file for everyone (exit 0)."""
    nb = zeros()
    first_answer(nb)["source"] += "\n# \udcff lone surrogate\n"
    c.write("p_surrogate_src", nb)


@attack("p_frames", "3", neighbour=True)
def _p_frames(c: Course) -> None:
    """forged_frames.py: hostile but well-framed answers from the child (100,000-deep
    nesting, a 5000-digit number, a header over 256 KiB, wrong types, NaN). Expected: each
    is this submission's failure ("malformed answer"), never a grader error."""
    c.write("p_frames", with_payload("forged_frames"))


# --- class 5: output ----------------------------------------------------------------------

@attack("o_markup", "5", neighbour=True)
def _o_markup(c: Course) -> None:
    """output_markup.py: prints and raises escapes, rich markup, HTML/JS, XML breakers,
    Markdown fences and CSV formulas. Expected: shown escaped everywhere, capped."""
    c.write("o_markup", with_payload("output_markup"))


# --- class 6: answers computable from the student package ---------------------------------

def _key(arrays: list[Any]) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.asarray(a, dtype=float)).tobytes())
    return h.hexdigest()


def lookup_table() -> dict[str, Any]:
    """The reference's outputs on every PUBLIC input (the notebooks' cases: no secret),
    computed offline as a student could with the package and their own correct code."""
    import importlib

    from autograder import course
    from autograder.spec import rng_for

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    table: dict[str, Any] = {}
    for ex in course.assignment(ASSIGNMENT).exercises:
        ref = importlib.import_module(f"reference.{ASSIGNMENT}.{ex.name}")
        forward, backward = getattr(ref, ex.forward_name), getattr(ref, ex.backward_name)
        for dims in ex.shapes():  # no secret: the public shapes and inputs
            case = ex.case(dims)
            y_hat, loss, cache = forward(case.params, case.X, case.y)
            grads = backward(case.params, cache)
            key = _key([case.X, case.y, *(case.params[k] for k in sorted(case.params))])
            table[key] = [np.asarray(y_hat).tolist(), float(loss),
                          {k: np.asarray(v, dtype=float).tolist() for k, v in grads.items()}]
        for helper in ex.helpers:
            for z in helper.inputs(rng_for(None, helper.name), False):
                table[_key([z])] = np.asarray(getattr(ref, helper.name)(z), dtype=float).tolist()
    return table


LOOKUP_CODE = '''
import hashlib as _hashlib

import numpy as np

_TABLE = {table!r}


def _key(arrays):
    h = _hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.asarray(a, dtype=float)).tobytes())
    return h.hexdigest()


def _forward(params, X, y):
    key = _key([X, y, *(params[k] for k in sorted(params))])
    if key in _TABLE:
        return np.array(_TABLE[key][0]), _TABLE[key][1], key
    return np.zeros((1, X.shape[1])), 0.0, None


def _backward(params, cache):
    if cache in _TABLE:
        return {{k: (np.array(v) if np.ndim(v) else float(v)) for k, v in _TABLE[cache][2].items()}}
    return {{k: np.zeros(np.shape(v)) for k, v in params.items()}}


def sigmoid(z):
    key = _key([z])
    return np.array(_TABLE[key]) if key in _TABLE else np.zeros(np.shape(z))


univariate_forward = multivariate_forward = two_layer_linear_forward = sigmoid_mlp_forward = _forward
univariate_backward = multivariate_backward = two_layer_linear_backward = sigmoid_mlp_backward = _backward
'''


@attack("c6_lookup", "6", neighbour=True)
def _c6_lookup(c: Course) -> None:
    """A submission that is only a lookup table: the reference's outputs for the notebook's
    PUBLIC inputs (computed offline here with the exercises' declarations and reference/backprop/,
    as a student could with their own correct code), zeros for anything else. Expected:
    graded on the course secret's inputs, it scores <= the zeros baseline."""
    nb = zeros()
    for cell in nbs.answer_cells(nb):
        cell["source"] = ""
    first_answer(nb)["source"] = LOOKUP_CODE.format(table=lookup_table())
    c.write("c6_lookup", nb)


# --- class 7: what a child leaves behind --------------------------------------------------

@attack("z_tree", "7", neighbour=True)
def _z_tree(c: Course) -> None:
    """scratch_tree.py: a 10,000-deep tree, mode 000 directories, a FIFO, a socket, a
    locked work directory. Expected: the honest neighbour keeps 29, the run exits 0."""
    c.write("z_tree", with_payload("scratch_tree"))


@attack("z_workdir", "7", neighbour=True)
def _z_workdir(c: Course) -> None:
    """workdir_lock.py: files in a mode 000 directory, the work directory made mode 000.
    Expected: the honest neighbour keeps 29."""
    c.write("z_workdir", with_payload("workdir_lock"))


@attack("s_vandal", "7", neighbour=True)
def _s_vandal(c: Course) -> None:
    """vandal.py: correct functions, plus top-level code that overwrites and deletes every
    file it can reach in the sandbox. Expected: 29 (its own functions are right), the
    neighbour keeps 29."""
    c.write("s_vandal", with_payload("vandal", honest()))


# --- the course ---------------------------------------------------------------------------

def honest_students() -> list[str]:
    """The honest students of the main run: the victim, every attack's neighbour, and the
    honest halves of the identity pairs."""
    return sorted([VICTIM, "casex", "a_b", "s_vandal", *(a.sid + NEIGHBOUR for a in ATTACKS.values() if a.neighbour)])


def known_students() -> list[str]:
    """Every student the gradebook knows before grading (never the refused folders)."""
    return sorted({BASELINE, *ABSENT, *honest_students(), *(a.sid for a in ATTACKS.values() if a.known)})


def plant(c: Course, phase: str) -> None:
    for a in ATTACKS.values():
        if a.phase == phase:
            a.plant(c)
    if phase == "main":
        c.write(BASELINE, zeros())
        for sid in honest_students():
            if not c.notebook(sid).exists():
                c.write(sid, honest())
