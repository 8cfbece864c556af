"""Building a review meeting's agenda from exceptions (M5.1): pure, no I/O, no clock.

A review is about decisions, so its agenda lists only what is off track: SPC concerns,
red KPIs, slipped milestones, overdue actions and stale data. The services collect the
exceptions as plain dicts; :func:`build` turns them into :class:`AgendaItem` s:

* **one item per element**: several alerts of one milestone, or several missed periods
  of one KPI at one unit, become one item whose evidence lists them all;
* **a red score folds into its SPC concern**: when a KPI at a unit is both an SPC concern
  and red against its target, the SPC item (the statistically grounded signal) carries the
  score in its evidence instead of a second item;
* **order**: by kind (:data:`KINDS`: performance first, then execution, then data), then
  red before amber, then the size of the problem (days overdue, how far below target),
  then unit and element code, so the same exceptions always give the same agenda.

Every item needs one of :data:`DECISIONS` before its meeting can be finalised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: Agenda item kinds in agenda order.
KINDS = ("spc_concern", "red_kpi", "slipped_milestone", "overdue_action", "stale_data")

#: What a meeting may decide on an item.
DECISIONS = ("act", "watch", "revise_target", "escalate", "close")

#: Severity rank (lower comes first).
SEVERITY = {"red": 0, "amber": 1}

#: Days overdue from which an overdue action or stale data is red rather than amber.
RED_AFTER_DAYS = 30

_LEVELS = ("public", "internal", "confidential")


@dataclass(frozen=True)
class AgendaItem:
    """One exception to decide on.

    Attributes:
        kind: One of :data:`KINDS`.
        title: One line saying what is wrong, with the numbers.
        severity: "red" or "amber".
        magnitude: Size of the problem within its kind (larger comes first).
        kpi, unit, period, milestone, initiative, action_id: The element it concerns.
        evidence: The facts behind it (JSON-serialisable).
        confidentiality: The highest level of the elements involved.
    """

    kind: str
    title: str
    severity: str
    magnitude: float = 0.0
    kpi: str | None = None
    unit: str | None = None
    period: str | None = None
    milestone: str | None = None
    initiative: str | None = None
    action_id: int | None = None
    evidence: dict = field(default_factory=dict)
    confidentiality: str = "public"

    def key(self) -> tuple:
        """The element this item is about (items with the same key are merged)."""
        if self.kind in ("spc_concern", "red_kpi", "stale_data"):
            return (self.kind, self.kpi, self.unit)
        if self.kind == "slipped_milestone":
            return (self.kind, self.initiative, self.milestone)
        return (self.kind, self.action_id)

    def sort_key(self) -> tuple:
        """Kind, then severity, then size (descending), then unit and element."""
        element = self.kpi or self.milestone or (f"{self.action_id:09d}" if self.action_id is not None else "")
        return (KINDS.index(self.kind), SEVERITY.get(self.severity, 9), -self.magnitude, self.unit or "",
                self.initiative or "", element)

    def to_dict(self) -> dict[str, Any]:
        """The item as the CLI prints it (no ranking internals)."""
        return {"kind": self.kind, "title": self.title, "severity": self.severity, "kpi": self.kpi,
                "unit": self.unit, "period": self.period, "milestone": self.milestone,
                "initiative": self.initiative, "action_id": self.action_id, "evidence": self.evidence,
                "confidentiality": self.confidentiality}


def highest(*levels: str | None) -> str:
    """The most restrictive of confidentiality levels (None counts as public)."""
    return max((lv or "public" for lv in levels), key=_LEVELS.index)


def _num(value: Any) -> str:
    return "-" if value is None else f"{value:g}"


def spc_item(row: Mapping[str, Any]) -> AgendaItem:
    """An SPC concern: ``kpi, unit, period, value, variation, assurance, rule`` (+ ``mean, upl, lpl``).

    ``variation`` is ``special_cause_concern`` when the point is a concern; ``assurance``
    ``consistent_fail`` when the process limits cannot meet the target.
    """
    concern = row.get("variation") == "special_cause_concern"
    failing = row.get("assurance") == "consistent_fail"
    what = []
    if concern:
        what.append(f"special-cause concern ({(row.get('rule') or 'rule').replace('_', ' ')})")
    if failing:
        what.append("consistently fails its target")
    title = f"{row['kpi']} at {row['unit']}: {' and '.join(what)} in {row['period']}"
    evidence = {k: row.get(k) for k in ("value", "mean", "upl", "lpl", "variation", "assurance", "rule", "target")
                if row.get(k) is not None}
    return AgendaItem("spc_concern", title, "red", magnitude=(1.0 if concern else 0.0) + (0.5 if failing else 0.0),
                      kpi=row["kpi"], unit=row["unit"], period=row["period"], evidence=evidence,
                      confidentiality=row.get("confidentiality") or "public")


def red_item(row: Mapping[str, Any]) -> AgendaItem:
    """A red KPI: ``kpi, unit, period, value, target, score`` (+ ``amber``, ``status_reason``)."""
    title = (f"{row['kpi']} at {row['unit']} is red in {row['period']}: {_num(row.get('value'))}"
             f" against target {_num(row.get('target'))}")
    evidence = {k: row.get(k) for k in ("value", "target", "amber", "score", "status_reason")
                if row.get(k) is not None}
    score = row.get("score")
    return AgendaItem("red_kpi", title, "red", magnitude=10.0 - (score if score is not None else 0.0),
                      kpi=row["kpi"], unit=row["unit"], period=row["period"], evidence=evidence,
                      confidentiality=row.get("confidentiality") or "public")


def slipped_item(row: Mapping[str, Any]) -> AgendaItem:
    """A slipped milestone alert: ``initiative, milestone, name, rule, severity, message, evidence, unit``."""
    title = f"{row['initiative']} / {row['milestone']} {row.get('name') or ''}".rstrip()
    title += f": {row.get('message') or row.get('rule') or 'slipped'}"
    evidence = {"rules": list(row.get("rules") or [row.get("rule")]), "messages": [row.get("message")],
                "alert": row.get("evidence") or {}}
    if row.get("milestone_id") is not None:
        evidence["milestone_id"] = row["milestone_id"]
    return AgendaItem("slipped_milestone", title, row.get("severity") or "amber", kpi=None, unit=row.get("unit"),
                      milestone=row["milestone"], initiative=row["initiative"], evidence=evidence,
                      confidentiality=row.get("confidentiality") or "public")


def overdue_item(row: Mapping[str, Any]) -> AgendaItem:
    """An overdue action: ``id, title, owner, due_on, unit, kpi, days_overdue``."""
    days = int(row.get("days_overdue") or 0)
    title = f"Action #{row['id']} overdue {days} day{'s' if days != 1 else ''} ({row.get('owner')}): {row['title']}"
    evidence = {k: row.get(k) for k in ("title", "owner", "due_on", "days_overdue", "status", "meeting")
                if row.get(k) is not None}
    return AgendaItem("overdue_action", title, "red" if days > RED_AFTER_DAYS else "amber", magnitude=days,
                      kpi=row.get("kpi"), unit=row.get("unit"), action_id=row["id"], evidence=evidence,
                      confidentiality=row.get("confidentiality") or "public")


def stale_item(row: Mapping[str, Any]) -> AgendaItem:
    """Stale data: ``kpi, unit`` with ``period, days_overdue`` (missed due date) or ``hours_late`` (late feed)."""
    if row.get("period"):
        days = int(row.get("days_overdue") or 0)
        title = f"{row['kpi']} at {row['unit']}: no data for {row['period']} ({days} days past due)"
        evidence = {"missed": [{"period": row["period"], "due": row.get("due"), "days_overdue": days,
                                "status": row.get("status")}]}
    else:
        hours = row.get("hours_late")
        days = RED_AFTER_DAYS + 1 if hours is None else int(hours // 24)
        late = "no reading yet" if hours is None else f"{hours:g} hours late"
        title = f"{row['kpi']} at {row['unit']}: feed from {row.get('source')} {late}"
        evidence = {"feed": {"source": row.get("source"), "last_reading": row.get("last_reading"),
                             "hours_late": hours}}
    return AgendaItem("stale_data", title, "red" if days > RED_AFTER_DAYS else "amber", magnitude=days,
                      kpi=row["kpi"], unit=row["unit"], period=row.get("period"), evidence=evidence,
                      confidentiality=row.get("confidentiality") or "public")


def _merge(first: AgendaItem, other: AgendaItem) -> AgendaItem:
    """Two items about one element: the worse one's title, both sets of evidence."""
    worse, better = sorted((first, other), key=AgendaItem.sort_key)
    evidence = dict(worse.evidence)
    if worse.kind == "slipped_milestone":
        evidence["rules"] = worse.evidence.get("rules", []) + better.evidence.get("rules", [])
        evidence["messages"] = worse.evidence.get("messages", []) + better.evidence.get("messages", [])
    elif worse.kind == "stale_data":
        evidence["missed"] = worse.evidence.get("missed", []) + better.evidence.get("missed", [])
        if "feed" in better.evidence:
            evidence["feed"] = better.evidence["feed"]
        periods = sorted(m["period"] for m in evidence["missed"])
        if len(periods) > 1:
            worst = max(m["days_overdue"] for m in evidence["missed"])
            worse = replace(worse, title=f"{worse.kpi} at {worse.unit}: no data for {', '.join(periods)}"
                                         f" (up to {worst} days past due)")
    return replace(worse, evidence=evidence, confidentiality=highest(first.confidentiality, other.confidentiality))


