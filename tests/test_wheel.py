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


def test_the_visible_tests_work_with_the_installed_wheel_alone(wheel, tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "course_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
                   capture_output=True, check=True, timeout=300)
    probe = subprocess.run([str(python), "-I", "-c", "import autograder, importlib.util as u; "
                            "print(autograder.__file__); print(u.find_spec('reference'), u.find_spec('tools'))"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert probe.stdout.split("\n")[:2] == [str(site / "autograder" / "__init__.py"), "None None"], probe.stderr

    kernels = tmp_path / "jupyter" / "kernels" / "wheel-only"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-I", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "wheel only", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    work = shutil.copytree(nbs.ROOT / "assignments" / "backprop", tmp_path / "backprop")
    nb = nbs.solved()
    nb["cells"].append({**nbs.code_cell("import autograder, importlib.util\n"
                                        "print(autograder.__file__, importlib.util.find_spec('reference'))"), "id": "probe"})
    node = nbformat.reads(json.dumps(nb), as_version=4)  # as Jupyter reads a file
    NotebookClient(node, timeout=120, kernel_name="wheel-only", allow_errors=True,
                   resources={"metadata": {"path": str(work)}}).execute()
    assert [(c.id, o.ename) for c in node.cells for o in c.get("outputs", []) if o.output_type == "error"] == []
    for c in node.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade"):
            (result,) = [o for o in c.outputs if o.output_type == "execute_result"]
            assert float(result.data["text/plain"]) == meta["points"], c.id
    last = "".join(o.text for o in node.cells[-1].outputs if o.output_type == "stream")
    assert last.strip() == f"{site / 'autograder' / '__init__.py'} None"
