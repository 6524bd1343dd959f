"""`autograder export gradescope`: the zip a Gradescope programming assignment takes.

    setup.sh            installs the grader in a venv of its own (numpy only), bubblewrap if it can
    run_autograder      grades /autograder/submission, always writes results/results.json
    requirements.txt    numpy, pinned per Python version
    backprop_autograder-*.whl   the grader (no reference, no solutions: wheel.py)
    bundle/             the graded cases' expected values, signed (bundle.py)

Everything torch and the reference are needed for happens here, on the instructor's
machine: the values are computed from the reference, cross-checked against finite
differences and torch.autograd, on the cases the course secret draws, and stored. Grading
on Gradescope's half a CPU then reads them with numpy alone.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import zipfile
from importlib.resources import files
from pathlib import Path

from autograder import __version__, bundle, course
from autograder.expected import GraderError, Oracles, engine_digest
from autograder.protection import Level, ProtectionRefused, add_arguments, requested
from autograder.report_gradescope import VISIBILITIES
from autograder.secret import CourseSecret, SecretError, load_or_create
from autograder.spec import Assignment
from autograder.wheel import grader_wheel

TEMPLATES = ("setup.sh", "run_autograder")
# numpy pinned per Python: 2.2 is the last to support 3.10 (Gradescope's Ubuntu 22.04);
# newer Pythons get the version the project's own tests run with.
REQUIREMENTS = 'numpy==2.2.6; python_version < "3.11"\nnumpy==2.4.6; python_version >= "3.11"\n'
EXECUTABLE = 0o755 << 16  # zip's external attributes: Unix mode in the high 16 bits
REGULAR = 0o644 << 16


def add_parser(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("export", help="build what another platform grades with (Gradescope's autograder zip)")
    e.add_argument("target", choices=["gradescope"], help="the platform")
    e.add_argument("--assignment", help="which assignment (needed when several are installed)")
    e.add_argument("--out", type=Path, default=Path("autograder.zip"), help="the zip to write (default: autograder.zip)")
    e.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                   help="when students see each check's result on Gradescope (default: visible)")
    e.add_argument("--reference", type=Path, default=None, help="reference/ directory (default: ./reference)")
    e.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                   help="a folder of assignment declarations to use instead of the installed ones")
    e.add_argument("--timeout", type=float, default=10.0, help="seconds per student function call when grading")
    add_arguments(e)  # the reference runs in the sandbox, like a submission


def compute_values(args: argparse.Namespace, assignment: Assignment, course_dir: Path,
                   secret: CourseSecret) -> tuple[Oracles, dict[str, object]]:
    """Every graded case's expected values, from the reference (run in the sandbox unless
    --protection none) checked against the other oracles. Raises GraderError & co."""
    from autograder.cli import default_reference_dir, load_oracles, start_pool

    reference_dir = args.reference or default_reference_dir(course_dir, assignment.name)
    if reference_dir is None:
        raise GraderError(f"no reference for {assignment.name!r}: run from the course directory (with "
                          f"reference/{assignment.name}/) or pass --reference DIR")
    request = requested(args)
    with contextlib.ExitStack() as stack:
        pool = None
        if request.candidates() != [Level.NONE]:
            from autograder.sandbox import Limits

            # the reference runs here, as a submission would: the probe checks the course is hidden
            pool, _ = start_pool(request, Limits(call_timeout=args.timeout), 1, stack,
                                 [course_dir, Path(__file__).resolve().parent.parent, reference_dir])
        oracles = load_oracles(pool, assignment, course_dir, reference_dir, secret)
        return oracles, oracles.values(assignment)


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = REGULAR) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = mode
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def write_zip(out: Path, staging: Path, wheel: Path) -> None:
    """The zip, setup.sh and run_autograder at its root (Gradescope looks there)."""
    templates = files("autograder") / "templates" / "gradescope"
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in TEMPLATES:
            _add(archive, name, (templates / name).read_bytes(), EXECUTABLE)
        _add(archive, "requirements.txt", REQUIREMENTS.encode())
        _add(archive, wheel.name, wheel.read_bytes())
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                _add(archive, path.relative_to(staging).as_posix(), path.read_bytes())
    tmp.replace(out)


def build(args: argparse.Namespace, course_dir: Path) -> Path:
    assignment = course.assignment(args.assignment, args.exercises)
    secret = load_or_create(course_dir)
    oracles, values = compute_values(args, assignment, course_dir, secret)
    assert oracles.store is not None  # graded values are always cached under a key
    manifest = bundle.Manifest(assignment=assignment.name, key=oracles.store.key, engine=engine_digest(assignment),
                               secret_digest=secret.digest, grader_version=__version__,
                               visibility=args.visibility, call_timeout=args.timeout)
    with tempfile.TemporaryDirectory(prefix="autograder-export-") as tmp:
        staging = Path(tmp) / "staging"
        (staging / "bundle").mkdir(parents=True)
        bundle.write(staging / "bundle", manifest, values, secret)
        wheels = Path(tmp) / "wheel"
        wheels.mkdir()
        write_zip(args.out, staging, grader_wheel(wheels))
    return args.out


def cmd_export(args: argparse.Namespace) -> int:
    try:
        out = build(args, Path.cwd())
    except course.CourseError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return 2
    except (GraderError, SecretError, ProtectionRefused, OSError) as exc:
        print(f"autograder: cannot build the Gradescope zip: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # noqa: BLE001 - SandboxUnavailable and friends: said plainly, no traceback
        print(f"autograder: cannot build the Gradescope zip: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): upload it as the autograder of a Gradescope "
          "programming assignment (see the README's Gradescope section)")
    return 0
