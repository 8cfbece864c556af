"""Reading initiatives, milestones and slippage alerts (M4.1, M4.4) for the CLI, the TUI and reviews.

Milestones are assessed *live* on the ``today`` the caller passes (forecast, slip,
colour from :mod:`pmtui.core.slippage`); alerts are the stored ones (raised by writes
and by ``refresh_alerts``). A ``unit`` filter covers the unit and every unit below it;
a ``kpi`` filter keeps initiatives linked to that KPI directly or through an objective
it measures. Lists are paged (``limit`` / ``offset``) in SQL.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from pmtui.services.errors import NotFound
from pmtui.services.framework import id_of
from pmtui.services.slippage_alerts import assess_milestones

#: Columns of an initiative as the reads return it (JSON keys of ``pmtui initiatives list``).
INITIATIVE_SQL = """
SELECT i.id, i.code, i.name, i.description, u.code AS unit, u.name AS unit_name, r.code AS owner_role,
       i.budget, i.status, i.confidentiality, i.late_start_grace_days, i.slip_amber_days, i.slip_red_days,
       (SELECT group_concat(code, ' ') FROM (SELECT k.code FROM initiative_links l JOIN kpis k ON k.id = l.kpi_id
         WHERE l.initiative_id = i.id ORDER BY k.code)) AS kpi_codes,
       (SELECT group_concat(code, ' ') FROM (SELECT o.code FROM initiative_links l
         JOIN objectives o ON o.id = l.objective_id WHERE l.initiative_id = i.id ORDER BY o.code)) AS objective_codes,
       (SELECT count(*) FROM milestones m WHERE m.initiative_id = i.id) AS milestones,
       (SELECT count(*) FROM execution_alerts a JOIN milestones m ON m.id = a.milestone_id
         WHERE m.initiative_id = i.id AND a.cleared_on IS NULL) AS open_alerts,
       (SELECT max(CASE a.severity WHEN 'red' THEN 2 ELSE 1 END) FROM execution_alerts a
         JOIN milestones m ON m.id = a.milestone_id WHERE m.initiative_id = i.id AND a.cleared_on IS NULL)
         AS worst_rank
