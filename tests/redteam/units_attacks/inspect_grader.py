"""Attack (units): Look for the expected values in the child's own memory: walk the call stack
(sys._getframe) and every object the garbage collector knows, for arrays of the output's
shape that are not the inputs, and return the first such array (the grader's expected
values, were they ever sent to the child); print what was found.
Expected: the child only ever holds inputs, never expected values: score <= zeros baseline."""
# Appended to zeros_baseline.py when graded (test_units_redteam.submission).
import gc
import sys


def _candidates(shape, avoid):
    frame, found = sys._getframe(1), []
    while frame is not None:
        found += [v for v in frame.f_locals.values() if isinstance(v, np.ndarray)]
        frame = frame.f_back
    found += [o for o in gc.get_objects() if isinstance(o, np.ndarray)]
    return [a for a in found if a.shape == shape and not any(a is b or np.shares_memory(a, b) for b in avoid)]


_SAID = set()


def _steal(name):
    def f(z):
        z = np.asarray(z)
        hits = _candidates(z.shape, [z])
        if name not in _SAID:
            _SAID.add(name)
            print(f"REDTEAM-INFO: {len(hits)} other arrays of shape {z.shape} in the child ({name})")
        return np.array(hits[0], dtype=float) if hits else np.zeros(z.shape)
    return f


for _name in ACTIVATIONS:
    globals()[_name] = _steal(_name)
    globals()[_name + "_grad"] = _steal(_name + "_grad")
