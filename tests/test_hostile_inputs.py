"""Every byte of a submission is hostile in the grader's own process: names, links, notebook
JSON, frames from the child. Each defence here has a test that shows the attack fails, and
(where the defence is a rule) what the naive version would have done."""
from __future__ import annotations

import json
import os
import struct
import time
from pathlib import Path

import numpy as np
import pytest

import notebooks as nbs
from autograder import ipynb, protocol, wire
from autograder.files import FileRefused, read_regular
from autograder.layout import course_submissions, discover, valid_student_id
from autograder.student import Batch, Call, Ref
from autograder.submission import SubmissionError, load
from autograder.values import Malformed, decode

# --- identity: who a submission belongs to -----------------------------------------------


def _submit(root: Path, student: str, nb: dict) -> Path:
    return nbs.write(nb, root / "submitted" / student / "backprop" / "backprop.ipynb")


def test_a_student_is_a_top_level_folder_only_never_a_nested_one(tmp_path):
    """A `submitted/<victim>/backprop/...` folder inside one's own submission is a folder,
    not the victim's submission."""
    _submit(tmp_path, "mallory", nbs.release())
    _submit(tmp_path / "submitted" / "mallory" / "backprop", "alice", nbs.solved())
    _submit(tmp_path, "alice", nbs.release())
    jobs, refused = course_submissions(tmp_path / "submitted", "backprop", "backprop.ipynb")
    assert [(j.student, j.path.relative_to(tmp_path).as_posix()) for j in jobs] == [
        ("alice", "submitted/alice/backprop/backprop.ipynb"), ("mallory", "submitted/mallory/backprop/backprop.ipynb")]
    assert refused == []


def test_linked_folders_are_refused_with_a_reason_never_followed(tmp_path):
    _submit(tmp_path, "alice", nbs.solved())
    (tmp_path / "submitted" / "bob").symlink_to(tmp_path / "submitted" / "alice")
    (tmp_path / "submitted" / "carol").mkdir()
    (tmp_path / "submitted" / "carol" / "backprop").symlink_to(tmp_path / "submitted" / "alice" / "backprop")
    jobs, _ = course_submissions(tmp_path / "submitted", "backprop", "backprop.ipynb")
    problems = {j.student: j.problem for j in jobs}
    assert problems["alice"] is None
    assert problems["bob"] == "submitted/bob is a symbolic link: refused (a submission is a folder holding the notebook)"
    assert problems["carol"].startswith("submitted/carol/backprop is a symbolic link: refused")


@pytest.mark.parametrize("name", ["..x", ".hidden", "a b", "a\x1b[31mred", "x" * 65, "a/b", "naïve", "-rf", "", "é"])
def test_student_ids_are_validated(name):
    assert not valid_student_id(name)


def test_invalid_folder_names_are_refused_escaped_and_never_abort_the_batch(tmp_path):
    submitted = tmp_path / "submitted"
    _submit(tmp_path, "alice", nbs.solved())
    os.makedirs(os.path.join(os.fsencode(submitted), b"bad\xffname", b"backprop"))
    (submitted / "esc\x1b]0;pwned\x07").mkdir()
    jobs, refused = course_submissions(submitted, "backprop", "backprop.ipynb")
    assert [j.student for j in jobs] == ["alice"]
    labels = sorted(r.label for r in refused)
    assert labels == ["bad\\udcffname", "esc\\x1b]0;pwned\\x07"]
    assert all(r.reason.startswith("not a valid student id") for r in refused)


def test_grade_mode_does_not_enter_linked_directories_and_refuses_linked_files(tmp_path, oracles):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "inside.py").write_text((nbs.EXAMPLES / "stub.py").read_text())
    (subs / "linked_dir").symlink_to(nbs.EXAMPLES)
    (subs / "link.py").symlink_to(nbs.EXAMPLES / "correct.py")
    labels = [j.label for j in discover([subs])]
    assert labels == ["inside.py", "link.py"]
    result = nbs.grade(subs / "link.py", oracles)
    assert result.score == 0 and "link.py is a symbolic link" in nbs.message(result, "univariate: forward: y_hat")


def test_a_hard_link_to_someone_elses_file_is_refused(tmp_path, oracles):
    """O_NOFOLLOW does not see a hard link: a student's backprop.ipynb that is another name of
    the solutions notebook (same filesystem) would be graded as theirs."""
    solutions = tmp_path / "solutions.py"
    solutions.write_text((nbs.EXAMPLES / "correct.py").read_text())
    link = tmp_path / "mine.py"
    os.link(solutions, link)
    result = nbs.grade(link, oracles)
    assert result.score == 0
    assert "mine.py is a hard link (a second name of another file)" in nbs.message(result, "univariate: forward: y_hat")


def test_a_name_with_a_newline_stays_on_its_row_of_the_summary(capsys):
    from autograder.cli import summary
    from autograder.verdicts import SubmissionResult

    forged = "bob\n│ alice  │ 29/29 │"
    summary([SubmissionResult(forged, [])], refused=[(forged, f"submitted/{forged} is not a folder")])
    err = capsys.readouterr().err
    assert "bob\\n" in err
    assert not [line for line in err.splitlines() if line.lstrip("│ ").startswith("alice")]


