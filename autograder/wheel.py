"""The grader as a wheel, for a machine that installs it (the Gradescope zip).

From the installed package when the grader runs from one (what `./run` sets up): its files
are verified against pip's record first (integrity.py), then packed again with their own
dist-info, so the zip holds exactly the grader that built it. From a source tree (a
checkout on PYTHONPATH, as the tests run), pip builds it from a copy of the tree (setuptools
writes build/ and *.egg-info where it builds). Either way the wheel holds only what the
package ships: the engine and the assignments' public declarations, no reference.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import autograder
from autograder.expected import GraderError
from autograder.integrity import DISTRIBUTION, installation

WHEEL_EPOCH = "315532800"  # 1980-01-01, zip's earliest: file dates that do not change the bytes
DIST_INFO_FILES = ("METADATA", "WHEEL", "entry_points.txt", "top_level.txt")
SOURCE_IGNORED = (".venv", ".git", "*.egg-info", "__pycache__", ".pytest_cache", "build", "dist", ".autograder-cache",
                  ".autograder-secret", "submitted", "autograded", "feedback", "*.db")


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel_name(dist: importlib.metadata.Distribution) -> str:
    name = dist.metadata["Name"].replace("-", "_")
    return f"{name}-{dist.version}-py3-none-any.whl"


def _installed_files(dist: importlib.metadata.Distribution) -> list[tuple[str, Path]]:
    """(name in the wheel, file on disk) for the packages' files: no bytecode, no installer's
    records."""
    top = (dist.read_text("top_level.txt") or "autograder\n").split()
    return [(str(f), Path(dist.locate_file(f))) for f in dist.files or []
            if f.parts[0] in top and "__pycache__" not in f.parts and f.suffix != ".pyc"]


def repack(dist: importlib.metadata.Distribution, out_dir: Path) -> Path:
    """A wheel of an installed distribution, with a fresh RECORD. Raises OSError."""
    info = f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}.dist-info"
    entries = [(name, path.read_bytes()) for name, path in _installed_files(dist)]
    for meta in DIST_INFO_FILES:
        text = dist.read_text(meta)
        if text is not None:
            entries.append((f"{info}/{meta}", text.encode()))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries) + f"{info}/RECORD,,\n"
    path = out_dir / _wheel_name(dist)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in [*sorted(entries), (f"{info}/RECORD", record.encode())]:
            wheel.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return path


def build_from_source(root: Path, out_dir: Path) -> Path:
    """pip's wheel of a source tree, built from a copy of it, reproducibly (the same
    sources give the same bytes: the wheel shipped with the notebooks is checked so).
    Raises GraderError."""
    with tempfile.TemporaryDirectory(prefix="autograder-wheel-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(root, src, symlinks=True, ignore=shutil.ignore_patterns(*SOURCE_IGNORED))
        env = {**os.environ, "SOURCE_DATE_EPOCH": WHEEL_EPOCH}
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                               "-q", "-w", str(out_dir), str(src)], capture_output=True, text=True, env=env,
                              timeout=600)
    built = sorted(out_dir.glob("backprop_autograder-*.whl"))
    if proc.returncode != 0 or len(built) != 1:
        raise GraderError(f"could not build the grader's wheel from {root}: {proc.stderr[-1500:]}")
    return built[0]


def _running_distribution() -> importlib.metadata.Distribution | None:
    """The installed distribution whose files are the ones running now, if any."""
    running = Path(autograder.__file__).resolve().parent
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    if dist.read_text("RECORD") is None or dist.read_text("WHEEL") is None:
        return None  # a source tree's *.egg-info (left by a build), not what an installer wrote
    init = next((f for f in dist.files or [] if f.parts == ("autograder", "__init__.py")), None)
    return dist if init is not None and Path(dist.locate_file(init)).resolve().parent == running else None


def grader_wheel(out_dir: Path) -> Path:
    """The wheel of the grader that runs now. Raises GraderError."""
    installed = installation()
    if installed.refuse:
        raise GraderError(installed.text)
    dist = _running_distribution()
    if dist is not None:
        try:
            return repack(dist, out_dir)
        except OSError as exc:
            raise GraderError(f"cannot pack the installed grader as a wheel: {exc}") from None
    source = Path(autograder.__file__).resolve().parent.parent
    if not (source / "pyproject.toml").is_file():
        raise GraderError(f"the grader runs from {source}, neither an installed package nor a source tree")
    return build_from_source(source, out_dir)
