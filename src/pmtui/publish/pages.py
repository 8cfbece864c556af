"""Read models of the stakeholder pages (home report and KPI page) over a published file.

Plain functions over a sqlite3 connection whose rows are :class:`sqlite3.Row`; the
Datasette plugins (``pm_publish.py``, ``pm_kpi.py``) call them inside
``db.execute_fn``. They read only the tables a published file holds (``pub_*`` stored at
publish time, plus the redacted ``kpis``/``roles``), so whatever they show is already
cleared for the file's audience. Optional tables of other feature areas
(``pub_spc_summary``, ``pub_spc_points``) are used when present.
"""

from __future__ import annotations

import sqlite3

#: Icons of the SPC variation and assurance (text, so they read without colour).
VARIATION_ICONS = {"special_cause_concern": "(!)", "special_cause_improvement": "(+)",
                   "common_cause": "(~)", "special_cause_neutral": "(*)"}
ASSURANCE_ICONS = {"consistent_pass": "(P)", "consistent_fail": "(F)", "inconsistent": "(?)"}

#: Values shown in the KPI page's table and chart.
HISTORY = 36

#: KPI rows on the home page (a report, not a table dump: the rest is one link away).
HOME_KPIS = 60


class NotPublished(LookupError):
    """The unit or KPI is unknown in this published file (or above its audience)."""


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """True when the file has a table (or view) called ``name``."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')",
                        [name]).fetchone() is not None


def setting(conn: sqlite3.Connection, key: str) -> str | None:
    """One value of the settings table."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _rows(conn, sql: str, params=()) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, params)]


def load_home(conn: sqlite3.Connection, unit: str | None) -> dict:
    """The performance report: every unit's score, the chosen unit's perspectives and KPIs.

    Raises:
        NotPublished: the file has no home tables, or ``unit`` is not in it.
    """
    if not has_table(conn, "pub_home_units"):
        raise NotPublished("this database is not a published pmtui file (run 'pmtui publish')")
    units = _rows(conn, "SELECT * FROM pub_home_units ORDER BY sort_order")
    if not units:
        raise NotPublished("no unit is published")
    unit = unit or units[0]["unit"]
    current = next((u for u in units if u["unit"] == unit), None)
    if current is None:
        raise NotPublished("unknown or unpublished unit")  # the code is not echoed back
    perspectives = _rows(conn, "SELECT unit, perspective, perspective_name, score, status FROM"
                               " pub_home_perspectives ORDER BY unit, sort_order")
    by_unit: dict[str, list[dict]] = {}
    for p in perspectives:
        by_unit.setdefault(p["unit"], []).append(p)
    # Red first, then amber: the exceptions are what a report reader needs to see.
    kpis = _rows(conn, "SELECT kpi, kpi_name, perspective, value, uom, target, score, status FROM pub_kpi_results"
                       " WHERE unit = ? AND period = ? ORDER BY CASE status WHEN 'red' THEN 0 WHEN 'amber' THEN 1"
                       " WHEN 'green' THEN 2 ELSE 3 END, perspective, kpi LIMIT ?",
                 [unit, current["period"], HOME_KPIS + 1])
    more = len(kpis) > HOME_KPIS
    kpis = kpis[:HOME_KPIS]
    spc: dict[str, dict] = {}
    if has_table(conn, "pub_spc_summary"):
        spc = {r["kpi"]: r for r in _rows(conn, "SELECT kpi, variation, assurance, last_rule FROM pub_spc_summary"
                                                 " WHERE unit = ?", [unit])}
    for k in kpis:
        s = spc.get(k["kpi"], {})
        k["variation_icon"] = VARIATION_ICONS.get(s.get("variation"), "")
        k["assurance_icon"] = ASSURANCE_ICONS.get(s.get("assurance"), "")
        k["variation"], k["assurance"] = s.get("variation"), s.get("assurance")
    counts: dict[str, int] = {}
    for s in spc.values():
        counts[s["variation"]] = counts.get(s["variation"], 0) + 1
    if not current["period"]:
        objectives = []
    elif has_table(conn, "pub_scorecard_lines"):
        # The stored scorecard: objective scores rolled up through the cascade (the group's too).
        objectives = _rows(conn, "SELECT code AS objective, name AS objective_name, perspective, round(score, 2)"
                                 " AS score, status FROM pub_scorecard_lines WHERE unit = ? AND period = ?"
                                 " AND kind = 'objective' ORDER BY seq", [unit, current["period"]])
    else:
        objectives = _rows(conn, "SELECT objective, objective_name, perspective, score, status FROM"
                                 " pub_unit_scorecard WHERE unit = ? AND period = ? ORDER BY perspective, objective",
                           [unit, current["period"]])
    return {"units": [u | {"perspectives": by_unit.get(u["unit"], [])} for u in units], "current": current,
            "kpis": kpis, "more_kpis": more, "objectives": objectives, "spc_counts": counts, "has_spc": bool(spc),
            "company": setting(conn, "company_name"), "published_at": setting(conn, "published_at"),
            "audience": setting(conn, "published_audience"),
            "optional": {name: has_table(conn, name) for name in
                         ("pub_excluded_metrics", "pub_reporting_status", "pub_pending_approvals",
                          "pub_spc_summary", "pub_actions")}}


