"""Fiscal calendars of units and the freshness report: stale and conflicting data (M2.3, M2.5).

The rules are in :mod:`pmtui.core.freshness`; this module reads what they need. A
KPI is expected from a unit when one of the unit's objectives is measured by it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from pmtui.core import calendars, periods
from pmtui.core import freshness as rules
from pmtui.services import settings, users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic

#: Periods checked for missed due dates (ending with today's period).
LOOKBACK = 3
#: Periods checked for conflicting readings.
CONFLICT_LOOKBACK = 12


def set_calendar(conn, unit: str, pattern: str, month: int, *, year_end: str = "nearest",
                 weekday: str = "saturday", label: str = "start", actor: str, now: datetime) -> dict:
    """Give ``unit`` a fiscal calendar (needs ``edit_definitions`` for the unit)."""
    try:
        spec = calendars.CalendarSpec(pattern, month, year_end=year_end, weekday=weekday.lower(), label=label)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    unit_id = id_of(conn, "units", unit, "unit")
    users.require(conn, actor, "edit_definitions", unit_id, now=now, entity="unit_calendars", key=unit,
                  attempted={"pattern": pattern, "month": month})
    values = {"pattern": spec.pattern, "month": spec.month, "year_end": spec.year_end, "weekday": spec.weekday,
              "label": spec.label}
    with atomic(conn):
        row = conn.execute("SELECT id FROM unit_calendars WHERE unit_id = ?", [unit_id]).fetchone()
        if row:
            audit.update(conn, "unit_calendars", row[0], values, actor=actor, now=now, action="calendar.set")
        else:
            audit.insert(conn, "unit_calendars", values | {"unit_id": unit_id}, actor=actor, now=now,
                         action="calendar.set")
    return show_calendar(conn, unit, now.date())


def calendar_of(conn: sqlite3.Connection, unit_id: int) -> calendars.CalendarSpec | None:
    """The unit's own calendar, or None (calendar months)."""
    row = conn.execute("SELECT pattern, month, year_end, weekday, label FROM unit_calendars WHERE unit_id = ?",
                       [unit_id]).fetchone()
    return calendars.CalendarSpec(*row) if row else None


def show_calendar(conn: sqlite3.Connection, unit: str, today) -> dict:
    """The unit's calendar and the fiscal year containing ``today``."""
    spec = calendar_of(conn, id_of(conn, "units", unit, "unit"))
    effective = spec or rules.CALENDAR_MONTHS
    year = calendars.fiscal_year(effective, calendars.period_for_date(effective, today).fiscal_year)
    return {"unit": unit, "calendar": "calendar months" if spec is None else spec.pattern,
            "spec": None if spec is None else spec.__dict__.copy(), "fiscal_year": year.to_dict()}


def _units_below(conn, unit: str | None) -> dict[int, str]:
    if unit is None:
        return dict(conn.execute("SELECT id, code FROM units WHERE active = 1"))
    root = id_of(conn, "units", unit, "unit")
    return dict(conn.execute(
        """WITH RECURSIVE t(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN t ON u.parent_id = t.id)
           SELECT u.id, u.code FROM units u JOIN t ON t.id = u.id WHERE u.active = 1""", [root]))


def _expected(conn, unit_ids) -> list[sqlite3.Row]:
    rows = conn.execute(
        """SELECT DISTINCT o.unit_id, k.id AS kpi_id, k.code, k.frequency, k.reporting_mode, k.due_days,
                  s.code AS source, s.refresh, s.latency_hours
           FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id JOIN kpis k ON k.id = ok.kpi_id
           LEFT JOIN data_sources s ON s.id = k.source_id WHERE k.active = 1 ORDER BY o.unit_id, k.code""")
    return [r for r in rows if r["unit_id"] in unit_ids]


