"""Demo corrections of approved values, entered and decided through the corrections service.

Three corrections by the units' data stewards: one at DC_NORTH approved by its unit
head, one at PLANT_A still waiting for Jan van Dijk (the unit head), and one at PLANT_A
he rejected with a reason. The submitted values of September that wait for approval come
from the core demo's scenarios.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pmtui.services import corrections

#: (kpi, unit, period, new value, steward, reason, decider or None, approve, decision reason, days before now)
CORRECTIONS = (
    ("ORDER_FILL_RATE", "DC_NORTH", "2026-08", "93.1", "bnovak",
     "14 order lines shipped complete were booked as short after a WMS timeout", "ahansen", True,
     "checked against the carrier's delivery notes", 20),
    ("SCRAP_PCT", "PLANT_A", "2026-07", "2.91", "iholm",
     "reworked housings were recovered after the MES count", "jvandijk", False,
     "scrap stays as booked: rework credits belong to the month the rework happens", 16),
    ("OTD_PCT", "PLANT_A", "2026-08", "92.8", "iholm",
     "two late deliveries to Antwerp were booked as on time", None, True, None, 3),
)


def populate(conn, *, now: datetime) -> None:
    """Enter the corrections (and decide two of them) as the demo's stewards and unit heads."""
    for kpi, unit, period, value, steward, reason, decider, approve, why, days in CORRECTIONS:
        entered = now - timedelta(days=days)
        row = corrections.propose(conn, kpi, unit, period, value, reason, actor=steward, now=entered)
        if decider:
            corrections.decide(conn, row["id"], approve=approve, reason=why, actor=decider,
                               now=entered + timedelta(days=1, hours=3))
