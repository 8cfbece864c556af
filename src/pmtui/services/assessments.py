"""Qualitative assessments (M2.4): a manager's rating and commentary beside the numbers.

The scale is :data:`pmtui.core.ratings.SCALE`. One assessment per author for each
KPI x unit x period; assessing again replaces your own. Assessing needs
``enter_data`` or ``approve`` for the unit.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import periods, ratings, validation
from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Assessments the KPI screen shows (latest first).
SHOWN = 4


def assess(conn, kpi: str, unit: str, period: str, rating: int | str, comment: str, *, actor: str,
           now: datetime) -> dict:
    """Record ``actor``'s rating and commentary for a KPI at a unit in a period.

    Raises:
        PmError: bad rating, period or comment; unknown code; no permission for the unit.
    """
    try:
        value = ratings.parse(rating)
        periods.parse(period)
        text = validation.check_text(comment.strip(), field="comment")
    except ValueError as exc:
        raise PmError(str(exc)) from None
    if not text:
        raise PmError("an assessment needs a comment saying why")
    if period > periods.of_date(now.date()):
        raise PmError(f"period {period} is in the future")
    kpi_id, unit_id = id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")
    today = now.date()
    if not users.has_permission(conn, actor, "approve", unit_id, today):
        users.require(conn, actor, "enter_data", unit_id, now=now, entity="assessments",
                      key=f"{kpi}|{unit}|{period}", attempted={"rating": value})
    values = {"rating": value, "commentary": text, "created_at": utc_text(now)}
    with atomic(conn):
        row = conn.execute("SELECT id FROM assessments WHERE kpi_id = ? AND unit_id = ? AND period = ? AND author = ?",
                           [kpi_id, unit_id, period, actor]).fetchone()
        if row:
            audit.update(conn, "assessments", row[0], values, actor=actor, now=now, action="assessment.replace")
        else:
            audit.insert(conn, "assessments", values | {"kpi_id": kpi_id, "unit_id": unit_id, "period": period,
                                                        "author": actor}, actor=actor, now=now,
                         action="assessment.add")
    return {"kpi": kpi, "unit": unit, "period": period, "rating": value, "label": ratings.SCALE[value],
            "comment": text, "author": actor}


def latest(conn: sqlite3.Connection, kpi: str, unit: str, limit: int = SHOWN) -> list[dict]:
    """The latest assessments of a KPI at a unit (latest period first)."""
    rows = conn.execute(
        """SELECT a.period, a.rating, a.commentary, a.author, a.created_at FROM assessments a
           JOIN kpis k ON k.id = a.kpi_id JOIN units u ON u.id = a.unit_id
           WHERE k.code = ? AND u.code = ? ORDER BY a.period DESC, a.created_at DESC, a.id DESC LIMIT ?""",
        [kpi, unit, limit])
    return [dict(r) for r in rows]


def ratings_for(conn: sqlite3.Connection, unit: str, period: str | None) -> dict[str, int]:
    """KPI code -> the latest rating given for ``period`` at ``unit`` (for scorecard rows)."""
    if period is None:
        return {}
    rows = conn.execute(
        """SELECT k.code, a.rating FROM assessments a JOIN kpis k ON k.id = a.kpi_id JOIN units u ON u.id = a.unit_id
           WHERE u.code = ? AND a.period = ? ORDER BY a.created_at""", [unit, period])
    return {code: rating for code, rating in rows}
