"""The Gradescope zip's costs, as Gradescope would see them: the zip's size, setup.sh's time,
and run_autograder's wall time per submission under half a CPU and 768 MB (cgroup quota),
at each protection level this machine can show: bwrap, and container (run_autograder started
as Docker's root without namespaces: tests/docker_like.py, inside a mount namespace that
lets the sandbox's unprivileged uid reach the interpreter under /root/.pyenv).

    python benchmarks/gradescope_zip.py [-n 5] [--python ~/.pyenv/versions/3.10.13/bin]

Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from limits import gradescope_limits  # noqa: E402

SUBMISSIONS = ("correct.py", "mistake_missing_factor_2.py", "stub.py")


def build(base: Path) -> Path:
    env = {**os.environ, "AUTOGRADER_SECRET": "benchmark-secret-" + "1" * 24, "PYTHONPATH": str(ROOT)}
    (base / "course").mkdir()
    out = base / "course" / "autograder.zip"
    subprocess.run([sys.executable, "-m", "autograder.cli", "export", "gradescope", "--assignment", "backprop",
                    "--out", str(out)], cwd=base / "course", env=env, check=True, capture_output=True)
    return out


def setup(zip_path: Path, root: Path, venv: Path, python_bin: Path) -> tuple[dict[str, str], float]:
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    env = {"PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin", "AUTOGRADER_ROOT": str(root),
           "AUTOGRADER_VENV": str(venv), "HOME": str(root), "LANG": "C.UTF-8"}
    start = time.perf_counter()
    subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, check=True, capture_output=True)
    return env, time.perf_counter() - start


def container_wrapper() -> list[str]:
    return ["bwrap", "--dev-bind", "/", "/", "--tmpfs", "/root", "--ro-bind", os.path.expanduser("~/.pyenv"),
            os.path.expanduser("~/.pyenv"), "--", "/usr/bin/python3", str(ROOT / "tests" / "docker_like.py")]


def grade_once(root: Path, env: dict[str, str], submission: str, wrapper: list[str]) -> tuple[float, dict]:
    for name in ("submission", "results"):
        shutil.rmtree(root / name, ignore_errors=True)
        (root / name).mkdir()
    shutil.copy(ROOT / "examples" / "submissions" / submission, root / "submission" / submission)
    with gradescope_limits(cpu_half=True) as limited:
        start = time.perf_counter()
        subprocess.run([*limited.prefix, *wrapper, "bash", str(root / "source" / "run_autograder")], cwd=root, env=env,
                       check=True, capture_output=True)
        seconds = time.perf_counter() - start
    return seconds, json.loads((root / "results" / "results.json").read_text())


def default_python() -> Path:
    """pyenv's Python 3.10 (the Python of Gradescope's default image)."""
    return max(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.10.*")) / "bin"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="runs per submission and level")
    parser.add_argument("--python", type=Path, default=default_python(),
                        help="the bin folder whose python3 setup.sh uses (Gradescope: 3.10)")
    args = parser.parse_args()
    report(args.n, args.python)


def report(n: int, python_bin: Path) -> None:
    """Build the zip, run its setup.sh, and time run_autograder `n` times per submission and
    level (also called by throughput.py, to print these figures in the same run)."""
    base = Path(tempfile.mkdtemp(prefix="autograder-bench-"))
    os.chmod(base, 0o755)
    try:
        zip_path = build(base)
        env, setup_seconds = setup(zip_path, base / "autograder", base / "venv", python_bin)
        print(f"zip: {zip_path.stat().st_size / 1e6:.2f} MB; setup.sh: {setup_seconds:.1f} s (numpy downloaded)")
        for level, wrapper in (("bwrap", []), ("container", container_wrapper())):
            for submission in SUBMISSIONS:
                runs = [grade_once(base / "autograder", env, submission, wrapper) for _ in range(n)]
                result = runs[-1][1]
                times = [s for s, _ in runs]
                print(f"{level:9s} {submission:30s} {result.get('score', '-'):>4} pts  run_autograder "
                      f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}) "
                      f"[{result['extra_data']['protection'][:40]}]")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
