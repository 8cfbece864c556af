"""Demo data for SPC: six KPIs whose intervention follows SPC, one rebase, the caches built.

OTD_PCT at PLANT_B drops by 8% from 2025-11 (a scenario of the demo company): its
limits are recalculated from that period on, as an analyst would after confirming a
sustained shift.
"""

from __future__ import annotations

from datetime import datetime

from pmtui.services import spc

ADMIN = "mvega"  # STRATEGY_ADMIN: edit_definitions group-wide
SPC_MODE = ("OTD_PCT", "SCRAP_PCT", "NPS", "DEFECT_PPM", "STAFF_TURNOVER", "OPEX_RATIO")
SETTINGS = (
    ("OTD_PCT", "PLANT_B", {"rebase": "2025-11"}),
    ("DEFECT_PPM", "PLANT_A", {"baseline_points": 12, "shift_length": 8}),
)


def populate(conn, *, now: datetime) -> None:
    """Switch SPC mode on, store the settings, then build the caches."""
    known = {r[0] for r in conn.execute("SELECT code FROM kpis")}
    for code in SPC_MODE:
        if code in known:
            spc.set_mode(conn, code, True, actor=ADMIN, now=now)
    for kpi, unit, changes in SETTINGS:
        spc.set_settings(conn, kpi, unit, actor=ADMIN, now=now, **changes)
    spc.refresh(conn)
