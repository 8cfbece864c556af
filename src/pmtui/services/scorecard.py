"""Read models for the scorecard and KPI screens (and the Datasette scorecard page).

Official status counts approved values only; drafts and submitted values are shown as
pending beside it. Objective scores roll up their KPIs and the objectives cascaded
below them; perspective and unit scores roll up objectives (see README, "Scoring").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from pmtui.core import periods, scoring, spc_status
from pmtui.services.errors import NotFound
from pmtui.store import queries


@dataclass
class KpiLine:
    """One KPI under an objective for the chosen period."""

    code: str
    name: str
    uom: str
    decimals: int
    weight: float
    value: float | None
    status_of_value: str | None
    target: float | None
    score: float | None
    status: str | None
    spc: str | None = None  # in SPC mode: why the status is what it is (and which rule fired)


@dataclass
class ObjectiveLine:
    """An objective with its roll-up."""

    code: str
    name: str
    level: str
    weight: float
    owner_role: str | None
    perspective: str
    score: float | None = None
    status: str | None = None
    coverage: float | None = None
    kpis: list[KpiLine] = field(default_factory=list)


@dataclass
class PerspectiveLine:
    """A perspective of the unit's scorecard."""

    code: str
    name: str
    weight: float
    score: float | None
    status: str | None
    objectives: list[ObjectiveLine]


@dataclass
class Scorecard:
    """A unit's scorecard for one period."""

    unit: str
    unit_name: str
    period: str | None
    periods: list[str]
    score: float | None
    status: str | None
    perspectives: list[PerspectiveLine]
    pending: int


def unit_id(conn: sqlite3.Connection, code: str) -> int:
    """Id of a unit code, or :class:`NotFound`."""
    row = conn.execute("SELECT id FROM units WHERE code = ?", [code]).fetchone()
    if not row:
        raise NotFound(f"unknown unit {code!r}")
    return row[0]


def available_periods(conn: sqlite3.Connection, unit: str) -> list[str]:
    """Periods the unit's scorecard can show, latest first."""
    first, last = queries.unit_period_range(conn, unit_id(conn, unit))
    return list(reversed(periods.span(first, last))) if first else []


def build(conn: sqlite3.Connection, unit: str, period: str | None = None, *, published: bool = False) -> Scorecard:
    """The scorecard of ``unit`` for ``period`` (default: the latest period with data).

    With ``published``, confidential objectives (and everything cascaded below them),
    confidential KPIs and confidential units' objectives are left out of the lines and of
    every roll-up, and the default period is the latest with an approved value: what a
    stakeholder may see.
    """
    uid = unit_id(conn, unit)
    name = conn.execute("SELECT name FROM units WHERE id = ?", [uid]).fetchone()[0]
    choices = available_periods(conn, unit)
    if published and period is None:
        period = queries.latest_approved_period(conn, uid, choices[0] if choices else None)
    period = period or (choices[0] if choices else None)
    objectives = queries.objectives(conn, uid)
    if published:
        objectives = _public_objectives(conn, objectives)
    lines = {o["id"]: ObjectiveLine(o["code"], o["name"], o["level"], o["weight"], o["owner_role"],
                                    o["perspective"]) for o in objectives}
    children: dict[int, list[int]] = {}
    for o in objectives:
        if o["parent_id"] in lines:
            children.setdefault(o["parent_id"], []).append(o["id"])
    pending = 0
    if period:
        unit_of = {o["id"]: o["unit_id"] for o in objectives}
        spc_points = _spc_points(conn, set(unit_of.values()), period)
        for row in queries.objective_kpis(conn, uid, period):
            if row["objective_id"] not in lines or (published and row["confidentiality"] == "confidential"):
                continue
            approved = row["status"] == "approved"
            pending += row["status"] in ("draft", "submitted")
            value = row["value"] if approved else None
            score = scoring.kpi_score(row["direction"], value, row["target"], row["amber"], row["target_high"],
                                      row["amber_high"]) if row["target"] is not None else None
            status, why = scoring.status_for_score(score), None
            point = spc_points.get((row["kpi_id"], unit_of[row["objective_id"]])) if approved else None
            if point is not None:  # intervention follows SPC instead of the fixed thresholds
                verdict = spc_status.verdict(point["special_cause"], point["rule"], spc_status.assurance(
                    row["target"], point["lpl"], point["upl"], spc_status.IMPROVEMENT[row["direction"]]))
                status, why = verdict.status, f"SPC: {verdict.reason}"
                score = spc_status.STATUS_SCORE[status]
            lines[row["objective_id"]].kpis.append(KpiLine(
                # published: an unapproved value never leaves the file, only its workflow status
                row["code"], row["name"], row["uom"], row["decimals"], row["weight"],
                row["value"] if approved or not published else None, row["status"],
                row["target"], score, status, why))

    def roll(oid: int) -> ObjectiveLine:
        line = lines[oid]
        if line.score is None and line.coverage is None:
            items = [(k.score, k.weight) for k in line.kpis]
            items += [(roll(c).score, lines[c].weight) for c in children.get(oid, [])]
            result = scoring.rollup(items)
            line.score, line.status, line.coverage = result.score, result.status, result.coverage or 0.0
        return line

    top = [o for o in objectives if o["unit_id"] == uid]
    by_perspective: dict[str, list] = {}
    meta: dict[str, tuple] = {}
    for o in top:
        by_perspective.setdefault(o["perspective"], []).append(roll(o["id"]))
        meta[o["perspective"]] = (o["perspective_name"], o["perspective_weight"])
    perspectives = []
    for code, objs in by_perspective.items():
        result = scoring.rollup((o.score, o.weight) for o in objs)
        perspectives.append(PerspectiveLine(code, meta[code][0], meta[code][1], result.score, result.status, objs))
    overall = scoring.rollup((p.score, p.weight) for p in perspectives)
    return Scorecard(unit, name, period, choices, overall.score, overall.status, perspectives, pending)


