"""Mounted over autodiff packages (torch, jax, ...) inside the grading sandbox.

`import torch` still works, so a submission that only imports it keeps its forward
points (the autodiff policy takes the backward ones); using it fails with this message.
"""


def __getattr__(name: str) -> object:
    if name.startswith("__"):  # keep Python's own probing (__path__, __file__, ...) quiet
        raise AttributeError(name)
    raise RuntimeError(f"{__name__}.{name}: {__name__} is not available when grading: submissions use numpy "
                       "only, and the backward pass is derived by hand")
