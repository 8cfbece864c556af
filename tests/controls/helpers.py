"""Ways to put breaches into a test file that pmtui itself would refuse (as an attacker or a
missing trigger would), keeping the audit chain intact."""

from __future__ import annotations

from datetime import datetime, timezone

from pmtui.store import audit
from pmtui.store.db import atomic

#: A moment inside 2026Q3 (the mini company's own entries are at 2026-11-26, in 2026Q4).
IN_Q3 = datetime(2026, 8, 20, 10, 0, tzinfo=timezone.utc)


def measurement_id(conn, kpi: str, period: str, unit: str = "BU_A") -> int:
    """The id of a mini-company measurement."""
    return conn.execute("SELECT m.id FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u"
                        " ON u.id = m.unit_id WHERE k.code = ? AND u.code = ? AND m.period = ?",
                        [kpi, unit, period]).fetchone()[0]


def without_trigger(conn, name: str, write) -> None:
    """Run ``write()`` in an audited transaction while the trigger ``name`` is dropped, then restore it."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()[0]
    conn.execute(f"DROP TRIGGER {name}")
    try:
        with atomic(conn):
            write()
    finally:
        conn.execute(sql)


def self_approve(conn, kpi: str = "REV", period: str = "2026-09", now: datetime = IN_Q3) -> int:
    """ann approves her own submitted value (the four-eyes trigger dropped meanwhile)."""
    key = measurement_id(conn, kpi, period)
    without_trigger(conn, "measurements_four_eyes", lambda: audit.update(
        conn, "measurements", key, {"status": "approved", "decided_by": "ann", "decided_at": audit.utc_text(now)},
        actor="ann", now=now, action="measurement.approve"))
    return key


def edit_approved(conn, value: float, kpi: str = "REV", period: str = "2026-07", now: datetime = IN_Q3) -> int:
    """Change an approved value in place (the lock trigger dropped meanwhile)."""
    key = measurement_id(conn, kpi, period)
    without_trigger(conn, "measurements_approved_locked", lambda: audit.update(
        conn, "measurements", key, {"value": value}, actor="admin", now=now, action="measurement.update"))
    return key
