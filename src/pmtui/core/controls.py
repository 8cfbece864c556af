"""Pure rules of the quarterly control assessments (M7.3).

The service (:mod:`pmtui.services.controls`) gathers facts from the file; this module
decides what they mean: which quarter a code names, which role holdings break a
segregation-of-duties rule, whose account is dormant, and how severe each finding is.
No I/O and no clock: dates come in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

#: Severities from least to most serious.
SEVERITIES = ("info", "low", "medium", "high")

#: Permissions that let a holder change data or definitions (not only read them).
WRITE_PERMISSIONS = frozenset({"enter_data", "approve", "edit_definitions", "edit_targets", "administer"})

#: Default segregation-of-duties rule: nobody both enters and approves data for the same unit.
DEFAULT_SOD_RULES = "enter_data+approve"
DEFAULT_MAX_ADMINS = 2
DEFAULT_DORMANT_DAYS = 90

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: its code, first and last day, and its three periods."""

    code: str
    start: date
    end: date
    periods: tuple[str, str, str]

    @property
    def ts_from(self) -> str:
        """First audit timestamp inside the quarter (inclusive)."""
        return f"{self.start.isoformat()}T00:00:00Z"

    @property
    def ts_to(self) -> str:
        """First audit timestamp after the quarter (exclusive)."""
        return f"{(self.end + timedelta(days=1)).isoformat()}T00:00:00Z"


def parse_quarter(text: str) -> Quarter:
    """``2026Q3`` (also ``2026-q3``) -> 2026-07-01 .. 2026-09-30 and periods 2026-07..2026-09.

    Raises:
        ValueError: the text is not a quarter of a year from 1990 to 2100.
    """
    match = _QUARTER.match(text) if isinstance(text, str) else None
    if not match or not 1990 <= int(match.group(1)) <= 2100:
        raise ValueError(f"quarter {text!r} must look like 2026Q3 (year 1990-2100, quarter 1-4)")
    year, number = int(match.group(1)), int(match.group(2))
    first = 3 * number - 2
    end = date(year + (number == 4), 1 if number == 4 else first + 3, 1) - timedelta(days=1)
    months = tuple(f"{year:04d}-{m:02d}" for m in range(first, first + 3))
    return Quarter(f"{year}Q{number}", date(year, first, 1), end, months)  # type: ignore[arg-type]


def as_of(quarter: Quarter, today: date) -> date:
    """The day access is judged at: the quarter's last day, or today while it is running."""
    return min(quarter.end, today)


def severity_rank(severity: str) -> int:
    """0 for info up to 3 for high (ValueError for anything else)."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise ValueError(f"severity {severity!r} must be one of {', '.join(SEVERITIES)}") from None


@dataclass(frozen=True)
class Finding:
    """One finding of an assessment; ``unit``/``kpi`` codes mark what confidentiality applies to it."""

    control: str
    area: str
    severity: str
    element: str
    detail: str
    unit: str | None = None
    kpi: str | None = None
    seq: int | None = None


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by control and element (a stable, readable order)."""
    return sorted(findings, key=lambda f: (-severity_rank(f.severity), f.control, f.element, f.seq or 0))


def count_by_severity(severities: Iterable[str]) -> dict[str, int]:
    """``{"high": n, "medium": n, "low": n, "info": n}`` (every severity present, most serious first)."""
    counts = {s: 0 for s in reversed(SEVERITIES)}
    for severity in severities:
        counts[SEVERITIES[severity_rank(severity)]] += 1
    return counts


def summary_text(counts: Mapping[str, int]) -> str:
    """``"1 high, 3 medium, 2 info"`` (zeros left out), or ``"no findings"``."""
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    return ", ".join(parts) if parts else "no findings"


# --- segregation of duties ----------------------------------------------------------


def parse_sod_rules(text: str | None, permissions: Iterable[str]) -> list[tuple[str, str]]:
    """Rules ``"enter_data+approve, edit_targets+approve"`` as sorted permission pairs.

    Raises:
        ValueError: a rule is not two different known permissions joined by ``+``.
    """
    known = set(permissions)
    rules: list[tuple[str, str]] = []
    for part in (text if text is not None else DEFAULT_SOD_RULES).replace(";", ",").split(","):
        if not part.strip():
            continue
        pair = [p.strip() for p in part.split("+")]
        if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= known:
            raise ValueError(f"segregation-of-duties rule {part.strip()!r} must be two different permissions"
                             f" joined by '+', from: {', '.join(sorted(known))}")
        rule = (min(pair), max(pair))
        if rule not in rules:
            rules.append(rule)
    return rules


