"""Participant rotation for review meetings (M5.5): pure ranking, no I/O, no clock.

A review gains from someone who owns a process but does not answer for the metrics
under review: they ask the questions the owners no longer ask. :func:`rank` picks
them from the users the service passes in:

* a **process owner** holds (today) a role that owns some KPI or objective
  (``process_roles``);
* a candidate is **responsible** for an agenda KPI at a unit when they hold that KPI's
  owner role for that unit: the role's assignment is for the unit itself, a unit above
  it, or group-wide (a role holds for the units below its unit);
* candidates already taking part (chair, members) are left out;
* the rest are ranked by **who attended least recently** (never first), then by fewest
  meetings attended, then by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A user who might be invited.

    Attributes:
        user: Login name.
        display_name: Name shown to people.
        holdings: ``(role, unit)`` pairs held today; ``unit`` None is group-wide.
        last_attended: ISO date of the last review of this unit they attended, or None.
        attended: Review meetings attended in all (any unit).
    """

    user: str
    display_name: str
    holdings: tuple[tuple[str, str | None], ...]
    last_attended: str | None = None
    attended: int = 0


@dataclass(frozen=True)
class Responsibility:
    """An agenda KPI at a unit and the role that owns it."""

    kpi: str
    unit: str
    owner_role: str


@dataclass(frozen=True)
class Suggestion:
    """A ranked candidate and why they rank there."""

    user: str
    display_name: str
    last_attended: str | None
    attended: int
    why: str


@dataclass(frozen=True)
class Ranking:
    """Suggested users (best first) and the users left out with the reason."""

    suggested: list[Suggestion]
    excluded: list[tuple[str, str]]


def covers(holding_unit: str | None, unit: str, ancestors: Mapping[str, Sequence[str]]) -> bool:
    """True when a role held at ``holding_unit`` (None: group-wide) holds for ``unit``.

    ``ancestors[unit]`` lists the unit itself and every unit above it.
    """
    return holding_unit is None or holding_unit in ancestors.get(unit, (unit,))


def responsible_for(candidate: Candidate, responsibilities: Iterable[Responsibility],
                    ancestors: Mapping[str, Sequence[str]]) -> list[str]:
    """``KPI@UNIT`` labels of the agenda metrics the candidate answers for (sorted)."""
    out = {f"{r.kpi}@{r.unit}" for r in responsibilities for role, unit in candidate.holdings
           if role == r.owner_role and covers(unit, r.unit, ancestors)}
    return sorted(out)


def rank(candidates: Iterable[Candidate], responsibilities: Iterable[Responsibility],
         ancestors: Mapping[str, Sequence[str]], process_roles: Iterable[str], *,
         taking_part: Iterable[str] = (), limit: int | None = None) -> Ranking:
    """Rank the candidates for a rotating seat (see the module doc for the rules)."""
    responsibilities = list(responsibilities)
    owners, present = set(process_roles), set(taking_part)
    eligible, excluded = [], []
    for c in sorted(candidates, key=lambda c: c.user):
        if c.user in present:
            excluded.append((c.user, "already taking part"))
            continue
        if not any(role in owners for role, _ in c.holdings):
            excluded.append((c.user, "owns no process (holds no role that owns a KPI or objective)"))
            continue
        answers = responsible_for(c, responsibilities, ancestors)
        if answers:
            excluded.append((c.user, "responsible for " + ", ".join(answers)))
            continue
        eligible.append(c)
    eligible.sort(key=lambda c: (c.last_attended is not None, c.last_attended or "", c.attended, c.user))
    suggested = [Suggestion(c.user, c.display_name, c.last_attended, c.attended,
                            "never attended a review of this unit" if c.last_attended is None
                            else f"last attended a review of this unit on {c.last_attended}")
                 for c in eligible[:limit]]
    return Ranking(suggested, excluded)