def report(conn: sqlite3.Connection, now: datetime, unit: str | None = None, *, lookback: int = LOOKBACK) -> dict:
    """Stale and conflicting data as of ``now`` (for ``unit`` and the units below it, or all).

    Returns:
        ``{"today", "tolerance", "stale": [...], "conflicting": [...]}``; stale items are
        missed due dates (``kind`` "missed due date", with ``days_overdue``) and late
        feeds (``kind`` "feed late", with ``hours_late``), most overdue first.
    """
    today = now.date()
    units = _units_below(conn, unit)
    window = periods.last_n(periods.of_date(today), lookback)
    expected = _expected(conn, units)
    stale = _missed(conn, expected, units, window, today) + _late_feeds(conn, expected, units, now)
    stale.sort(key=lambda s: (-s.get("days_overdue", 0), s["unit"], s["kpi"], s.get("period", "")))
    tolerance = settings.conflict_tolerance(conn)
    conflict_window = periods.last_n(periods.of_date(today), CONFLICT_LOOKBACK)
    return {"today": today.isoformat(), "tolerance": tolerance, "stale": stale,
            "conflicting": _conflicts(conn, units, conflict_window, tolerance)}


def _missed(conn, expected, units, window, today) -> list[dict]:
    out = []
    specs: dict[int, calendars.CalendarSpec | None] = {}
    for unit_id in {r["unit_id"] for r in expected}:
        specs[unit_id] = calendar_of(conn, unit_id)
        status = {(k, p): s for k, p, s in conn.execute(
            "SELECT kpi_id, period, status FROM measurements WHERE unit_id = ? AND period BETWEEN ? AND ?",
            [unit_id, window[0], window[-1]])}
        for r in (r for r in expected if r["unit_id"] == unit_id):
            for period in window:
                due = rules.due_date(specs[unit_id], period, frequency=r["frequency"], mode=r["reporting_mode"],
                                     due_days=r["due_days"])
                late = rules.days_overdue(due, today, status.get((r["kpi_id"], period)))
                if late is not None:
                    out.append({"kind": "missed due date", "kpi": r["code"], "unit": units[unit_id],
                                "period": period, "due": due.isoformat(), "days_overdue": late,
                                "status": status.get((r["kpi_id"], period)), "mode": r["reporting_mode"]})
    return out


def _late_feeds(conn, expected, units, now: datetime) -> list[dict]:
    out = []
    for r in (r for r in expected if r["reporting_mode"] == "feed" and r["source"]):
        last = conn.execute("SELECT max(received_at) FROM source_readings WHERE kpi_id = ? AND unit_id = ?",
                            [r["kpi_id"], r["unit_id"]]).fetchone()[0]
        received = datetime.fromisoformat(last.replace("Z", "+00:00")) if last else None
        late = rules.feed_hours_late(received, now.astimezone(timezone.utc), r["refresh"], r["latency_hours"])
        if late is not None:
            out.append({"kind": "feed late", "kpi": r["code"], "unit": units[r["unit_id"]], "source": r["source"],
                        "last_reading": last, "hours_late": None if late == float("inf") else late,
                        "mode": "feed"})
    return out


def _conflicts(conn, units, window, tolerance) -> list[dict]:
    rows = conn.execute(
        """SELECT r.unit_id, r.period, k.code AS kpi, s.code AS source, r.value,
                  (SELECT m.value FROM measurements m WHERE m.kpi_id = r.kpi_id AND m.unit_id = r.unit_id
                     AND m.period = r.period AND m.status IN ('submitted', 'approved')) AS stored
           FROM source_readings r JOIN kpis k ON k.id = r.kpi_id JOIN data_sources s ON s.id = r.source_id
           WHERE r.period BETWEEN ? AND ? ORDER BY r.unit_id, k.code, r.period""", [window[0], window[-1]])
    groups: dict[tuple, dict] = {}
    for r in rows:
        if r["unit_id"] in units:
            key = (units[r["unit_id"]], r["kpi"], r["period"])
            group = groups.setdefault(key, {"readings": [], "stored": r["stored"]})
            group["readings"].append((r["source"], r["value"]))
    out = []
    for (unit, kpi, period), group in sorted(groups.items()):
        for c in rules.conflicts(group["readings"], group["stored"], tolerance):
            out.append({"kpi": kpi, "unit": unit, "period": period, "first": c.first, "first_value": c.first_value,
                        "second": c.second, "second_value": c.second_value, "gap": c.gap})
    return out