def load_kpi(conn: sqlite3.Connection, kpi: str, unit: str | None) -> dict:
    """The KPI page: definition, owner role, latest target, values, SPC points and rules.

    Raises:
        NotPublished: the KPI or unit is not in this file.
    """
    definition = conn.execute(
        "SELECT k.code, k.name, k.definition, k.uom, k.direction, k.frequency, k.lead_lag, k.decimals,"
        " r.name AS owner_role FROM kpis k LEFT JOIN roles r ON r.id = k.owner_role_id WHERE k.code = ?",
        [kpi]).fetchone()
    if definition is None:
        raise NotPublished("unknown or unpublished KPI")  # the code is not echoed back
    units = [r[0] for r in conn.execute("SELECT DISTINCT unit FROM pub_kpi_results WHERE kpi = ? ORDER BY unit",
                                        [kpi])]
    unit = unit or (units[0] if units else None)
    if unit is not None and unit not in units:
        raise NotPublished("no published values of this KPI at that unit")
    values = list(reversed(_rows(
        conn, "SELECT period, value, target, amber, score, status, comment, approved_by FROM pub_kpi_results"
              " WHERE kpi = ? AND unit = ? ORDER BY period DESC LIMIT ?", [kpi, unit, HISTORY])))
    points: dict[str, dict] = {}
    if has_table(conn, "pub_spc_points"):
        points = {r["period"]: r for r in _rows(
            conn, "SELECT period, mean, upl, lpl, special_cause, rule FROM pub_spc_points"
                  " WHERE kpi = ? AND unit = ?", [kpi, unit])}
    for v in values:
        p = points.get(v["period"], {})
        v.update(mean=p.get("mean"), upl=p.get("upl"), lpl=p.get("lpl"),
                 special_cause=p.get("special_cause"), rule=p.get("rule"))
    summary = None
    if has_table(conn, "pub_spc_summary"):
        row = conn.execute("SELECT variation, assurance, last_rule, points, warning FROM pub_spc_summary"
                           " WHERE kpi = ? AND unit = ?", [kpi, unit]).fetchone()
        summary = dict(row) if row else None
    return {"kpi": dict(definition), "unit": unit, "units": units, "values": values, "spc": summary,
            "signals": [v for v in values if v.get("special_cause")],
            "target": next((v["target"] for v in reversed(values) if v["target"] is not None), None),
            "company": setting(conn, "company_name"), "published_at": setting(conn, "published_at")}


def chart_spec(data: dict) -> dict:
    """A Vega-Lite spec of the KPI's values, with target and (when present) SPC limits."""
    rows = []
    for v in data["values"]:
        for series, key in (("value", "value"), ("target", "target"), ("mean", "mean"),
                            ("upper limit", "upl"), ("lower limit", "lpl")):
            if v.get(key) is not None:
                rows.append({"period": v["period"], "series": series, "y": v[key],
                             "signal": v.get("special_cause") if series == "value" else None})
    uom = data["kpi"].get("uom") or ""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container", "height": 260, "data": {"values": rows},
        "layer": [
            {"mark": {"type": "line", "point": True},
             "encoding": {"x": {"field": "period", "type": "ordinal", "title": "Period"},
                          "y": {"field": "y", "type": "quantitative", "title": uom or data["kpi"]["code"],
                                "scale": {"zero": False}},
                          "color": {"field": "series", "type": "nominal", "title": "Series",
                                    "sort": ["value", "target", "mean", "upper limit", "lower limit"]},
                          "tooltip": [{"field": "period"}, {"field": "series"}, {"field": "y", "title": "value"}]}},
        ],
    }
    if any(r["signal"] for r in rows):
        spec["layer"].append(
            {"transform": [{"filter": "datum.signal != null"}],
             "mark": {"type": "point", "size": 120, "filled": True},
             "encoding": {"x": {"field": "period", "type": "ordinal"}, "y": {"field": "y", "type": "quantitative"},
                          "shape": {"field": "signal", "type": "nominal", "title": "special cause"}}})
    return spec
