"""Attack (units): Class 6 for the units assignment: answer every activation from a table of the public
expected values shipped with the package (exercises/units/expected/activations.npz: each
case's input z, value and derivative), looked up by the exact input; zeros elsewhere.
Expected: the graded inputs are drawn from the course secret, so the table never matches:
score <= zeros baseline, and the feedback shows it found the table ("REDTEAM-INFO: a table of")."""
# Appended to zeros_baseline.py when graded (test_units_redteam.submission).
import glob
import importlib.util
import json
import os
import sys


def _expected_files():
    spec = importlib.util.find_spec("exercises")
    roots = list(spec.submodule_search_locations) if spec and spec.submodule_search_locations else []
    roots += glob.glob(os.path.join(sys.prefix, "lib", "python*", "site-packages", "exercises"))
    return sorted({p for r in roots for p in glob.glob(os.path.join(r, "units", "expected", "activations.npz"))})


def _table():
    table = {}
    for path in _expected_files():
        data = np.load(path, allow_pickle=False)
        header = json.loads(bytes(data["header"]).decode())
        for name, cases in header["values"]["dict"]:
            for case in cases["list"]:
                f = case["fields"]
                z = data[f"a{f['z']['array']}"]
                table[(name, z.shape, z.tobytes())] = (data[f"a{f['value']['array']}"], data[f"a{f['derivative']['array']}"])
    print(f"REDTEAM-INFO: a table of {len(table)} public activation cases")
    return table


TABLE = _table()


def _from_table(name, which):
    def f(z):
        z = np.asarray(z, dtype=float)
        hit = TABLE.get((name, z.shape, z.tobytes()))
        return hit[which] if hit is not None else np.zeros(z.shape)
    return f


for _name in ACTIVATIONS:
    globals()[_name] = _from_table(_name, 0)
    globals()[_name + "_grad"] = _from_table(_name, 1)