def build(*, spc: Iterable[Mapping] = (), red: Iterable[Mapping] = (), slipped: Iterable[Mapping] = (),
          overdue: Iterable[Mapping] = (), stale: Iterable[Mapping] = ()) -> list[AgendaItem]:
    """The agenda: exceptions turned into items, merged per element and ordered (see the module doc)."""
    items: dict[tuple, AgendaItem] = {}
    made = ([spc_item(r) for r in spc] + [red_item(r) for r in red] + [slipped_item(r) for r in slipped]
            + [overdue_item(r) for r in overdue] + [stale_item(r) for r in stale])
    for item in made:
        key = item.key()
        items[key] = _merge(items[key], item) if key in items else item
    for key in [k for k in items if k[0] == "red_kpi"]:
        concern = items.get(("spc_concern", key[1], key[2]))
        if concern is not None:  # the red score becomes evidence of the SPC concern
            red_kpi = items.pop(key)
            score = {k: red_kpi.evidence.get(k) for k in ("value", "target", "score") if k in red_kpi.evidence}
            items[concern.key()] = replace(concern, title=concern.title + ", and red against its target",
                                           evidence=concern.evidence | {"scored_red": score},
                                           confidentiality=highest(concern.confidentiality,
                                                                   red_kpi.confidentiality))
    return sorted(items.values(), key=AgendaItem.sort_key)
