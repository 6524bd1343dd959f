"""Start-up cost of each protection level: first sandbox ready, the probe, one honest submission.

    python benchmarks/protection_startup.py            # bwrap here, container inside tests/docker_like.py

The container level is measured where namespaces are really unavailable (the script runs
itself again inside tests/docker_like.py), as Gradescope would see it.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from autograder.execution import Chunk  # noqa: E402
from autograder.protection import Level  # noqa: E402
from autograder.sandbox import Limits, SandboxedStudent, SandboxPool  # noqa: E402
from autograder.student import Call  # noqa: E402

CORRECT = (ROOT / "examples" / "submissions" / "correct.py").read_text()


def measure(level: Level, hidden: list[Path]) -> tuple[float, float, float]:
    """Seconds: first sandbox ready, probe, one submission's child (spawn + load + one call)."""
    import numpy as np

    start = time.perf_counter()
    with SandboxPool(Limits(), level=level) as pool:
        pool.prewarm(1)
        pool.wait_one_ready()
        ready = time.perf_counter()
        pool.probe(hidden)
        probed = time.perf_counter()
        with SandboxedStudent([Chunk(CORRECT, "correct.py")], pool) as student:
            student.run([Call("sigmoid", (np.zeros(3),), ("z",))])
        done = time.perf_counter()
    return ready - start, probed - ready, done - probed


def report(level: Level, runs: int = 5) -> None:
    hidden = [ROOT / "reference", ROOT / "solutions"]
    samples = [measure(level, hidden) for _ in range(runs)]
    names = ("first sandbox ready", "probe", "one submission (spawn, load, one call)")
    for i, name in enumerate(names):
        values = [s[i] * 1000 for s in samples]
        print(f"{level.flag:9s} {name:40s} median {statistics.median(values):7.1f} ms  "
              f"(min {min(values):.1f}, max {max(values):.1f}, {runs} runs)")


def main() -> None:
    if sys.argv[1:] == ["--inside"]:
        report(Level.CONTAINER)
        return
    report(Level.BWRAP)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "tests" / "docker_like.py"), sys.executable, __file__, "--inside"],
                   check=True, env=env)


if __name__ == "__main__":
    main()
