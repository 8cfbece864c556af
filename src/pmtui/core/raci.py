"""RACI rules for data creation, validation, reporting and challenge (M7.1).

Pure: the service hands in the KPIs to check and the matrix entries as plain tuples.
Per KPI and activity the matrix must name exactly one Accountable role and at least one
Responsible role. One more rule keeps the four-eyes principle of data approval (M3.3)
visible in the matrix: the role Responsible for creating a KPI's data must not also be
Responsible or Accountable for validating it. A KPI with no entry at all is reported
once (``no_raci``) rather than as eight separate gaps.

The published view ``pub_raci_violations`` is the SQL version of the same rules; a test
checks that both agree on the demo company.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

#: The activities of the matrix, in display order.
ACTIVITIES = ("create", "validate", "report", "challenge")
#: The letters, in display order: Responsible, Accountable, Consulted, Informed.
LETTERS = ("R", "A", "C", "I")
#: What each letter means, for help texts.
LETTER_NAMES = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}

#: Rule ids and how each is explained.
RULES = {
    "no_raci": "no RACI entry for any activity",
    "no_accountable": "no Accountable role",
    "several_accountable": "more than one Accountable role",
    "no_responsible": "no Responsible role",
    "creator_validates": "the role Responsible for creating the data also validates it (four eyes)",
}


@dataclass(frozen=True)
class Entry:
    """One cell assignment: ``role`` holds ``letter`` for ``activity`` of ``kpi``."""

    kpi: str
    activity: str
    role: str
    letter: str


@dataclass(frozen=True)
class Violation:
    """One broken rule; ``activity`` is None for rules about the whole KPI."""

    kpi: str
    activity: str | None
    rule: str
    roles: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """A sentence naming the KPI, the activity and what is wrong."""
        where = f"{self.kpi} {self.activity}" if self.activity else self.kpi
        who = f" ({', '.join(self.roles)})" if self.roles else ""
        return f"{where}: {RULES[self.rule]}{who}"

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"kpi": self.kpi, "activity": self.activity, "rule": self.rule, "roles": list(self.roles),
                "message": self.message}


def check_entry(activity: str, letter: str) -> None:
    """Raise ValueError unless ``activity`` and ``letter`` are known."""
    if activity not in ACTIVITIES:
        raise ValueError(f"activity must be one of {', '.join(ACTIVITIES)}, not {activity!r}")
    if letter not in LETTERS:
        raise ValueError(f"letter must be one of {', '.join(LETTERS)}, not {letter!r}")


def check(kpis: Iterable[str], entries: Iterable[Entry]) -> list[Violation]:
    """Every violation of the rules for ``kpis`` (entries of other KPIs are ignored).

    Returns:
        Violations ordered by KPI (in the order given), then activity, then rule.
    """
    cells: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        cells[(e.kpi, e.activity)][e.letter].append(e.role)
    found: list[Violation] = []
    for kpi in kpis:
        if not any((kpi, a) in cells for a in ACTIVITIES):
            found.append(Violation(kpi, None, "no_raci"))
            continue
        for activity in ACTIVITIES:
            found += _cell_violations(kpi, activity, cells.get((kpi, activity), {}))
        creators = set(cells.get((kpi, "create"), {}).get("R", []))
        validators = cells.get((kpi, "validate"), {})
        both = sorted(creators & (set(validators.get("R", [])) | set(validators.get("A", []))))
        if both:
            found.append(Violation(kpi, "validate", "creator_validates", tuple(both)))
    return found


def _cell_violations(kpi: str, activity: str, letters: dict[str, list[str]]) -> list[Violation]:
    found = []
    accountable = sorted(letters.get("A", []))
    if not accountable:
        found.append(Violation(kpi, activity, "no_accountable"))
    elif len(accountable) > 1:
        found.append(Violation(kpi, activity, "several_accountable", tuple(accountable)))
    if not letters.get("R"):
        found.append(Violation(kpi, activity, "no_responsible"))
    return found
