"""Protection levels: which sandbox runs student code, and the weakest one a course accepts.

    bwrap      bubblewrap: new pid, net, ipc, uts and mount namespaces (sandbox.py)
    container  no namespaces: an unprivileged uid, Landlock where the kernel has it, a seccomp
               filter, rlimits (container.py); for Docker (Gradescope) and hosts that forbid
               user namespaces
    none       in the grader's own process: trusted code only

`--protection auto` takes the strongest that starts here (bwrap, else container; never
none). `--min-protection` (default container) refuses anything weaker, before any student
code runs: the grader fails closed (exit 3) rather than grade with less than the course asked.
"""
from __future__ import annotations

import argparse
import enum
from dataclasses import dataclass


class Level(enum.IntEnum):
    """Ordered by strength: a comparison says which protects more."""

    NONE = 0
    CONTAINER = 1
    BWRAP = 2

    @property
    def flag(self) -> str:
        return self.name.lower()


AUTO = "auto"
DEFAULT_MINIMUM = Level.CONTAINER
# What `auto` tries, strongest first. `none` is never chosen for you.
AUTO_ORDER = (Level.BWRAP, Level.CONTAINER)


class ProtectionRefused(Exception):
    """The protection the course asked for cannot be had here: nothing may be graded."""


@dataclass(frozen=True)
class Request:
    """What the command line asked for."""

    wanted: str  # "auto" or a Level's flag
    minimum: Level

    def candidates(self) -> list[Level]:
        """The levels to try, strongest first; raises ProtectionRefused when the one asked
        for is weaker than the minimum (refused before anything starts)."""
        if self.wanted == AUTO:
            levels = [level for level in AUTO_ORDER if level >= self.minimum]
            if not levels:  # unreachable with today's levels; kept so a new minimum cannot slip through
                raise ProtectionRefused(f"no level that `auto` tries is as strong as --min-protection {self.minimum.flag}")
            return levels
        level = Level[self.wanted.upper()]
        if level < self.minimum:
            raise ProtectionRefused(
                f"--protection {level.flag} is weaker than --min-protection {self.minimum.flag}: refusing to grade "
                f"(pass --min-protection {level.flag} if you accept that{_NONE_WARNING if level is Level.NONE else ''})")
        return [level]


_NONE_WARNING = "; `none` runs student code with your rights, for trusted code only"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    levels = [level.flag for level in sorted(Level, reverse=True)]
    parser.add_argument("--protection", choices=[AUTO, *levels], default=None,
                        help="how student code is confined: bwrap (namespaces), container (unprivileged uid, "
                             "seccomp, Landlock, rlimits: for Docker/Gradescope), none (in this process, trusted "
                             "code only); auto (default): bwrap if it works here, else container")
    parser.add_argument("--min-protection", choices=levels, default=None,
                        help=f"refuse to grade (exit 3) with anything weaker (default: {DEFAULT_MINIMUM.flag})")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="same as --protection none --min-protection none (trusted code only)")


def requested(args: argparse.Namespace) -> Request:
    """The request the flags make. `--no-sandbox` is the old spelling of `--protection none
    --min-protection none`; combined with a contradicting flag it is refused."""
    wanted, minimum = getattr(args, "protection", None), getattr(args, "min_protection", None)
    if getattr(args, "no_sandbox", False):
        if wanted not in (None, Level.NONE.flag) or minimum not in (None, Level.NONE.flag):
            raise ProtectionRefused("--no-sandbox means --protection none --min-protection none: "
                                    "do not combine it with other levels")
        return Request(Level.NONE.flag, Level.NONE)
    return Request(wanted or AUTO, Level[minimum.upper()] if minimum else DEFAULT_MINIMUM)