FROM initiatives i JOIN units u ON u.id = i.unit_id LEFT JOIN roles r ON r.id = i.owner_role_id
"""


#: Within a severity, the rule a reader should see first: the slip numbers, then a late start.
RULE_ORDER = "CASE rule WHEN 'slip' THEN 0 WHEN 'late_start' THEN 1 ELSE 2 END"


def subtree(conn: sqlite3.Connection, unit: str) -> list[int]:
    """Ids of ``unit`` and every unit below it (NotFound for an unknown code)."""
    top = id_of(conn, "units", unit, "unit")
    return [r[0] for r in conn.execute(
        """WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN down ON u.parent_id = down.id)
           SELECT id FROM down""", [top])]


def _where(conn, unit: str | None, kpi: str | None, code: str | None) -> tuple[str, list]:
    where, params = [], []
    if unit:
        ids = subtree(conn, unit)
        where.append(f"i.unit_id IN ({','.join('?' * len(ids))})")
        params += ids
    if kpi:
        kpi_id = id_of(conn, "kpis", kpi, "KPI")
        where.append("""i.id IN (SELECT l.initiative_id FROM initiative_links l WHERE l.kpi_id = ?
                                 OR l.objective_id IN (SELECT objective_id FROM objective_kpis WHERE kpi_id = ?))""")
        params += [kpi_id, kpi_id]
    if code:
        where.append("i.code = ?")
        params.append(code)
    return ("WHERE " + " AND ".join(where)) if where else "", params


def initiative_dict(row) -> dict:
    out = {k: row[k] for k in row.keys() if k not in ("kpi_codes", "objective_codes", "worst_rank", "id")}
    out["kpis"] = row["kpi_codes"].split() if row["kpi_codes"] else []
    out["objectives"] = row["objective_codes"].split() if row["objective_codes"] else []
    out["worst_severity"] = {2: "red", 1: "amber"}.get(row["worst_rank"])
    return out


def list_initiatives(conn: sqlite3.Connection, *, unit: str | None = None, kpi: str | None = None,
                     limit: int = 500, offset: int = 0) -> list[dict]:
    """Initiatives (unit subtree, KPI filter), by unit then code, one page."""
    where, params = _where(conn, unit, kpi, None)
    rows = conn.execute(f"{INITIATIVE_SQL} {where} ORDER BY u.code, i.code LIMIT ? OFFSET ?",
                        [*params, limit, offset])
    return [initiative_dict(r) for r in rows]


def count_initiatives(conn: sqlite3.Connection, *, unit: str | None = None, kpi: str | None = None) -> int:
    """How many initiatives the same filters select (for paging)."""
    where, params = _where(conn, unit, kpi, None)
    return conn.execute(f"SELECT count(*) FROM initiatives i {where}", params).fetchone()[0]


def kpi_statuses(conn: sqlite3.Connection, initiative_ids: list[int]) -> dict[int, list[dict]]:
    """Initiative id -> its linked KPIs with the latest approved value at the initiative's unit.

    Each item: ``kpi``, ``name``, ``uom``, ``period``, ``value``, ``target``, ``status``
    (green/amber/red from the fixed thresholds; None without an approved value or target).
    """
    if not initiative_ids:
        return {}
    rows = conn.execute(
        f"""SELECT l.initiative_id, k.code AS kpi, k.name, k.uom, m.period, m.value, t.target,
                   pm_status(pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high)) AS status
            FROM initiative_links l JOIN kpis k ON k.id = l.kpi_id JOIN initiatives i ON i.id = l.initiative_id
            LEFT JOIN measurements m ON m.id = (SELECT x.id FROM measurements x WHERE x.unit_id = i.unit_id
                 AND x.kpi_id = k.id AND x.status = 'approved' ORDER BY x.period DESC LIMIT 1)
            LEFT JOIN targets t ON t.kpi_id = k.id AND t.unit_id = i.unit_id AND t.period = m.period
            WHERE l.initiative_id IN ({','.join('?' * len(initiative_ids))}) ORDER BY k.code""", initiative_ids)
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["initiative_id"], []).append({k: r[k] for k in r.keys() if k != "initiative_id"})
    return out


def _open_alerts_by_milestone(conn, milestone_ids: list[int]) -> dict[int, list[dict]]:
    if not milestone_ids:
        return {}
    out: dict[int, list[dict]] = {}
    for r in conn.execute(f"""SELECT id, milestone_id, rule, severity, message, evidence, raised_on
                              FROM execution_alerts WHERE cleared_on IS NULL
                                AND milestone_id IN ({','.join('?' * len(milestone_ids))})
                              ORDER BY severity = 'amber', {RULE_ORDER}""", milestone_ids):
        out.setdefault(r["milestone_id"], []).append(
            {"id": r["id"], "rule": r["rule"], "severity": r["severity"], "message": r["message"],
             "evidence": json.loads(r["evidence"]), "raised_on": r["raised_on"]})
    return out


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def milestones_of(conn: sqlite3.Connection, initiative_ids: list[int], today: date) -> dict[int, list[dict]]:
    """Initiative id -> its milestones, each with dates, dependencies, live assessment and open alerts."""
    assessed = assess_milestones(conn, initiative_ids, today)
    alerts = _open_alerts_by_milestone(conn, list(assessed))
    codes = {mid: row["code"] for mid, (row, _) in assessed.items()}
    deps: dict[int, list[str]] = {}
    if assessed:
        for d in conn.execute(f"""SELECT milestone_id, depends_on_id FROM milestone_dependencies
                                  WHERE milestone_id IN ({','.join('?' * len(assessed))})""", list(assessed)):
            deps.setdefault(d[0], []).append(codes.get(d[1], str(d[1])))
    out: dict[int, list[dict]] = {}
    for mid, (row, a) in assessed.items():
        out.setdefault(row["initiative_id"], []).append({
            "id": mid, "code": row["code"], "name": row["name"],
            "planned_start": row["planned_start"], "planned_finish": row["planned_finish"],
            "actual_start": row["actual_start"], "actual_finish": row["actual_finish"],
            "percent_complete": row["percent_complete"], "depends_on": sorted(deps.get(mid, [])),
            "state": a.state, "planned_duration_days": a.planned_duration_days,
            "forecast_start": _iso(a.forecast_start), "forecast_finish": _iso(a.forecast_finish),
            "slip_days": a.slip_days, "colour": a.colour, "alerts": alerts.get(mid, [])})
    return out


def timeline(conn: sqlite3.Connection, *, today: date, unit: str | None = None, kpi: str | None = None,
             code: str | None = None, limit: int = 8, offset: int = 0) -> dict:
    """One page of initiatives with their milestones (assessed on ``today``) and linked KPIs' status.

    Returns:
        ``{"total": n, "offset", "limit", "initiatives": [initiative + "milestones", "kpi_status",
        "objective_links"]}``.
    """
    where, params = _where(conn, unit, kpi, code)
    total = conn.execute(f"SELECT count(*) FROM initiatives i {where}", params).fetchone()[0]
    rows = conn.execute(f"{INITIATIVE_SQL} {where} ORDER BY u.code, i.code LIMIT ? OFFSET ?",
                        [*params, limit, offset]).fetchall()
    ids = [r["id"] for r in rows]
    milestones = milestones_of(conn, ids, today)
    statuses = kpi_statuses(conn, ids)
    objectives = _objective_links(conn, ids)
    items = [initiative_dict(r) | {"milestones": milestones.get(r["id"], []), "kpi_status": statuses.get(r["id"], []),
                               "objective_links": objectives.get(r["id"], [])} for r in rows]
    return {"total": total, "offset": offset, "limit": limit, "initiatives": items}


def _objective_links(conn, ids: list[int]) -> dict[int, list[dict]]:
    if not ids:
        return {}
    out: dict[int, list[dict]] = {}
    for r in conn.execute(f"""SELECT l.initiative_id, o.code, o.name FROM initiative_links l
                              JOIN objectives o ON o.id = l.objective_id
                              WHERE l.initiative_id IN ({','.join('?' * len(ids))}) ORDER BY o.code""", ids):
        out.setdefault(r[0], []).append({"objective": r[1], "name": r[2]})
    return out


def open_alerts(conn: sqlite3.Connection, *, today: date | None = None, unit: str | None = None,
                initiative: str | None = None) -> list[dict]:
    """Alerts open on ``today`` (default: not cleared), red first, with their initiative, milestone and unit."""
    where, params = ["1"], []
    if today is None:
        where.append("a.cleared_on IS NULL")
    else:
        where.append("a.raised_on <= ? AND (a.cleared_on IS NULL OR a.cleared_on > ?)")
        params += [today.isoformat(), today.isoformat()]
    if unit:
        ids = subtree(conn, unit)
        where.append(f"i.unit_id IN ({','.join('?' * len(ids))})")
        params += ids
    if initiative:
        where.append("i.code = ?")
        params.append(initiative)
    rows = conn.execute(
        f"""SELECT a.id AS alert_id, i.code AS initiative, i.name AS initiative_name, m.code AS milestone,
                   m.id AS milestone_id, m.name, a.rule, a.severity, a.message, a.evidence, a.raised_on,
                   u.code AS unit, CASE WHEN i.confidentiality = 'confidential' OR u.confidentiality = 'confidential'
                   THEN 'confidential' WHEN i.confidentiality = 'internal' OR u.confidentiality = 'internal'
                   THEN 'internal' ELSE 'public' END AS confidentiality
            FROM execution_alerts a JOIN milestones m ON m.id = a.milestone_id
            JOIN initiatives i ON i.id = m.initiative_id JOIN units u ON u.id = i.unit_id
            WHERE {' AND '.join(where)}
            ORDER BY a.severity = 'amber', u.code, i.code, m.sort_order, m.code, {RULE_ORDER}""", params)
    return [dict(r) | {"evidence": json.loads(r["evidence"])} for r in rows]


def milestone(conn: sqlite3.Connection, initiative: str, code: str, *, today: date) -> dict:
    """One milestone with its live assessment and open alerts (plus ``initiative`` and ``unit``)."""
    page = timeline(conn, today=today, code=initiative, limit=1)
    if not page["initiatives"]:
        raise NotFound(f"unknown initiative {initiative!r}")
    item = page["initiatives"][0]
    for m in item["milestones"]:
        if m["code"] == code:
            return m | {"initiative": initiative, "unit": item["unit"]}
    raise NotFound(f"initiative {initiative} has no milestone {code!r}")


def detail(conn: sqlite3.Connection, code: str, *, today: date) -> dict:
    """An initiative with its milestones (slip numbers), open alerts and linked KPIs' latest status."""
    page = timeline(conn, today=today, code=code, limit=1)
    if not page["initiatives"]:
        raise NotFound(f"unknown initiative {code!r} (see 'pmtui initiatives list')")
    return page["initiatives"][0]


def slipped(conn: sqlite3.Connection, *, unit: str | None = None, today: date) -> list[dict]:
    """Milestones with an alert open on ``today``, one row each (its most severe alert), red first.

    The review agenda builder's interface. Each row: ``initiative``, ``initiative_name``,
    ``milestone`` (code), ``milestone_id``, ``name``, ``rule``, ``severity``, ``message``,
    ``evidence`` (dict), ``unit``, ``alert_id``, ``raised_on``, ``rules`` (every open rule of
    the milestone) and ``confidentiality`` (the stricter of the initiative's and its unit's).
    """
    out: dict[int, dict] = {}
    for alert in open_alerts(conn, today=today, unit=unit):  # red first, so the first per milestone is the worst
        row = out.setdefault(alert["milestone_id"], alert | {"rules": []})
        row["rules"].append(alert["rule"])
    return list(out.values())
