"""Expected values kept on disk: the shipped public values are current, a notebook's checks
read them without importing torch, and a graded cache nobody with the secret wrote is
never believed."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder import course, store
from autograder.expected import Oracles, public_store
from autograder.secret import CourseSecret
from tests.cli_runner import grade_cli

ROOT = Path(__file__).resolve().parent.parent
SECRET = CourseSecret(b"s" * 32)
OTHER = CourseSecret(b"o" * 32)
ASSIGNMENTS = list(course.assignments().values())


def _tolerances(path: str, fresh: Any) -> tuple[float, float]:
    """(rtol, atol): equal up to rounding. numpy's reductions round differently on different
    CPUs (SIMD width), and a central difference divides the loss's rounding by its step
    (about 1e-6): stored on one machine and recomputed on another (AVX2 only), an entry of
    0.0036 differed by 9e-11. Any stale case differs in the leading digits."""
    if "finite differences" in path:
        return 1e-8, 1e-9 * max(1.0, float(np.max(np.abs(fresh))))
    return 1e-12, 0.0


def assert_same(stored: Any, fresh: Any, path: str = "values") -> None:
    if "float32_error" in path and fresh is not None and not isinstance(fresh, dict):
        # A sample of float32's rounding on this case, which depends on the CPU's SIMD paths
        # (entries differed 100-fold between two machines): shape and type only.
        assert np.shape(stored) == np.shape(fresh) and np.isfinite(stored).all(), path
    elif isinstance(fresh, np.ndarray):
        assert isinstance(stored, np.ndarray) and stored.dtype == fresh.dtype, path
        rtol, atol = _tolerances(path, fresh)
        np.testing.assert_allclose(stored, fresh, rtol=rtol, atol=atol, err_msg=path)
    elif dataclasses.is_dataclass(fresh):
        assert type(stored) is type(fresh), path
        for f in dataclasses.fields(fresh):
            assert_same(getattr(stored, f.name), getattr(fresh, f.name), f"{path}.{f.name}")
    elif isinstance(fresh, dict):
        assert list(stored) == list(fresh), path
        for k in fresh:
            assert_same(stored[k], fresh[k], f"{path}[{k!r}]")
    elif isinstance(fresh, (list, tuple)):
        assert type(stored) is type(fresh) and len(stored) == len(fresh), path
        for i, (s, f) in enumerate(zip(stored, fresh)):
            assert_same(s, f, f"{path}[{i}]")
    elif isinstance(fresh, float) and fresh != fresh:
        assert stored != stored, path
    elif isinstance(fresh, float):
        assert stored == pytest.approx(fresh, rel=1e-12, abs=0), f"{path}: stored {stored!r}, fresh {fresh!r}"
    else:
        assert stored == fresh, f"{path}: stored {stored!r}, fresh {fresh!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=lambda a: a.name)
def test_the_shipped_public_values_are_what_the_oracles_compute_now(assignment):
    shipped, fresh = public_store(assignment), Oracles()
    for exercise in assignment.exercises:
        stored = shipped.load(exercise.name)
        assert stored is not None, f"{shipped.folder}/{exercise.name}.npz is stale: run `python -m tools.course`"
        assert_same(stored, fresh.expected(exercise), exercise.name)


def test_a_notebook_check_reads_the_shipped_values_without_importing_torch():
    script = ("import sys\nfrom autograder.notebook import check\nns = {}\n"
              "exec(open('examples/submissions/correct.py').read(), ns)\n"
              "assert check('sigmoid_mlp', 'backward', ns) == 6\n"
              "print('torch imported' if 'torch' in sys.modules else 'no torch')")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "no torch"


@pytest.fixture(scope="module")
def values() -> Any:
    return Oracles().expected(course.assignment("backprop").exercise("univariate"))


def test_signed_values_load_only_under_their_key_and_secret(tmp_path, values):
    path = tmp_path / "v.npz"
    store.save(path, "key", values, SECRET)
    assert_same(store.load(path, "key", SECRET), values)
    assert store.load(path, "other key", SECRET) is None
    assert store.load(path, "key", OTHER) is None
    assert store.load(path, "key", None) is None
    assert path.stat().st_mode & 0o077 == 0  # graded values reveal the graded inputs


def _rewrite_header(path: Path, edit: Any) -> None:
    """What a forger without the secret can do: change the content, keep the signature."""
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(arrays["header"].tobytes())
    edit(header)
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(path, **arrays)


def test_an_edited_store_is_not_believed(tmp_path, values):
    path = tmp_path / "v.npz"
    store.save(path, "key", values, SECRET)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["a0"] = np.zeros_like(arrays["a0"])  # an expected value changed
    np.savez(path, **arrays)
    assert store.load(path, "key", SECRET) is None


def test_a_store_never_builds_a_type_it_does_not_expect(tmp_path, values):
    path = tmp_path / "v.npz"
    store.save(path, "key", values)  # unsigned: the public store's case
    _rewrite_header(path, lambda h: h["values"].update(type="subprocess.Popen"))
    assert store.load(path, "key") is None
    (tmp_path / "p.npz").write_bytes(b"PK not a zip")
    assert store.load(tmp_path / "p.npz", "key") is None


def test_a_cache_is_not_written_through_a_planted_link(tmp_path, values):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").symlink_to(elsewhere)
    store.save(tmp_path / "cache" / "v.npz", "key", values, SECRET)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.slow
def test_a_forged_graded_cache_cannot_change_a_grade(tmp_path):
    """A student who can write the course folder (a CI checkout) plants expected values that
    make a wrong submission right: the cache is signed, so they are recomputed."""
    wrong = ROOT / "examples" / "submissions" / "mistake_missing_factor_2.py"
    env_args = ["--no-sandbox", "--assignment", "backprop", "--quiet", "--csv"]
    first = grade_cli(str(wrong), *env_args, str(tmp_path / "1.csv"), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    cache = tmp_path / ".autograder-cache" / "backprop"
    assert sorted(p.name for p in cache.iterdir()) == [
        "multivariate.npz", "sigmoid_mlp.npz", "two_layer_linear.npz", "univariate.npz"]
    secret = CourseSecret((tmp_path / ".autograder-secret").read_bytes().strip())
    for path in cache.iterdir():
        key = json.loads(np.load(path)["header"].tobytes())["key"]
        forged = _forged(store.load(path, key, secret))
        store.save(path, key, forged, OTHER)  # signed, but not with the course's secret
    second = grade_cli(str(wrong), *env_args, str(tmp_path / "2.csv"), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "2.csv").read_text() == (tmp_path / "1.csv").read_text()


def _forged(values: Any) -> Any:
    """Every expected gradient halved: what the missing-factor-2 submission returns."""
    cases = [dataclasses.replace(c, grads={k: v / 2 for k, v in c.grads.items()}) for c in values.cases]
    return dataclasses.replace(values, cases=cases)
