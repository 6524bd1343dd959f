"""Prints how long in-process grading takes: per submission, per oracle, and torch's import.

Usage: .venv/bin/python benchmarks/grading_speed.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import finite_diff, torch_oracle  # noqa: E402
from autograder import course  # noqa: E402
from autograder.checks import grade  # noqa: E402
from autograder.expected import Oracles, warm_up  # noqa: E402
from autograder.reference import reference_student  # noqa: E402
from autograder.student import InProcessStudent  # noqa: E402
from reference.backprop import sigmoid_mlp as ref  # noqa: E402


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cmd = [sys.executable, "-c", "import time; t = time.perf_counter(); import torch; print(time.perf_counter() - t)"]
    imports = [float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout) for _ in range(3)]
    print(f"import torch (fresh process, median of 3): {1000 * statistics.median(imports):.0f} ms")

    start = time.perf_counter()
    backprop = course.assignment("backprop")
    oracles = Oracles(reference=reference_student(ROOT / "reference", "backprop"))
    warm_up(oracles, backprop)
    print(f"oracle warm-up, all exercises and shapes (once per session): {1000 * (time.perf_counter() - start):.0f} ms")

    ex = backprop.exercise("sigmoid_mlp")
    case = ex.case(ex.shapes()[0])
    fwd = ref.sigmoid_mlp_forward
    loss = lambda p: fwd(p, case.X, case.y)[1]  # noqa: E731
    grads = ref.sigmoid_mlp_backward(case.params, fwd(case.params, case.X, case.y)[2])
    print(f"per oracle, sigmoid_mlp at {case.sizes} (median of {args.repeat}):")
    print(f"  reference forward+backward: {median_ms(lambda: ref.sigmoid_mlp_backward(case.params, fwd(case.params, case.X, case.y)[2]), args.repeat):.3f} ms")
    print(f"  finite differences, full:   {median_ms(lambda: finite_diff.full_gradient(loss, case.params), args.repeat):.3f} ms")
    print(f"  finite differences, fast:   {median_ms(lambda: finite_diff.directional_check(loss, case.params, grads), args.repeat):.3f} ms")
    torch_ms = median_ms(lambda: torch_oracle.forward_and_gradients(ex.torch_forward, case.params, case.X, case.y),
                         args.repeat)
    print(f"  torch.autograd:             {torch_ms:.3f} ms")

    print(f"per submission, all four exercises, in-process (median of {args.repeat}):")
    for path in sorted((ROOT / "examples" / "submissions").glob("*.py")):
        source = path.read_text()
        ms = median_ms(lambda: grade(InProcessStudent.from_source(source, str(path)), oracles, path.name, backprop),
                       args.repeat)
        print(f"  {path.name:<28} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
