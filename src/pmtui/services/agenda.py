"""Collecting the exceptions a review agenda is built from (M5.1); the rules are in :mod:`pmtui.core.agenda`.

The agenda of a unit covers the unit **and every unit below it** (a plant's review also
sees its teams). For a meeting about period ``P``:

* **SPC concerns**: per KPI x unit, the latest cached XmR point in ``P`` or the two
  periods before it (quarterly KPIs have a point at quarter ends only) that is a
  special-cause concern, or whose process limits consistently fail that period's target.
  For the latest period this is what ``spc_summary`` shows.
* **Red KPIs**: approved values of ``P`` scored red against their target, as on the
  scorecard: fixed thresholds, or for KPIs in SPC mode the XmR verdict of the point.
* **Slipped milestones** (:func:`pmtui.services.initiatives.slipped`) and **overdue
  actions** (:func:`pmtui.services.actions.overdue`) as of ``today``: open actions past
  due are carried into every review until they are closed.
* **Stale data** (:func:`pmtui.services.freshness.report` as of ``today``): missed due
  dates of periods up to ``P`` and late feeds.

Nothing here writes; :func:`preview` is what ``pmtui review agenda`` prints.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timezone

from pmtui.core import agenda as rules
from pmtui.core import periods, scoring, spc_status
from pmtui.services import freshness
from pmtui.services.errors import NotFound, PmError

#: Periods (ending with the meeting's) in which an SPC point counts as current.
SPC_WINDOW = 3


def check_period(period: str) -> str:
    """A well-formed ``YYYY-MM`` period, or :class:`PmError` saying what is wrong."""
    try:
        periods.parse(period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    return period.strip()


def subtree(conn: sqlite3.Connection, unit: str) -> dict[int, sqlite3.Row]:
    """Unit id -> (code, confidentiality) for ``unit`` and every active unit below it."""
    row = conn.execute("SELECT id FROM units WHERE code = ?", [unit]).fetchone()
    if row is None:
        raise NotFound(f"unknown unit {unit!r}")
    rows = conn.execute(
        """WITH RECURSIVE t(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN t ON u.parent_id = t.id)
           SELECT u.id, u.code, u.confidentiality FROM units u JOIN t ON t.id = u.id
           WHERE u.active = 1 OR u.id = ?""", [row[0], row[0]])
    return {r["id"]: r for r in rows}


def _round(value: float | None) -> float | None:
    """Process limits to 4 decimals: evidence for people, not float noise."""
    return None if value is None else round(value, 4)


def _marks(ids) -> str:
    return ",".join("?" * len(ids))


def spc_concerns(conn: sqlite3.Connection, units: dict[int, sqlite3.Row], period: str) -> list[dict]:
    """SPC concerns and failing assurance at the latest point of the window ending with ``period``."""
    first = periods.shift(period, -(SPC_WINDOW - 1))
    rows = conn.execute(
        f"""SELECT r.kpi_id, r.unit_id, r.period, r.value, r.mean, r.upl, r.lpl, r.special_cause, r.rule,
                   k.code AS kpi, k.direction, k.confidentiality, t.target
            FROM spc_results r JOIN kpis k ON k.id = r.kpi_id
            LEFT JOIN targets t ON t.kpi_id = r.kpi_id AND t.unit_id = r.unit_id AND t.period = r.period
            WHERE r.unit_id IN ({_marks(units)}) AND r.period BETWEEN ? AND ? AND k.active = 1
            ORDER BY r.unit_id, r.kpi_id, r.period""", [*units, first, period])
    latest: dict[tuple, sqlite3.Row] = {}
    for r in rows:  # ordered by period: the last one per series wins
        latest[(r["kpi_id"], r["unit_id"])] = r
    out = []
    for r in latest.values():
        assurance = spc_status.assurance(r["target"], r["lpl"], r["upl"], spc_status.IMPROVEMENT[r["direction"]])
        if r["special_cause"] == "concern" or assurance == "consistent_fail":
            unit = units[r["unit_id"]]
            out.append({"kpi": r["kpi"], "unit": unit["code"], "period": r["period"], "value": r["value"],
                        "mean": _round(r["mean"]), "upl": _round(r["upl"]), "lpl": _round(r["lpl"]), "rule": r["rule"],
                        "target": r["target"], "assurance": assurance,
                        "variation": "common_cause" if r["special_cause"] is None
                        else f"special_cause_{r['special_cause']}",
                        "confidentiality": rules.highest(r["confidentiality"], unit["confidentiality"])})
    return out


def red_kpis(conn: sqlite3.Connection, units: dict[int, sqlite3.Row], period: str) -> list[dict]:
    """Approved values of ``period`` whose scorecard status is red."""
    rows = conn.execute(
        f"""SELECT m.unit_id, m.value, k.code AS kpi, k.direction, k.spc_mode, k.confidentiality,
                   t.target, t.amber, t.target_high, t.amber_high, r.special_cause, r.rule, r.upl, r.lpl
            FROM measurements m JOIN kpis k ON k.id = m.kpi_id
            JOIN targets t ON t.kpi_id = m.kpi_id AND t.unit_id = m.unit_id AND t.period = m.period
            LEFT JOIN spc_results r ON r.kpi_id = m.kpi_id AND r.unit_id = m.unit_id AND r.period = m.period
            WHERE m.unit_id IN ({_marks(units)}) AND m.period = ? AND m.status = 'approved' AND k.active = 1""",
        [*units, period])
    out = []
    for r in rows:
        score = scoring.kpi_score(r["direction"], r["value"], r["target"], r["amber"], r["target_high"],
                                  r["amber_high"])
        status, why = scoring.status_for_score(score), "below the red threshold"
        if r["spc_mode"] and r["upl"] is not None:  # as on the scorecard: SPC mode follows the XmR verdict
            verdict = spc_status.verdict(r["special_cause"], r["rule"], spc_status.assurance(
                r["target"], r["lpl"], r["upl"], spc_status.IMPROVEMENT[r["direction"]]))
            status, why = verdict.status, f"SPC: {verdict.reason}"
        if status == "red":
            unit = units[r["unit_id"]]
            out.append({"kpi": r["kpi"], "unit": unit["code"], "period": period, "value": r["value"],
                        "target": r["target"], "amber": r["amber"],
                        "score": None if score is None else round(score, 2), "status_reason": why,
                        "confidentiality": rules.highest(r["confidentiality"], unit["confidentiality"])})
    return out


def slipped_milestones(conn: sqlite3.Connection, unit: str, units: dict[int, sqlite3.Row], today: date) -> list[dict]:
    """Milestones with an open slippage alert at the units (from the initiatives service)."""
    from pmtui.services import initiatives  # noqa: PLC0415 - another area's service

    level = {u["code"]: u["confidentiality"] for u in units.values()}
    return [dict(s) | {"confidentiality": rules.highest(s.get("confidentiality"), level[s["unit"]])}
            for s in initiatives.slipped(conn, unit=unit, today=today) if s.get("unit") in level]


def overdue_actions(conn: sqlite3.Connection, unit: str, units: dict[int, sqlite3.Row], today: date) -> list[dict]:
    """Open actions past due at the units (from the action register)."""
    from pmtui.services import actions  # noqa: PLC0415 - another area's service

    level = {u["code"]: u["confidentiality"] for u in units.values()}
    return [dict(a) | {"confidentiality": rules.highest(a.get("confidentiality"), level[a["unit"]])}
            for a in actions.overdue(conn, unit=unit, today=today) if a.get("unit") in level]


def stale_data(conn: sqlite3.Connection, unit: str, units: dict[int, sqlite3.Row], period: str,
               now: datetime) -> list[dict]:
    """Missed due dates of periods up to ``period``, and late feeds, as of ``now``."""
    level = {u["code"]: u["confidentiality"] for u in units.values()}
    kpi_level = dict(conn.execute("SELECT code, confidentiality FROM kpis"))
    return [s | {"confidentiality": rules.highest(kpi_level.get(s["kpi"]), level.get(s["unit"]))}
            for s in freshness.report(conn, now, unit)["stale"]
            if s["unit"] in level and (not s.get("period") or s["period"] <= period)]


def _moment(today: date | datetime) -> datetime:
    if isinstance(today, datetime):
        return today if today.tzinfo else today.replace(tzinfo=timezone.utc)
    return datetime.combine(today, time(0), tzinfo=timezone.utc)


def build(conn: sqlite3.Connection, unit: str, period: str, *, today: date | datetime) -> list[rules.AgendaItem]:
    """The agenda items of ``unit`` (and the units below it) for ``period``, as of ``today``."""
    period = check_period(period)
    units = subtree(conn, unit)
    now = _moment(today)
    return rules.build(spc=spc_concerns(conn, units, period), red=red_kpis(conn, units, period),
                       slipped=slipped_milestones(conn, unit, units, now.date()),
                       overdue=overdue_actions(conn, unit, units, now.date()),
                       stale=stale_data(conn, unit, units, period, now))


def preview(conn: sqlite3.Connection, unit: str, period: str, *, today: date | datetime) -> list[dict]:
    """The agenda a meeting of ``unit`` for ``period`` would get now (nothing is written)."""
    return [{"seq": seq} | item.to_dict() for seq, item in enumerate(build(conn, unit, period, today=today), 1)]
