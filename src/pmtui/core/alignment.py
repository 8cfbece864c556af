"""Alignment of unit KPIs with corporate objectives (capability M1.1), as graph walks.

Pure: the caller passes plain objective and link records (read for one planning cycle)
and gets a report back. An objective's cascade is its ``parent_id`` chain; a unit KPI
(a KPI linked to a unit- or team-level objective) is *aligned* when that chain reaches
a corporate objective. A corporate objective is *measured* when some unit KPI is linked
anywhere in its cascade subtree. Broken data (a parent outside the cycle, a cycle in
the parent chain) never loops: the walk stops and the KPI counts as unaligned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

#: Objective levels whose KPIs are "unit KPIs".
UNIT_LEVELS = ("unit", "team")


@dataclass(frozen=True)
class Objective:
    """An objective as the report needs it."""

    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    perspective: str
    unit: str = ""


@dataclass(frozen=True)
class KpiLink:
    """A KPI measuring an objective."""

    objective_id: int
    kpi: str
    kpi_name: str = ""


@dataclass(frozen=True)
class UnalignedKpi:
    """A unit KPI whose cascade reaches no corporate objective.

    Attributes:
        stops_at: code of the last objective reached walking up (the one with no usable parent).
        why: ``no parent``, ``parent outside the cycle`` or ``loop in the cascade``.
    """

    kpi: str
    kpi_name: str
    objective: str
    unit: str
    stops_at: str
    why: str


@dataclass(frozen=True)
class PerspectiveCoverage:
    """Share of a perspective's corporate objectives measured by at least one unit KPI."""

    perspective: str
    corporate: int
    measured: int
    aligned_kpis: int

    @property
    def share(self) -> float | None:
        """measured / corporate, None when the perspective has no corporate objective."""
        return self.measured / self.corporate if self.corporate else None


@dataclass
class AlignmentReport:
    """The three parts of the alignment report."""

    unaligned: list[UnalignedKpi] = field(default_factory=list)
    unmeasured: list[Objective] = field(default_factory=list)
    coverage: list[PerspectiveCoverage] = field(default_factory=list)
    unit_kpis: int = 0

    def to_dict(self) -> dict:
        """JSON-ready form (``share`` included)."""
        return {
            "unit_kpis": self.unit_kpis,
            "unaligned_kpis": [asdict(u) for u in self.unaligned],
            "unmeasured_objectives": [{"code": o.code, "name": o.name, "perspective": o.perspective}
                                      for o in self.unmeasured],
            "coverage": [asdict(c) | {"share": c.share} for c in self.coverage],
        }


def corporate_root(objective_id: int, by_id: Mapping[int, Objective]) -> tuple[Objective | None, Objective, str]:
    """Walk up from ``objective_id`` to the first corporate objective.

    Returns:
        ``(root, last, why)``: the corporate objective reached (or None), the last
        objective visited, and why the walk stopped when no root was reached.
    """
    seen: set[int] = set()
    current = by_id[objective_id]
    while True:
        if current.level == "corporate":
            return current, current, ""
        seen.add(current.id)
        parent = current.parent_id
        if parent is None:
            return None, current, "no parent"
        if parent in seen:
            return None, current, "loop in the cascade"
        if parent not in by_id:
            return None, current, "parent outside the cycle"
        current = by_id[parent]


def report(objectives: Iterable[Objective], links: Iterable[KpiLink],
           perspectives: Iterable[str] = ()) -> AlignmentReport:
    """Build the alignment report.

    Args:
        objectives: the objectives valid in the cycle (standing ones included).
        links: KPI links of those objectives (links to other objectives are ignored).
        perspectives: perspective codes in display order; perspectives of the
            objectives that are not listed follow in order of appearance.

    Returns:
        Unaligned unit KPIs (sorted by unit, objective, KPI), unmeasured corporate
        objectives (by perspective order, then code) and coverage per perspective.
    """
    by_id = {o.id: o for o in objectives}
    order = list(dict.fromkeys([*perspectives, *(o.perspective for o in by_id.values())]))
    out = AlignmentReport()
    measured: set[int] = set()
    aligned_per_perspective: dict[str, int] = dict.fromkeys(order, 0)
    for link in links:
        objective = by_id.get(link.objective_id)
        if objective is None or objective.level not in UNIT_LEVELS:
            continue
        out.unit_kpis += 1
        root, last, why = corporate_root(objective.id, by_id)
        if root is None:
            out.unaligned.append(UnalignedKpi(link.kpi, link.kpi_name, objective.code, objective.unit,
                                              last.code, why))
        else:
            measured.add(root.id)
            aligned_per_perspective[root.perspective] += 1
    corporate = [o for o in by_id.values() if o.level == "corporate"]
    rank = {p: i for i, p in enumerate(order)}
    out.unaligned.sort(key=lambda u: (u.unit, u.objective, u.kpi))
    out.unmeasured = sorted((o for o in corporate if o.id not in measured),
                            key=lambda o: (rank[o.perspective], o.code))
    for perspective in order:
        mine = [o for o in corporate if o.perspective == perspective]
        out.coverage.append(PerspectiveCoverage(perspective, len(mine), sum(o.id in measured for o in mine),
                                                aligned_per_perspective[perspective]))
    return out
