"""What follows an approval: calculated KPIs that use the value, then the SPC caches.

Called by :func:`pmtui.services.measurements.decide` inside the approval's transaction,
so the approved value, the values calculated from it and the refreshed charts commit
together (and the TUI shows them at once).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.services import formulas, spc


def value_approved(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str, *, now: datetime) -> None:
    """Recompute dependent formula KPIs at the unit and period, then refresh the affected SPC series."""
    written = formulas.after_approval(conn, kpi_id, unit_id, period, now=now)
    for kid in (kpi_id, *written):
        spc.refresh_series(conn, kid, unit_id)