def test_the_autograded_notebook_holds_capped_writable_text_whatever_the_cells_held(tmp_path):
    """What generate_feedback renders: a lone surrogate made it fail (no feedback for that
    student); 14 MB of added cells made it take 41 s and write 27 MB of HTML."""
    from autograder import autograded
    from autograder.ipynb import read_cells, read_release
    from autograder.verdicts import SubmissionResult

    nb = nbs.solved()
    nbs.cell(nb, "univariate_backward_code")["source"] = "x = '\udcff'  # a lone surrogate\n" + "y = 1\n" * 10_000
    nb["cells"] += [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": "# added\n" * 10_000} for _ in range(60)]
    release = read_release(nbs.ROOT / "assignments" / nbs.ASSIGNMENT / nbs.NOTEBOOK)
    built = autograded.build(release, read_cells(nb, "backprop.ipynb"), SubmissionResult("s", []))
    path = autograded.write(tmp_path, "s", nbs.ASSIGNMENT, nbs.NOTEBOOK, built)
    text = path.read_text(encoding="utf-8")  # strict: a surrogate would not encode
    assert "\\udcff" in text and len(text) < 1_000_000
    added = [c for c in built["cells"] if c["id"].startswith("added-cell-")]
    assert 0 < len(added) < 60 and all(len(c["source"]) <= autograded.CODE_CAP + 20 for c in built["cells"]
                                       if c["cell_type"] == "code")


def test_the_course_config_is_read_never_run(tmp_path, capsys):
    """Code a kernel appended to nbgrader_config.py would run in the grader's process."""
    from autograder.autograde import load_course

    ran = tmp_path / "ran"
    (tmp_path / "nbgrader_config.py").write_text(
        (nbs.ROOT / "nbgrader_config.py").read_text()
        + f"\nc.CourseDirectory.submitted_directory = 'handed_in'\nc.CourseDirectory.course_id = str(1)\n"
        f"open({str(ran)!r}, 'w').write('the grader ran this')\n")
    course = load_course(tmp_path)
    assert not ran.exists()
    assert course.submitted == tmp_path.resolve() / "handed_in"
    assert course.config.Autograde.sanitize_preprocessors[0] == "autograder.nbgrader_guard.RefuseNbgraderAutograde"
    assert "line " in capsys.readouterr().err  # the computed course_id is named as ignored


# --- reading files -----------------------------------------------------------------------

def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "backprop.ipynb"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(FileRefused, match="is a FIFO"):
        read_regular(fifo, 100)
    assert time.monotonic() - start < 5  # a plain open() would wait for a writer forever


def test_sizes_are_checked_before_reading(tmp_path):
    big = tmp_path / "big.py"
    big.write_bytes(b"#" * 2_000_000)
    with pytest.raises(SubmissionError, match="more than the 1048576 a submission may have"):
        load(big)
    with pytest.raises(FileRefused, match="is a directory"):
        read_regular(tmp_path, 10)


# --- notebook JSON ------------------------------------------------------------------------

def _notebook_error(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "backprop.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError) as caught:
        load(path)
    return str(caught.value)


@pytest.mark.parametrize("content,phrase", [
    (b'{"cells": [], "x": ' + b"9" * 4000 + b"}", "a number in the notebook is too long"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (json.dumps({"cells": [nbs.code_cell("x = 1")] * (ipynb.MAX_CELLS + 1)}).encode(), "more than the 1000"),
    (json.dumps({"cells": [nbs.code_cell("x" * (ipynb.MAX_CELL_CHARS + 1))]}).encode(), "more than the 200000"),
    (b'{"cells": NaN}', "not valid JSON"),
])
def test_hostile_notebook_json_is_a_clear_submission_error(tmp_path, content, phrase):
    start = time.monotonic()
    assert phrase in _notebook_error(tmp_path, content)
    assert time.monotonic() - start < 10


def test_hostile_grade_ids_are_not_trusted_and_never_copied_whole(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    for bad in ("x" * 3_000_000, "univariate_forward\udcff", "id\x1b[2J"):
        nb["cells"].append(nbs.code_cell("pass", nbgrader={"grade_id": bad, "grade": True, "points": 99}))
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.score == 29 and result.notes == []
    assert len(json.dumps(result.notes)) < 1000


def test_notes_about_edited_read_only_cells_are_capped(tmp_path, oracles):
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    test = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade"))
    nb["cells"] += [dict(test, source=f"edited {i}") for i in range(500)]
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert len(result.notes) == ipynb.MAX_NOTES
    assert result.notes[-1] == "... and 489 more notes like these"  # 11 kept, then the count


def test_hidden_test_markers_cost_linear_time():
    """A regex with nested quantifiers took minutes on such a cell (and held the GIL)."""
    source = "### BEGIN HIDDEN TESTS\n" * 200_000 + "x = 1\n"
    start = time.monotonic()
    assert ipynb.without_hidden_tests(source) == ""
    assert time.monotonic() - start < 5


def test_pathological_python_is_parsed_on_the_student_side_only(tmp_path, oracles):
    """A cell the parser chokes on costs the student's own cell, not the grader's memory."""
    nb = nbs.filled(nbs.EXAMPLES / "correct.py")
    nb["cells"].append(nbs.code_cell("x = " + "(" * 90_000 + ")" * 90_000))
    nb["cells"].append(nbs.code_cell("y = " + "+".join(["1"] * 40_000)))
    result = nbs.grade(nbs.write(nb, tmp_path / "backprop.ipynb"), oracles)
    assert result.score == 29
    assert "was not run" in result.student_output


# --- frames from the child -----------------------------------------------------------------

def _frame(header: bytes, blobs: bytes = b"") -> bytes:
    body = header + blobs
    return struct.pack("<II", len(body) + 4, len(header)) + body


@pytest.mark.parametrize("header", [
    b'{"sizes": [], "x": ' + b"1" * 4000 + b"}",  # json alone accepts up to 4300 digits
    b'{"sizes": [], "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    b'{"sizes": [], "x": NaN}',
    b'{"sizes": [], "x": 1e999}',
    b'{"sizes": [], "x": "' + b"a" * 300_000 + b'"}',
    b'["not", "an", "object"]',
    b'{"sizes": "nope"}',
])
def test_hostile_frame_headers_are_protocol_errors(header):
    r, w = os.pipe()
    try:
        os.write(w, _frame(header)) if len(header) < 60_000 else None
        if len(header) >= 60_000:  # larger than the pipe: parse directly
            with pytest.raises(protocol.ProtocolError):
                protocol.parse_header(header)
            return
        with pytest.raises(protocol.ProtocolError):
            protocol.read_frame(r, time.monotonic() + 5)
    finally:
        os.close(r)
        os.close(w)


def test_an_answer_already_in_the_pipe_at_the_deadline_counts():
    """A grader thread held up (another thread held the GIL) reads late: the child's answer,
    sent in time, is still its answer, not a timeout charged to the student."""
    r, w = os.pipe()
    try:
        protocol.write_frame(w, {"ok": True})
        header, _ = protocol.read_frame(r, deadline=time.monotonic() - 1)
        assert header["ok"] is True
        with pytest.raises(protocol.Timeout):
            protocol.read_frame(r, deadline=time.monotonic() - 1)  # and nothing there is a timeout
    finally:
        os.close(r)
        os.close(w)


def test_lying_array_shapes_cannot_overflow():
    data = wire.MAGIC + struct.pack("<BB8I", 0, 8, *([2**32 - 1] * 8)) + b"\0" * 8
    with pytest.raises(wire.BadValue, match="does not match its declared shape"):
        wire.from_wire(data)


FORWARD = Call("f", ({"w": 1.0}, np.zeros((1, 3)), np.zeros((1, 3))), ("params", "X", "y"), ["t", "a", "a", "k"])


@pytest.mark.parametrize("response", [
    {"ok": True, "result": {"t": [{"a": 0}, {"a": 5}, {"k": 1}]}, "mutated": [], "seconds": 0.1},
    {"ok": True, "result": {"t": [{"a": 0}, {"a": 0}]}, "mutated": [], "seconds": 0.1},
    {"ok": True, "result": {"t": [{"a": True}, {"a": 0}, {"k": 1}]}, "mutated": [], "seconds": 0.1},
    {"ok": True, "result": {"t": [{"a": 0}, {"a": 0}, {"k": 1}]}, "mutated": [{"x": 1}], "seconds": 0.1},
    {"ok": True, "result": {"t": [{"a": 0}, {"a": 0}, {"k": 1}]}, "mutated": [99], "seconds": 0.1},
    {"ok": True, "result": {"t": [{"a": 0}, {"a": 0}, {"k": 1}]}, "mutated": [], "seconds": "1"},
    {"ok": True, "result": {"d": [["W1", {"a": 0}]]}, "mutated": [], "seconds": 0.1},
    {"ok": True, "result": [[]], "mutated": [], "seconds": 0.1},
    {"ok": False, "kind": "grader", "message": "the sandbox failed (not your fault)"},
    {"ok": False, "kind": "exception", "message": {"a": 1}},
    {"ok": "yes"},
])
def test_wrongly_typed_responses_are_malformed_never_a_grader_exception(response):
    with pytest.raises((Malformed, ValueError)):
        Batch([FORWARD]).reply(0, response, [wire.to_wire(np.zeros((1, 3)))])


def test_a_reference_to_an_earlier_result_is_not_tracked_as_an_argument():
    batch = Batch([FORWARD, Call("g", ({"w": 1.0}, Ref(0, (2,))), ("params", "cache"), "d")])
    assert [label for _, label in batch.labels] == ["the params dict", "X", "y", "the params dict"]


def test_decode_refuses_deep_or_wide_trees():
    deep: dict = {"a": 0}
    for _ in range(10):
        deep = {"t": [deep]}
    with pytest.raises(Malformed):
        decode(deep, [], ["t"] * 12)
    with pytest.raises(Malformed):
        decode({"d": [[f"k{i}", {"a": 0}] for i in range(100)]}, [wire.to_wire(1.0)], "d")
