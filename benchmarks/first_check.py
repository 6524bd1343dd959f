"""How long a student waits for the notebook's first test cell, against importing torch in
the same kernel (what that cell cost when the visible checks computed their values with
torch.autograd).

    .venv/bin/python benchmarks/first_check.py [--repeat 3]

Runs the released notebook, filled with the solutions, top to bottom in a fresh kernel
(nbclient, the `python3` kernel of this environment) and reads each cell's wall time from
the kernel's own timestamps; then, in another fresh kernel, times `import torch` alone.
Prints the medians over --repeat fresh kernels.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ["PYTHONPATH"] = str(ROOT)  # the kernels import this checkout's grader

import notebooks as nbs  # noqa: E402


def _seconds(cell: nbformat.NotebookNode) -> float:
    timing = cell.metadata["execution"]
    start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def _run(nb: dict, folder: Path) -> nbformat.NotebookNode:
    node = nbformat.reads(json.dumps(nb), as_version=4)
    NotebookClient(node, timeout=300, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return node


def first_check(folder: Path) -> tuple[float, float]:
    """(the first test cell, every code cell up to and including it: the package's import
    happens in the install check above it)."""
    node = _run(nbs.solved(), folder)
    code = [c for c in node.cells if c.cell_type == "code"]
    first = next(i for i, c in enumerate(code) if c.metadata.get("nbgrader", {}).get("grade"))
    return _seconds(code[first]), sum(_seconds(c) for c in code[:first + 1])


def torch_import(folder: Path) -> float:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])
    return _seconds(_run(nb, folder).cells[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    checks, upto, imports = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(nbs.RELEASE, Path(tmp) / nbs.ASSIGNMENT))
        for _ in range(args.repeat):
            cell, cells = first_check(folder)
            checks.append(cell)
            upto.append(cells)
            imports.append(torch_import(folder))
    for text, runs in (("first test cell (univariate forward), fresh kernel", checks),
                       ("every code cell up to it (install check, imports)", upto),
                       ("`import torch` alone, fresh kernel", imports)):
        print(f"{text + ':':<52} {statistics.median(runs):.2f} s  (runs: {', '.join(f'{r:.2f}' for r in runs)})")
    print(f"ratio: the cells up to the first check take {statistics.median(upto) / statistics.median(imports):.2f} "
          "of a torch import")


if __name__ == "__main__":
    main()
