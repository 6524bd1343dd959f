"""Error carried forward: one root mistake costs once.

The course's policy (on by default; `Model(carry_forward=False)` turns it off): when the
diagnosis traces several failures to one cause, the first check that shows it is charged
and the others pass with a note saying why:

- the forward is wrong, and a gradient is right *for the student's own forward* (finite
  differences of it agree): the forward's checks are charged, the gradient is not;
- the forward is right, and several gradients are wrong by the same named cause (all
  exactly half the right value: the factor 2 of dL/dy_hat; a known mistake in a layer all
  of them pass through): the first is charged, the others are not;
- the checks downstream of the gradients (the descent path, training) are not charged
  again for a mistake the forward or gradient checks already charged, when they ran the
  student's functions to the end (a function that raises is charged wherever it is needed).
"""
from __future__ import annotations

from autograder.feedback import Credit, Failure, Outcome

# Causes that can explain several gradients at once, and that a student's machine names too
# (a cause only the instructors' reference knows would make the notebook's score and the
# grade differ): ratios, and the known mistakes with a public torch form.
SHARED = ("ratio:", "divides-by-", "known:")
NOT_ATTEMPTED = ("not-implemented", "missing", "not-run", "load")  # nothing was done: there is nothing to carry forward
# A downstream check that ran the student's functions to the end and went elsewhere (one
# that could not run, because a function raised, is charged: it did nothing to credit).
RAN = ("descent-path", "training")


def _only_cause(outcomes: list[Outcome]) -> str | None:
    """The one cause of every failure of a check, if there is one."""
    causes = {o.cause for o in outcomes if isinstance(o, Failure)}
    return causes.pop() if len(causes) == 1 else None


def own_forward(gradients: dict[str, list[Outcome]], consistent: dict[str, bool],
                output_wrong: bool) -> dict[str, list[Outcome]]:
    """The forward is wrong: credit each gradient that only follows it (right for the
    student's own forward: finite differences of it agree on the first case). A wrong output
    must also be the cause on every case; a wrong loss alone (the 1/(2m) convention, labels
    in {-1, 1}) leaves the output right, so the gradients' causes say nothing there."""
    settled = {}
    for p, outcomes in gradients.items():
        follows = consistent.get(p, False) and (_only_cause(outcomes) == "output-wrong" or not output_wrong)
        settled[p] = [Credit(f"error carried forward: grads['{p}'] is right for your own forward (finite "
                             "differences of it agree), whose mistake is charged under the forward checks")] \
            if follows else outcomes
    return settled


def _named_cause(outcomes: list[Outcome]) -> str | None:
    """The cause the first failure names (the diagnosis case runs first: its sizes are
    chosen so that causes cannot be confused), if every failure is one of wrong values."""
    failures = [o for o in outcomes if isinstance(o, Failure)]
    if failures and all(o.cause and o.cause.startswith(SHARED) for o in failures):
        return failures[0].cause
    return None


def shared_cause(gradients: dict[str, list[Outcome]]) -> dict[str, list[Outcome]]:
    """The forward is right: several gradients wrong by one named cause cost once."""
    by_cause: dict[str, list[str]] = {}
    for p, outcomes in gradients.items():
        cause = _named_cause(outcomes)
        if cause:
            by_cause.setdefault(cause, []).append(p)
    settled = dict(gradients)
    for cause, params in by_cause.items():
        if len(params) < 2:
            continue
        first, rest = params[0], params[1:]
        names = ", ".join(f"grads['{p}']" for p in rest)
        settled[first] = [Failure(o.message + f"\n  the same mistake explains {names}: charged once, here", o.cause)
                          if isinstance(o, Failure) else o for o in gradients[first]]
        for p in rest:
            settled[p] = [Credit(f"error carried forward: grads['{p}'] is wrong by the same mistake as "
                                 f"grads['{first}'], charged there once")]
    return settled


def charged(upstream: list[Outcome]) -> bool:
    """Did the checks upstream charge a mistake of work the student did (not a stub)?"""
    failures = [o for o in upstream if isinstance(o, Failure)]
    return bool(failures) and not any(o.cause in NOT_ATTEMPTED for o in failures)


def downstream(outcome: Outcome, charged: bool, what: str) -> Outcome:
    """A check that follows from the gradients (the descent path, training)."""
    if isinstance(outcome, Failure) and outcome.cause in RAN and charged:
        return Credit(f"not charged again: {what} follows from the mistakes the checks above already charged")
    return outcome
