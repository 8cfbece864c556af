"""Escalation paths by level and time (M3.2), separate for process failures and individual accountability.

Pure: the service hands in the rules of one classification and the unit chain of the
problem (its unit first, then each parent up to the group). A rule says: once a problem
has been open ``after_days`` days, step ``step`` applies and the problem goes to ``role``
at the problem's ``level`` (the nearest unit on the chain of that kind or above: a
problem at a business unit escalated at team level stays at the business unit).

A chain of rules is valid when its steps are numbered 1, 2, 3 ... without gaps, waiting
times never shrink and levels never go down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

#: Unit levels from the bottom up (the ``units.kind`` values).
LEVELS = ("team", "business_unit", "region", "group")
#: Root-cause classifications, each with its own path.
CLASSIFICATIONS = ("process", "individual")


@dataclass(frozen=True)
class Rule:
    """One step of a classification's path."""

    step: int
    after_days: int
    level: str
    role: str


@dataclass(frozen=True)
class PlannedStep:
    """A rule resolved for one problem: where it lands and whether it applies yet.

    Attributes:
        unit: Code of the unit the step goes to.
        state: ``passed`` (an earlier step already applied), ``now`` (the step that
            applies today), ``next`` (the following one) or ``later``.
        days_left: Days until the step applies (0 once it does).
    """

    step: int
    after_days: int
    level: str
    role: str
    unit: str
    state: str
    days_left: int

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return asdict(self)


def check_chain(rules: Sequence[Rule]) -> list[str]:
    """Problems with a classification's rules (empty when the chain is valid)."""
    problems = []
    ordered = sorted(rules, key=lambda r: r.step)
    for index, rule in enumerate(ordered, start=1):
        if rule.level not in LEVELS:
            problems.append(f"step {rule.step}: level must be one of {', '.join(LEVELS)}, not {rule.level!r}")
        if rule.after_days < 0:
            problems.append(f"step {rule.step}: after_days must be 0 or more")
        if rule.step != index:
            problems.append(f"steps must be numbered 1, 2, 3 ... without gaps (found step {rule.step}"
                            f" where step {index} belongs)")
    for before, after in zip(ordered, ordered[1:]):
        if after.after_days < before.after_days:
            problems.append(f"step {after.step} waits {after.after_days} days, less than step {before.step}"
                            f" ({before.after_days})")
        if before.level in LEVELS and after.level in LEVELS and LEVELS.index(after.level) < LEVELS.index(before.level):
            problems.append(f"step {after.step} goes down from {before.level} to {after.level}")
    return problems


def current_step(rules: Sequence[Rule], days_open: int) -> Rule | None:
    """The rule that applies after ``days_open`` days (the latest one reached), or None."""
    reached = [r for r in rules if r.after_days <= days_open]
    return max(reached, key=lambda r: r.step) if reached else None


def resolve_unit(chain: Sequence[tuple[str, str]], level: str) -> str:
    """The nearest unit of ``chain`` ((code, kind), problem unit first) at ``level`` or above."""
    wanted = LEVELS.index(level)
    for code, kind in chain:
        if kind in LEVELS and LEVELS.index(kind) >= wanted:
            return code
    return chain[-1][0]


def plan(rules: Sequence[Rule], chain: Sequence[tuple[str, str]], days_open: int) -> list[PlannedStep]:
    """Every rule resolved to its unit, with the step that applies now marked."""
    now = current_step(rules, days_open)
    out, next_marked = [], False
    for rule in sorted(rules, key=lambda r: r.step):
        if now is not None and rule.step < now.step:
            state = "passed"
        elif now is not None and rule.step == now.step:
            state = "now"
        elif not next_marked:
            state, next_marked = "next", True
        else:
            state = "later"
        out.append(PlannedStep(rule.step, rule.after_days, rule.level, rule.role, resolve_unit(chain, rule.level),
                               state, max(0, rule.after_days - days_open)))
    return out
