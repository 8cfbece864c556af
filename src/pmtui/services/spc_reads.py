"""Read models over the SPC caches: a unit's portfolio, the concern signals, one chart.

Shared by the TUI screens, the CLI and the Datasette pages. ``published=True`` leaves
out confidential KPIs and refuses confidential units, as the ``pub_*`` views do.
"""

from __future__ import annotations

import sqlite3

from pmtui.services.errors import NotFound
from pmtui.services.spc import settings_of

#: Most points a chart shows (the latest ones).
CHART_POINTS = 60

_LAST = """(SELECT r.period FROM spc_results r WHERE r.kpi_id = s.kpi_id AND r.unit_id = s.unit_id
            ORDER BY r.period DESC LIMIT 1)"""


def _unit(conn: sqlite3.Connection, unit: str, published: bool) -> sqlite3.Row:
    row = conn.execute("SELECT id, code, name, confidentiality FROM units WHERE code = ?", [unit]).fetchone()
    if row is None or (published and row["confidentiality"] == "confidential"):
        raise NotFound(f"unknown unit {unit!r}")
    return row


def summary(conn: sqlite3.Connection, unit: str, *, published: bool = False) -> list[dict]:
    """The SPC summary of every KPI with approved values at ``unit``, by KPI code."""
    uid = _unit(conn, unit, published)["id"]
    hide = "AND k.confidentiality != 'confidential'" if published else ""
    rows = conn.execute(
        f"""SELECT k.code AS kpi, k.name, k.uom, k.decimals, k.direction, k.spc_mode, s.points, s.variation,
                   s.assurance, s.last_rule, s.warning, r.period AS last_period, r.value AS last_value
            FROM spc_summary s JOIN kpis k ON k.id = s.kpi_id
            LEFT JOIN spc_results r ON r.kpi_id = s.kpi_id AND r.unit_id = s.unit_id AND r.period = {_LAST}
            WHERE s.unit_id = ? {hide} ORDER BY k.code LIMIT 1000""", [uid])
    return [dict(r) | {"unit": unit} for r in rows]


def signals(conn: sqlite3.Connection, unit: str | None = None, *, limit: int = 500) -> list[dict]:
    """KPI x unit pairs whose latest point is a special-cause concern (the alerts), by unit and KPI."""
    where, args = ("AND s.unit_id = ?", [_unit(conn, unit, False)["id"]]) if unit else ("", [])
    rows = conn.execute(
        f"""SELECT u.code AS unit, k.code AS kpi, k.name, k.spc_mode, r.period, r.value, r.mean, r.upl, r.lpl,
                   s.last_rule AS rule, s.assurance, s.points
            FROM spc_summary s JOIN kpis k ON k.id = s.kpi_id JOIN units u ON u.id = s.unit_id
            JOIN spc_results r ON r.kpi_id = s.kpi_id AND r.unit_id = s.unit_id AND r.period = {_LAST}
            WHERE s.variation = 'special_cause_concern' {where}
            ORDER BY u.code, k.code LIMIT ?""", [*args, limit])
    return [dict(r) for r in rows]


def chart(conn: sqlite3.Connection, kpi: str, unit: str, *, published: bool = False,
          limit: int = CHART_POINTS) -> dict:
    """One XmR chart: the KPI, its settings, its summary and its latest ``limit`` points (oldest first).

    ``limits_collapsed`` is True when the limits of the latest point collapsed onto its
    mean, so that the chart can say why nothing is flagged.

    Raises:
        NotFound: unknown (or, when ``published``, confidential) KPI or unit.
    """
    u = _unit(conn, unit, published)
    k = conn.execute("SELECT id, code, name, uom, decimals, direction, spc_mode, confidentiality FROM kpis"
                     " WHERE code = ?", [kpi]).fetchone()
    if k is None or (published and k["confidentiality"] == "confidential"):
        raise NotFound(f"unknown KPI {kpi!r}")
    points = [dict(r) for r in conn.execute(
        "SELECT period, value, mean, upl, lpl, special_cause, rule FROM spc_results"
        " WHERE kpi_id = ? AND unit_id = ? ORDER BY period DESC LIMIT ?", [k["id"], u["id"], limit])][::-1]
    row = conn.execute("SELECT points, variation, assurance, last_rule, warning FROM spc_summary"
                       " WHERE kpi_id = ? AND unit_id = ?", [k["id"], u["id"]]).fetchone()
    settings = settings_of(conn, k["id"], u["id"])
    return {"kpi": kpi, "name": k["name"], "uom": k["uom"], "decimals": k["decimals"], "direction": k["direction"],
            "spc_mode": k["spc_mode"], "unit": unit, "unit_name": u["name"], "settings": settings,
            "summary": dict(row) if row else None, "points": points,
            "flagged": [p for p in points if p["rule"]],
            # zero-width limits on the latest points (pmtui.core.spc.limits_collapsed): nothing is judged there
            "limits_collapsed": bool(points) and points[-1]["upl"] is not None
            and points[-1]["upl"] == points[-1]["lpl"]}
