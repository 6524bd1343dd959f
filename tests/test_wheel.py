"""What students install: the wheel holds the grading engine and no answers, and the
notebook's visible tests work with it alone.

The wheel is built offline from a copy of the repository (reference/, solutions/ and the
rest present, so a packaging slip would show). For the run, a fresh virtualenv gets the
wheel installed into its own site-packages; numpy, torch and Jupyter come from this
environment's site-packages through a .pth *path entry* (not a site dir, so the editable
install of the checkout that lives there is never activated; installing torch afresh would
cost minutes). The kernel runs that interpreter with -I (no cwd, no PYTHONPATH, no user
site), and the test checks that `autograder` comes from the wheel and `reference` does not
import at all.
"""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import notebooks as nbs
from tools import course

NOT_SHIPPED = ("reference/", "solutions/", "assignments/", "mutants", "tools/", "tests/", "examples/", "nbgrader_config")


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_fragments() -> list[str]:
    """Statements of the reference and of the known-wrong variants (which spell out the
    right formulas by contrast), and each entry of the gradient dicts, whitespace removed."""
    fragments = []
    for path in sorted((nbs.ROOT / "reference").glob("*/*.py")):
        text = path.read_text()
        for fn in (n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Assign, ast.Return, ast.AugAssign)):
                    fragments.append(_normal(ast.get_source_segment(text, node) or ""))
                elif isinstance(node, ast.Dict):
                    fragments += [_normal(f"{ast.get_source_segment(text, k)}:{ast.get_source_segment(text, v)}")
                                  for k, v in zip(node.keys, node.values) if k is not None]
    return sorted({f for f in fragments if len(f) >= 16})


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(nbs.ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info", "__pycache__",
                                                                  ".pytest_cache", "build", "dist"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-w", str(tmp / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def test_the_wheel_holds_the_engine_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"autograder", "exercises", "backprop_autograder-0.1.0.dist-info"}
    assert "autograder/notebook.py" in names and "autograder/checks.py" in names
    assert "exercises/backprop/sigmoid_mlp.py" in names and "exercises/backprop/sigmoid_mlp.md" in names
    assert [n for n in names if any(bad in n for bad in NOT_SHIPPED)] == []


def test_no_file_in_the_wheel_holds_a_solution_formula(wheel):
    fragments = solution_fragments()
    assert len(fragments) > 40
    # The scan finds them where they are (the solution notebook), so its silence below means something.
    solutions = _normal("".join("".join(c["source"]) for c in nbs.SOLUTIONS_NB["cells"]))
    assert sum(f in solutions for f in fragments) >= 10
    archive = zipfile.ZipFile(wheel)
    leaks = {(name, f) for name in archive.namelist() for f in fragments
             if f in _normal(archive.read(name).decode("utf-8", "replace"))}
    assert leaks == set()


def _venv(tmp: Path, deps: Path) -> Path:
    """A fresh virtualenv whose only other packages are those in `deps` (a .pth path entry)."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    (_site(python) / "course_deps.pth").write_text(f"{deps}\n")
    return python


def _site(python: Path) -> Path:
    return Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())


def _without_the_course(tmp: Path) -> Path:
    """This environment's packages (numpy, torch, Jupyter...) minus any copy of the course's."""
    deps = tmp / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("autograder", "exercises", "backprop_autograder", "__editable__")):
            (deps / entry.name).symlink_to(entry)
    return deps


@pytest.fixture(scope="module")
def wheel_env(wheel, tmp_path_factory) -> tuple[Path, Path]:
    """(python, jupyter path): a kernel of a fresh environment holding the wheel alone."""
    tmp = tmp_path_factory.mktemp("wheel-env")
    python = _venv(tmp, _without_the_course(tmp))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(_site(python)),
                    str(wheel)], capture_output=True, check=True, timeout=300)
    return python, _kernel(tmp, python, "wheel-only")


def _kernel(tmp: Path, python: Path, name: str) -> Path:
    kernels = tmp / "jupyter" / "kernels" / name
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-I", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name, "language": "python"}))
    return tmp / "jupyter"


def _run(nb: dict, kernel: str, jupyter: Path, work: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    node = nbformat.reads(json.dumps(nb), as_version=4)  # as Jupyter reads a file
    NotebookClient(node, timeout=180, kernel_name=kernel, allow_errors=True,
                   resources={"metadata": {"path": str(work)}}).execute()
    return node


def _printed(node: nbformat.NotebookNode, cell_id: str) -> str:
    cell = next(c for c in node.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.slow
def test_the_visible_tests_work_with_the_installed_wheel_alone(wheel_env, tmp_path, monkeypatch):
    python, jupyter = wheel_env
    site = _site(python)
    probe = subprocess.run([str(python), "-I", "-c", "import autograder, importlib.util as u; "
                            "print(autograder.__file__); print(u.find_spec('reference'), u.find_spec('tools'))"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert probe.stdout.split("\n")[:2] == [str(site / "autograder" / "__init__.py"), "None None"], probe.stderr
    work = shutil.copytree(nbs.ROOT / "assignments" / "backprop", tmp_path / "backprop")
    nb = nbs.solved()
    nb["cells"].append({**nbs.code_cell("import autograder, importlib.util, sys\n"
                                        "print(autograder.__file__, importlib.util.find_spec('reference'), "
                                        "'torch' in sys.modules)"), "id": "probe"})
    node = _run(nb, "wheel-only", jupyter, work, monkeypatch)
    assert [(c.id, o.ename) for c in node.cells for o in c.get("outputs", []) if o.output_type == "error"] == []
    assert _printed(node, "checker") == ""  # installed, and the version the notebook was written for
    for c in node.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade") and c.cell_type == "code":
            (result,) = [o for o in c.outputs if o.output_type == "execute_result"]
            assert float(result.data["text/plain"]) == meta["points"], c.id
    assert "total of the test cells run so far: 29/29" in _printed(node, "sigmoid_mlp_backward")
    # The visible checks read the shipped expected values: the kernel never imports torch.
    assert _printed(node, "probe").strip() == f"{site / 'autograder' / '__init__.py'} None False"


@pytest.mark.slow
def test_in_the_wheels_kernel_a_known_mistake_is_named_and_self_checked(wheel_env, tmp_path, monkeypatch):
    from mistakes import MISTAKES

    python, jupyter = wheel_env
    work = shutil.copytree(nbs.ROOT / "assignments" / "backprop", tmp_path / "backprop")
    nb = nbs.filled(next(m.source for m in MISTAKES if m.id == "sigmoid_applied_twice"))
    node = _run(nb, "wheel-only", jupyter, work, monkeypatch)
    printed = _printed(node, "sigmoid_mlp_backward")
    assert "sigmoid(A) * (1 - sigmoid(A)) applies the sigmoid twice" in printed
    # dZ is wrong, so W1 and b1 are: one mistake, charged once (W1); the descent path is not charged again
    assert "-> sigmoid_mlp, backward pass: 5 points; total of the test cells run so far: 28/29" in printed
    nbs.write(nb, work / "backprop.ipynb")
    proc = subprocess.run([str(python), "-I", "-m", "autograder.cli", "check", "backprop.ipynb"], cwd=work,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "applies the sigmoid twice" in proc.stdout and "The saved backprop.ipynb earns 28/29" in proc.stdout


def test_without_the_package_the_notebook_says_what_to_install(tmp_path, monkeypatch):
    python = _venv(tmp_path, _without_the_course(tmp_path))
    jupyter = _kernel(tmp_path, python, "no-course")
    work = shutil.copytree(nbs.ROOT / "assignments" / "backprop", tmp_path / "backprop")
    node = _run(nbs.release(), "no-course", jupyter, work, monkeypatch)
    assert [(c.id, o.ename) for c in node.cells for o in c.get("outputs", []) if o.output_type == "error"] == []
    assert "Run `%pip install ../backprop_autograder-0.1.0-py3-none-any.whl` in a new cell" in _printed(node, "checker")
    assert (_printed(node, "univariate_forward").strip() ==
            "not checked: the course's `autograder` package is not installed (see the second code cell)")


def test_the_shipped_wheel_is_what_the_sources_build(tmp_path):
    shipped = nbs.ROOT / "assignments" / course.wheel_name()
    built = course.build_wheel(tmp_path)
    assert shipped.is_file() and shipped.read_bytes() == built.read_bytes(), \
        "assignments/ holds a stale wheel: run `python -m tools.course` and commit it"


@pytest.mark.slow
def test_an_installed_grader_that_was_edited_refuses_to_grade(wheel_env, tmp_path):
    """Code that once ran with the instructor's rights (a notebook run by nbgrader autograde)
    could have edited the installed grader: it checks its files against pip's record."""
    python, _ = wheel_env
    copy = tmp_path / "site"
    site = _site(python)
    copy.mkdir()
    for item in site.iterdir():
        if item.name.startswith(("autograder", "backprop_autograder")):
            (shutil.copytree if item.is_dir() else shutil.copy)(item, copy / item.name)
    probe = (f"import sys; sys.path.insert(0, {str(copy)!r}); from autograder.integrity import installation; "
             "i = installation(); print(i.refuse, i.text)")

    def state() -> str:
        return subprocess.run([str(python), "-I", "-c", probe], capture_output=True, text=True, timeout=60).stdout

    assert state().startswith("False grader code: the installed package")
    with open(copy / "autograder" / "report_csv.py", "a") as f:
        f.write("\n# a student was here\n")
    assert state().startswith("True the installed grader's files were modified since installation "
                              "(autograder/report_csv.py)")
