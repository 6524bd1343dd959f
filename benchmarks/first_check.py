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


def first_check(folder: Path) -> float:
    node = _run(nbs.solved(), folder)
    first = next(c for c in node.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")
    return _seconds(first)


def torch_import(folder: Path) -> float:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])
    return _seconds(_run(nb, folder).cells[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    checks, imports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(nbs.RELEASE, Path(tmp) / nbs.ASSIGNMENT))
        for _ in range(args.repeat):
            checks.append(first_check(folder))
            imports.append(torch_import(folder))
    check, torch = statistics.median(checks), statistics.median(imports)
    print(f"first test cell (univariate forward), fresh kernel: {check:.2f} s  (runs: {', '.join(f'{c:.2f}' for c in checks)})")
    print(f"`import torch` alone, fresh kernel:                  {torch:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in imports)})")
    print(f"ratio: the first check takes {check / torch:.2f} of a torch import")


if __name__ == "__main__":
    main()