def _spc_points(conn, unit_ids: set[int], period: str) -> dict[tuple[int, int], sqlite3.Row]:
    """(kpi_id, unit_id) -> the cached SPC point of ``period`` for KPIs in SPC mode (primary-key look-ups)."""
    marks = ",".join("?" * len(unit_ids))
    rows = conn.execute(f"SELECT r.kpi_id, r.unit_id, r.special_cause, r.rule, r.upl, r.lpl FROM spc_results r"
                        f" WHERE r.unit_id IN ({marks}) AND r.period = ?"
                        f" AND r.kpi_id IN (SELECT id FROM kpis WHERE spc_mode = 1)", [*unit_ids, period])
    return {(r["kpi_id"], r["unit_id"]): r for r in rows}


def _public_objectives(conn, objectives: list) -> list:
    """Objectives minus confidential ones, those below them, and those of confidential units."""
    secret_units = {r[0] for r in conn.execute("SELECT id FROM units WHERE confidentiality = 'confidential'")}
    hidden: set[int] = set()
    changed = True  # loop until stable: the query does not promise parents before children
    while changed:
        changed = False
        for o in objectives:
            if o["id"] not in hidden and (o["confidentiality"] == "confidential" or o["unit_id"] in secret_units
                                          or o["parent_id"] in hidden):
                hidden.add(o["id"])
                changed = True
    return [o for o in objectives if o["id"] not in hidden]


@dataclass
class KpiDetail:
    """A KPI's definition and its recent history at one unit."""

    definition: dict
    unit: str
    units: list[str]
    history: list[dict]


def kpi_detail(conn: sqlite3.Connection, code: str, unit: str, last_period: str, n: int = 24) -> KpiDetail:
    """Definition plus the last ``n`` periods (to ``last_period``) of values, targets and statuses."""
    row = queries.kpi(conn, code)
    if row is None:
        raise NotFound(f"unknown KPI {code!r}")
    uid = unit_id(conn, unit)
    first = periods.shift(last_period, -(n - 1))
    history = []
    for h in queries.kpi_history(conn, row["id"], uid, first, last_period):
        approved = h["status"] == "approved"
        score = scoring.kpi_score(row["direction"], h["value"] if approved else None, h["target"], h["amber"],
                                  h["target_high"], h["amber_high"]) if h["target"] is not None else None
        history.append(dict(h) | {"score": score, "rag": scoring.status_for_score(score)})
    return KpiDetail(dict(row), unit, [u["code"] for u in queries.kpi_units(conn, row["id"])], history)