@dataclass(frozen=True)
class Holding:
    """A role a user holds: ``unit`` None means group-wide."""

    user: str
    role: str
    unit: str | None
    permissions: frozenset[str]


@dataclass(frozen=True)
class Conflict:
    """A user who holds both permissions of a rule over the same unit (``scope`` None: group-wide)."""

    user: str
    rule: tuple[str, str]
    scope: str | None
    roles: tuple[str, ...]


def _overlap(a: str | None, b: str | None, ancestors: Mapping[str, tuple[str, ...]]) -> tuple[bool, str | None]:
    """Do two scopes overlap, and what is the narrower one (None: group-wide)?"""
    if a is None or b is None:
        return True, a if b is None else b
    if a == b or a in ancestors.get(b, ()):
        return True, b
    if b in ancestors.get(a, ()):
        return True, a
    return False, None


def sod_conflicts(holdings: Iterable[Holding], rules: Iterable[tuple[str, str]],
                  ancestors: Mapping[str, tuple[str, ...]]) -> list[Conflict]:
    """Users holding both permissions of a rule over one unit (a role held at a unit covers those below).

    ``ancestors`` maps a unit code to the codes above it. One conflict per user, rule and
    narrowest overlapping scope, sorted by user.
    """
    by_user: dict[str, list[Holding]] = {}
    for h in holdings:
        by_user.setdefault(h.user, []).append(h)
    found: dict[tuple[str, tuple[str, str], str | None], set[str]] = {}
    for user, held in by_user.items():
        for rule in rules:
            for first in (h for h in held if rule[0] in h.permissions):
                for second in (h for h in held if rule[1] in h.permissions):
                    overlaps, scope = _overlap(first.unit, second.unit, ancestors)
                    if overlaps:
                        found.setdefault((user, rule, scope), set()).update({_label(first), _label(second)})
    return [Conflict(user, rule, scope, tuple(sorted(roles)))
            for (user, rule, scope), roles in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                    kv[0][2] or ""))]


def _label(h: Holding) -> str:
    return f"{h.role}@{h.unit}" if h.unit else h.role


def grade_sod(conflict: Conflict, four_eyes_enforced: bool) -> str:
    """High when nothing stops self-approval; otherwise medium group-wide, low for one unit."""
    if not four_eyes_enforced:
        return "high"
    return "medium" if conflict.scope is None else "low"


# --- accounts -----------------------------------------------------------------------


def grade_admins(count: int, maximum: int) -> str:
    """Too many administrators is a risk (medium, high at twice the cap); none leaves nobody in charge."""
    if count == 0:
        return "medium"
    if count > 2 * maximum:
        return "high"
    return "medium" if count > maximum else "info"


def dormant(last_activity: Mapping[str, str | None], holders: Mapping[str, frozenset[str]], day: date,
            days: int) -> list[tuple[str, str | None, frozenset[str]]]:
    """Role holders with no audit entry in the ``days`` before ``day`` (inclusive).

    ``last_activity`` maps a user to the date (``YYYY-MM-DD``) of their last entry up to
    ``day``; ``holders`` maps each active user holding a role to their permissions.
    Returns ``(user, last date or None, permissions)`` sorted by user.
    """
    cutoff = (day - timedelta(days=days)).isoformat()
    out = []
    for user in sorted(holders):
        last = last_activity.get(user)
        if last is None or last[:10] <= cutoff:
            out.append((user, last[:10] if last else None, holders[user]))
    return out


def grade_dormant(permissions: Iterable[str]) -> str:
    """A dormant account matters by what it could still do: administer high, approve/edit medium,
    enter data low, read only info."""
    held = set(permissions)
    if "administer" in held:
        return "high"
    if held & {"approve", "edit_definitions", "edit_targets"}:
        return "medium"
    return "low" if "enter_data" in held else "info"


def grade_vacant_role(owned: int) -> str:
    """A role nobody holds: medium when it owns KPIs or objectives (ownership is orphaned), else info."""
    return "medium" if owned else "info"


def grade_refusals(count: int) -> str:
    """One user's refused attempts: the controls working (info), unless they pile up (low at 10 or more)."""
    return "low" if count >= 10 else "info"


@dataclass
class Outcome:
    """What one control checked and how many findings it raised (kept with the assessment)."""

    control: str
    area: str
    checked: str
    findings: int = 0

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"control": self.control, "area": self.area, "checked": self.checked, "findings": self.findings}
