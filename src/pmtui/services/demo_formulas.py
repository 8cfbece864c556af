"""Demo data for calculated KPIs: two formula KPIs over inputs every business unit reports.

* ``OPEX_RATIO`` = ``OPEX / REVENUE * 100`` (operating cost ratio, % of revenue);
* ``CO2_INTENSITY`` = ``CO2_TOTAL * 1000 / REVENUE`` (t CO2e per EUR m of revenue).

Defined, given formulas and recomputed through the services (so it is all audited),
linked to objectives at the two plants, with targets from their first year.
"""

from __future__ import annotations

import statistics
from datetime import datetime

from pmtui.core import periods
from pmtui.services import formulas
from pmtui.services import framework as fw
from pmtui.store.db import atomic

ADMIN = "mvega"  # STRATEGY_ADMIN: edit_definitions group-wide
CALCULATED = (
    ("OPEX_RATIO", "Operating cost ratio", "%", "FIN", "OPEX / REVENUE * 100", "U_CASH"),
    ("CO2_INTENSITY", "CO2 intensity of revenue", "t CO2e/EUR m", "LRN", "CO2_TOTAL * 1000 / REVENUE", "U_SAFE"),
)
UNITS = ("PLANT_A", "PLANT_B")


def populate(conn, *, now: datetime) -> None:
    """Create, compute and link the calculated KPIs of the demo."""
    a = {"actor": ADMIN, "now": now}
    with atomic(conn):
        for code, name, uom, perspective, formula, objective in CALCULATED:
            fw.create_kpi(conn, code, name=name, uom=uom, direction="lower", aggregation="avg", decimals=1,
                          definition=f"Calculated: {formula}", perspective=perspective,
                          owner_role="FINANCE_CONTROLLER", **a)
            formulas.set_formula(conn, code, formula, **a)
            for unit in UNITS:
                fw.link_kpi(conn, f"{objective}_{unit}", code, **a)
        formulas.recompute(conn, **a)
        for code, *_ in CALCULATED:
            for unit in UNITS:
                _targets(conn, code, unit, now)


def _targets(conn, code: str, unit: str, now: datetime) -> None:
    """Yearly targets 2% below the first twelve calculated values' mean (lower is better)."""
    rows = conn.execute("SELECT m.period, m.value FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                        " JOIN units u ON u.id = m.unit_id WHERE k.code = ? AND u.code = ? ORDER BY m.period",
                        [code, unit]).fetchall()
    if len(rows) < 12:
        return
    base = statistics.fmean(r[1] for r in rows[:12])
    last = periods.shift(rows[-1][0], 3)
    for period in periods.span(rows[0][0], last):
        fw.set_target(conn, code, unit, period, round(base * 0.98, 2), round(base * 1.04, 2), actor="knakamura",
                      now=now)
