"""The Gradescope zip end to end: `autograder export gradescope` builds it, its setup.sh
installs it with Python 3.10 (Gradescope's default image's python3) into a virtualenv with
numpy only, and its run_autograder grades correct, buggy, stub, crashing, garbage and
malicious submissions under Gradescope's 768 MB, in a simulated /autograder (the scripts
take the root and the venv from AUTOGRADER_ROOT and AUTOGRADER_VENV, which exist for these
tests). Every results.json is checked against Gradescope's documented format
(gradescope_schema.py), and the tests read the messages students get, not only scores.

The zip is built and set up once per module (about 20 s); each submission costs a second.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from gradescope_schema import schema_errors
from limits import gradescope_limits
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
SECRET = "gradescope-test-secret-" + "7" * 24
PYENV_310 = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.10.*"))
CALL_TIMEOUT = 3  # seconds per call in the test zip, so that the endless loops below cost little

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PYENV_310, reason="needs a Python 3.10 (pyenv) like Gradescope's image")]


@dataclass(frozen=True)
class Installed:
    zip: Path
    root: Path  # the simulated /autograder
    venv: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Run:
    results: dict[str, Any]
    text: str  # results.json as written
    stdout: str  # what Gradescope keeps for instructors
    how: str  # which memory limit held

    def output(self, check: str) -> str:
        return next(t["output"] for t in self.results["tests"] if t["name"] == check)

    def failed(self) -> set[str]:
        return {t["name"] for t in self.results["tests"] if t["status"] == "failed"}


def _export(course: Path) -> Path:
    env = {**os.environ, "AUTOGRADER_SECRET": SECRET}
    out = course / "autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "export", "gradescope", "--assignment", "backprop",
                           "--out", str(out), "--timeout", str(CALL_TIMEOUT)],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    return out


def _setup(zip_path: Path, root: Path, venv: Path) -> dict[str, str]:
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)  # zipfile does not restore modes; Gradescope's unzip does
    # python3 is Python 3.10, found on PATH as on Gradescope's image (its bin, not a link elsewhere:
    # the venv's interpreter must be one the sandbox mounts).
    path = f"{PYENV_310[-1] / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    env = {"PATH": path, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_VENV": str(venv), "LANG": "C.UTF-8",
           "HOME": str(root)}
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "bundle of 'backprop' loads" in proc.stdout
    return env


@pytest.fixture(scope="module")
def installed() -> Iterator[Installed]:
    # Not under pytest's tmp_path: its folders are 0700, and the sandbox's unprivileged uid
    # must be able to run the venv's interpreter (as under /opt on Gradescope).
    base = Path(tempfile.mkdtemp(prefix="autograder-gradescope-"))
    try:
        os.chmod(base, 0o755)
        (base / "course").mkdir()
        zip_path = _export(base / "course")
        env = _setup(zip_path, base / "autograder", base / "venv")
        yield Installed(zip_path, base / "autograder", base / "venv", env)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def docker_root() -> list[str]:
    """run_autograder as Gradescope starts it: Docker's root, no namespaces (docker_like.py),
    so bubblewrap cannot start and `auto` falls back to the container level. The mount
    namespace around it only makes /root traversable, so that the sandbox's unprivileged
    uid can run the pyenv interpreter under /root/.pyenv (on Gradescope it is /usr/bin's)."""
    pyenv = os.path.expanduser("~/.pyenv")
    return ["bwrap", "--dev-bind", "/", "/", "--tmpfs", "/root", "--ro-bind", pyenv, pyenv, "--",
            sys.executable, str(ROOT / "tests" / "docker_like.py")]


def submit(inst: Installed, files: dict[str, bytes | str], *, cpu_half: bool = False,
           env: dict[str, str] | None = None, level: str = "auto") -> Run:
    """What Gradescope does for one submission: a fresh submission/ and results/, then
    run_autograder as root, under the default memory limit."""
    for name in ("submission", "results"):
        shutil.rmtree(inst.root / name, ignore_errors=True)
        (inst.root / name).mkdir()
    for name, content in files.items():
        path = inst.root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    with gradescope_limits(cpu_half=cpu_half) as limited:
        wrapper = docker_root() if level == "container" else []
        proc = subprocess.run([*limited.prefix, *wrapper, str(inst.root / "source" / "run_autograder")],
                              cwd=inst.root, env={**inst.env, **(env or {})}, capture_output=True, text=True,
                              timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (inst.root / "results" / "results.json").read_text()
    errors = schema_errors(text)
    assert not errors, errors
    return Run(json.loads(text), text, proc.stdout + proc.stderr, limited.how)


def example(name: str) -> str:
    return (EXAMPLES / name).read_text()


def rendered(markdown: str) -> str:
    """What a Markdown renderer that passes HTML through makes of it (the worst case)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


# --- what is in the zip ------------------------------------------------------------------

def test_the_zip_has_its_scripts_at_the_root_and_neither_the_secret_nor_the_reference(installed):
    with zipfile.ZipFile(installed.zip) as z:
        names = z.namelist()
        blobs = {n: z.read(n) for n in names}
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    assert {"setup.sh", "run_autograder", "requirements.txt", "bundle/manifest.json"} <= set(names)
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    wheel = next(n for n in names if n.endswith(".whl"))
    with zipfile.ZipFile(installed.zip) as z, zipfile.ZipFile(z.open(wheel)) as w:
        inner = {n: w.read(n) for n in w.namelist()}
    assert not [n for n in [*names, *inner] if n.startswith(("reference/", "solutions/", "tests/"))]
    everything = b"".join([*blobs.values(), *inner.values()])
    assert SECRET.encode() not in everything  # only a key derived for this bundle is shipped
    from test_wheel import solution_fragments

    text = b"".join(inner.values()).decode("utf-8", "replace").replace(" ", "").replace("\n", "")
    leaked = [f for f in solution_fragments() if f in text]
    assert not leaked, leaked[:3]


def test_the_installed_grader_has_python_3_10_and_numpy_but_no_torch_nbgrader_or_jupyter(installed):
    python = str(installed.venv / "bin" / "python")
    version = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
    assert version.stdout.strip() == "(3, 10)"
    listed = subprocess.run([python, "-m", "pip", "list", "--format", "json"], capture_output=True, text=True)
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert {"numpy", "backprop-autograder"} <= names
    assert not names & {"torch", "nbgrader", "jupyter-core", "ipykernel", "rich", "jax", "tensorflow"}


# --- grading -----------------------------------------------------------------------------

def test_a_correct_notebook_gets_full_marks_with_tagged_visible_tests_under_half_a_cpu(installed):
    notebook = (ROOT / "solutions" / "backprop" / "backprop.ipynb").read_text()
    run = submit(installed, {"backprop.ipynb": notebook}, cpu_half=True)
    r = run.results
    assert r["score"] == 29 and not run.failed(), run.stdout
    assert sum(t["max_score"] for t in r["tests"]) == 29
    assert {tuple(t["tags"]) for t in r["tests"]} >= {("univariate", "forward"), ("sigmoid_mlp", "backward"),
                                                      ("sigmoid_mlp", "sigmoid")}
    assert {t["visibility"] for t in r["tests"]} == {"visible"}
    assert {t["output_format"] for t in r["tests"]} == {"text"} and r["output_format"] == "md"
    assert r["stdout_visibility"] == "hidden"
    assert r["extra_data"]["protection"] in r["output"].replace("\\", "")
    assert "29 / 29 points" in r["output"] and "backprop.ipynb" in r["output"]
    assert "29/29 points" in run.stdout  # the staff's log


@pytest.mark.parametrize("level", ["auto", "container"])
def test_a_buggy_submission_is_told_its_mistake(installed, level):
    run = submit(installed, {"submission.py": example("mistake_missing_factor_2.py")}, level=level, cpu_half=True)
    assert ("container sandbox" in run.results["output"]) == (level == "container")
    assert run.results["score"] == 25
    assert "two_layer_linear: gradient: W1" in run.failed() and "univariate: forward: y_hat" not in run.failed()
    assert "half the right value" in run.output("univariate: gradient: w")


def test_a_stub_scores_zero_and_is_told_what_to_do(installed):
    run = submit(installed, {"backprop.py": example("stub.py")})
    assert run.results["score"] == 0 and len(run.failed()) == len(run.results["tests"])
    assert "not implemented yet" in run.output("univariate: forward: y_hat")


def test_code_that_ends_its_process_or_loops_forever_costs_only_its_checks(installed):
    crashing = example("correct.py") + (
        "\nimport os, time\n"
        "def univariate_forward(params, X, y):\n    os._exit(3)\n"
        "def multivariate_backward(params, cache):\n    while True:\n        pass\n")
    run = submit(installed, {"backprop.py": crashing})
    assert "os._exit()" in run.output("univariate: forward: y_hat")
    assert f"did not return within {CALL_TIMEOUT} s" in run.output("multivariate: gradient: w")
    assert not any(t.startswith(("two_layer_linear", "sigmoid_mlp")) for t in run.failed())


def test_a_submission_that_dies_at_import_gets_a_clear_message(installed):
    run = submit(installed, {"backprop.py": "import os\nos._exit(0)\n"})
    assert run.results["score"] == 0
    assert "ended its Python process" in run.output("univariate: forward: y_hat")


@pytest.mark.parametrize("files,message", [
    ({"backprop.ipynb": b"\x89PNG\r\n\x1a\n not a notebook"}, "cannot read backprop.ipynb: it is not UTF-8 text"),
    ({"backprop.ipynb": b'{"cells": [{"cell_type": "code", '}, "backprop.ipynb is not a valid notebook: it is not valid JSON"),
    ({"backprop.ipynb": b'{"cells": 7}'}, "backprop.ipynb is not a Jupyter notebook"),
    ({"backprop.py": b"\xff\xfe def f(:"}, "not UTF-8 text"),
    ({}, "no .ipynb or .py file was found in your submission"),
    ({"a.py": "x = 1", "b/c.ipynb": "{}"}, "several files that could be the one to grade (a.py, b/c.ipynb)"),
])
def test_garbage_missing_or_ambiguous_uploads_get_zero_and_a_message(installed, files, message):
    run = submit(installed, files)
    assert run.results["score"] == 0
    assert message in run.output("univariate: forward: y_hat")
    assert run.results["extra_data"]["grader_error"] is False  # the student's problem, said as such


# --- attacks -----------------------------------------------------------------------------

SNOOP = '''
import os
def _snoop():
    for path in {paths!r}:
        try:
            with open(path, "rb") as f:
                print("READ", path, f.read(64))
        except OSError as exc:
            print("refused", os.path.basename(path), type(exc).__name__)
        try:
            print("LISTED", path, os.listdir(path))
        except OSError:
            pass
_snoop()
'''


def _bundle_files(inst: Installed) -> list[str]:
    source = inst.root / "source"
    return [str(source / "bundle" / "signing-key"), str(source / "bundle" / "values" / "univariate.npz"),
            str(source / "bundle"), str(source), str(next(source.glob("*.whl"))), str(inst.root / "submission")]


@pytest.mark.parametrize("level", ["auto", "container"])
def test_student_code_reads_neither_the_bundle_nor_the_signing_key(installed, level):
    """The graded cases' values would give away every answer: the child cannot open them
    (bubblewrap does not mount them; at the container level the folders are root-only)."""
    paths = _bundle_files(installed)
    run = submit(installed, {"backprop.py": SNOOP.format(paths=paths) + example("stub.py")}, level=level)
    assert run.results["extra_data"]["protection"].startswith("container" if level == "container" else "bubblewrap")
    output = run.results["output"]
    assert "READ" not in output and "LISTED" not in output, output
    assert output.count("refused") == len(paths)
    key = (installed.root / "source" / "bundle" / "signing-key").read_bytes()
    assert key.decode() not in run.text


@pytest.mark.parametrize("level", ["auto", "container"])
def test_a_submission_cannot_write_its_own_results(installed, level):
    forged = json.dumps({"score": 1000, "tests": []})
    attack = (f"import os\nfor p in [{str(installed.root / 'results' / 'results.json')!r}, "
              f"{str(installed.root / 'results' / 'forged.json')!r}]:\n"
              "    try:\n        open(p, 'w').write(" + repr(forged) + ")\n        print('WROTE', p)\n"
              "    except OSError as exc:\n        print('refused', type(exc).__name__)\n")
    run = submit(installed, {"backprop.py": attack + example("stub.py")}, level=level)
    assert run.results["score"] == 0 and "WROTE" not in run.results["output"]
    assert run.results["output"].count("refused") == 2
    assert not (installed.root / "results" / "forged.json").exists()


def test_printed_json_and_markup_reach_nobody_as_json_or_markup(installed):
    """A submission prints what could pass for results, HTML and a fence-breaker; and its
    file name is HTML too. All of it is shown as text inside results.json's fields."""
    payload = ('{"score": 1000, "tests": []}\n<img src=x onerror=alert(1)>\n````\n</pre><script>alert(2)</script>\n'
               "[click](javascript:alert(3)) **bold**")
    name = "<img src=x onerror=alert(4)>.py"
    run = submit(installed, {name: f"print({payload!r})\n" + example("correct.py")})
    assert run.results["score"] == 29  # the grader's score; the printed one is text
    html = rendered(run.results["output"])
    for tag in ("<img", "<script", "<a href", "<strong>bold"):
        assert tag not in html, html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;img src=x onerror=alert(4)&gt;" in html
    assert "{&quot;score&quot;: 1000" in html


@pytest.mark.parametrize("level", ["auto", "container"])
def test_a_memory_hog_is_stopped_and_the_rest_is_graded_within_768_mb(installed, level):
    hog = example("correct.py") + (
        "\nimport os\n"
        "def univariate_forward(params, X, y):\n"
        "    for _ in range(7):\n"
        "        if os.fork() == 0:\n"
        "            break\n"
        "    blocks = []\n"
        "    while True:\n"
        "        blocks.append(bytearray(16 * 1024 * 1024))\n")
    run = submit(installed, {"backprop.py": hog}, level=level)
    assert "univariate: forward: y_hat" in run.failed(), run.stdout
    assert not any(t.startswith(("multivariate", "two_layer_linear", "sigmoid_mlp")) for t in run.failed()), run.how
    assert run.results["score"] == 23


# --- the grader's own failures -----------------------------------------------------------

@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A scratch folder whose parents an unprivileged uid can traverse (tmp_path's cannot)."""
    path = Path(tempfile.mkdtemp(prefix="autograder-gradescope-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _copy_root(inst: Installed, tmp: Path) -> Installed:
    root = tmp / "autograder"
    shutil.copytree(inst.root / "source", root / "source")
    return Installed(inst.zip, root, inst.venv, {**inst.env, "AUTOGRADER_ROOT": str(root)})


def test_a_tampered_bundle_is_the_graders_failure_not_the_students(installed, open_tmp):
    inst = _copy_root(installed, open_tmp)
    values = inst.root / "source" / "bundle" / "values" / "univariate.npz"
    import numpy as np

    with np.load(values) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["a0"] = arrays["a0"] * 2  # an expected value changed without the signing key
    np.savez(values, **arrays)
    run = submit(inst, {"backprop.py": example("correct.py")})
    r = run.results
    assert r["score"] == 0 and r["tests"] == [] and r["extra_data"]["grader_error"] is True
    assert "This is not your fault" in r["output"] and "lacks valid values for univariate" in r["output"]
    assert "Traceback" not in r["output"]
    assert "GRADER ERROR" in run.stdout


def test_a_grader_that_runs_out_of_time_still_leaves_results(installed):
    slow = example("correct.py") + "\nimport time\ntime.sleep(30)\n"
    run = submit(installed, {"backprop.py": slow}, env={"AUTOGRADER_TIME_LIMIT": "2"})
    assert run.results["score"] == 0 and run.results["extra_data"]["grader_error"] is True
    assert "ran out of time or memory" in run.results["output"]


def test_a_grader_that_was_never_installed_still_leaves_results(installed, tmp_path):
    run = submit(installed, {"backprop.py": example("correct.py")}, env={"AUTOGRADER_VENV": str(tmp_path / "none")})
    assert "not installed" in run.results["output"] and "did setup.sh fail" in run.stdout


def test_the_folders_are_root_only_before_student_code_runs(installed, open_tmp):
    """At the container level the child is an unprivileged uid on the same filesystem: only
    the folders' modes keep it from the signing key (unzipped 0644 by Gradescope)."""
    from autograder.run_gradescope import Layout, lock_down

    inst = _copy_root(installed, open_tmp)
    key = inst.root / "source" / "bundle" / "signing-key"
    for path in [inst.root / "source", *(inst.root / "source").rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)  # as an unzip leaves them

    def read_as_nobody() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["setpriv", "--reuid", "64123", "--regid", "64123", "--clear-groups", "cat", str(key)],
                              capture_output=True, text=True)

    assert read_as_nobody().returncode == 0  # the attack works on the unzipped tree...
    lock_down(Layout(inst.root))
    refused = read_as_nobody()
    assert refused.returncode != 0 and "Permission denied" in refused.stderr  # ...and not once it is locked


def test_importing_an_autodiff_library_that_gradescope_does_not_have_costs_nothing_using_it_does(installed):
    """torch is not installed on Gradescope: an import still works (a stand-in), a use fails
    where it happens and says why, as in every other runner."""
    uses = ("\nimport torch\n"
            "def univariate_backward(params, cache):\n"
            "    return {k: torch.tensor(0.0) for k in params}\n")
    run = submit(installed, {"backprop.py": "import torch\nimport jax.numpy as jnp\n" + example("correct.py") + uses})
    # the backward that uses torch never returns: its gradients, descent path and inputs check
    assert {t for t in run.failed()} <= {"univariate: gradient: w", "univariate: gradient: b",
                                          "univariate: gradient descent path", "univariate: inputs not modified"}
    assert "univariate: gradient: w" in run.failed()
    assert "torch is not available when grading" in run.output("univariate: gradient: w")
