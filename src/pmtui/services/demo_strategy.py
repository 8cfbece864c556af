"""Demo data for strategy and targets: cycles, alignment findings, revisions, excluded metrics.

Runs after the core demo company (see ``EXTENSIONS`` in :mod:`pmtui.services.demo`),
through the same audited services a user would call. The alignment findings are
deliberate: two unit objectives hang from no corporate objective, a team objective
hangs from a FY2024-only programme, and a new corporate objective has no unit KPI yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pmtui.services import excluded, strategy, target_revisions as revisions
from pmtui.services import framework as fw

#: Group-wide strategy administrator (edit_definitions) and finance controller (approves targets).
ADMIN, CONTROLLER = "mvega", "knakamura"

CYCLES = (("FY2024", "Fiscal year 2024", "2024-01", "2024-12"),
          ("FY2025", "Fiscal year 2025", "2025-01", "2025-12"),
          ("FY2026", "Fiscal year 2026", "2026-01", "2026-12"))

#: (requester, kpi, unit, period, new target, reason, decider, approve, note); decider None = pending.
REVISIONS = (
    ("jvandijk", "OTD_PCT", "PLANT_A", "2026-09", 90.0,
     "Main resin supplier went insolvent in August; second source qualified only from November",
     CONTROLLER, True, "Agreed in the September business review; back to plan from 2027"),
    ("jvandijk", "OTD_PCT", "PLANT_A", "2026-10", 91.0,
     "Supplier failure: ramp-up of the second resin source", CONTROLLER, True, None),
    ("mgarcia", "OPEX", "DC_SOUTH", "2026-09", None,
     "Energy price surcharge in Italy from July (regulated tariff change)", CONTROLLER, True,
     "Tariff change is external and documented"),
    ("nkowalski", "SAME_STORE_SALES", "RETAIL", "2026-09", None,
     "Two stores closed for refurbishment", "lrossi", False,
     "Refurbishment was planned in the budget: keep the target"),
    ("fweber", "SCRAP_PCT", "PLANT_B", "2026-10", None,
     "New mould family in launch phase raises scrap for three months", None, None, None),
)

EXCLUDED = (
    ("Website visits", "Vanity metric: traffic does not track orders or revenue; conversion rate is measured instead",
     "Monthly sessions on northwind.example", "FY2026"),
    ("Social media followers", "Not actionable by any unit and not linked to any objective in the strategy map",
     "Followers across LinkedIn and Instagram", "FY2026"),
    ("Emails answered per agent", "Rewards speed over resolution; first-call resolution covers the service desk",
     "Field Services desk productivity", "FY2025"),
    ("Hours worked per employee", "Encourages presenteeism; overtime percentage already flags overload",
     "Average paid hours per FTE", "FY2025"),
    ("Number of KPIs reported", "Measures the framework, not the business; adoption is monitored instead",
     "Count of KPIs with a value per unit", None),
    ("Supplier count", "Data not available consistently across ERPs; supplier OTD and score are used",
     "Active suppliers per plant", "FY2024"),
)


def populate(conn, *, now: datetime) -> None:
    """Add the strategy area's demo data (``now`` anchors the request and decision times)."""
    start = now - timedelta(days=50)
    a = {"actor": ADMIN, "now": start}
    for code, name, first, last in CYCLES:
        strategy.add_cycle(conn, code, name, first, last, **a)
    _alignment_findings(conn, start)
    for index, (who, kpi, unit, period, target, reason, decider, approve, note) in enumerate(REVISIONS):
        asked = start + timedelta(days=2 + 3 * index)
        if target is None:  # a 5 % easier target, in the KPI's direction
            row = conn.execute("SELECT t.target, k.direction FROM targets t JOIN kpis k ON k.id = t.kpi_id"
                               " JOIN units u ON u.id = t.unit_id WHERE k.code = ? AND u.code = ? AND t.period = ?",
                               [kpi, unit, period]).fetchone()
            target = round(row[0] * (1.05 if row[1] == "lower" else 0.95), 2)
        revision = revisions.request(conn, kpi, unit, period, target, reason=reason, actor=who, now=asked)
        if decider:
            revisions.decide(conn, revision["id"], approve=approve, note=note, actor=decider,
                             now=asked + timedelta(days=1))
    for index, (name, reason, description, cycle) in enumerate(EXCLUDED):
        excluded.add(conn, name, reason, description=description, cycle=cycle, actor=ADMIN if index % 2 else "demo",
                     now=start + timedelta(days=index))


def _alignment_findings(conn, when: datetime) -> None:
    a = {"actor": ADMIN, "now": when}
    # Unit objectives set up locally, never cascaded from a corporate objective.
    fw.create_objective(conn, "U_WEB_ECOMMERCE", "Always-on web shop", level="unit", unit="ECOMMERCE",
                        perspective="INT", owner_role="UNIT_HEAD", weight=0.2, **a)
    fw.link_kpi(conn, "U_WEB_ECOMMERCE", "WEB_UPTIME", **a)
    fw.create_objective(conn, "U_STORE_EXP_RETAIL", "Memorable in-store experience", level="unit", unit="RETAIL",
                        perspective="CUS", owner_role="UNIT_HEAD", weight=0.2, **a)
    fw.link_kpi(conn, "U_STORE_EXP_RETAIL", "CSAT_PCT", **a)
    fw.link_kpi(conn, "U_STORE_EXP_RETAIL", "CONVERSION_RATE", **a)
    # A FY2024 programme whose team objective outlived it: unaligned from FY2025 on.
    fw.create_objective(conn, "U_TPM_PLANT_A", "Total productive maintenance programme", level="unit",
                        unit="PLANT_A", perspective="INT", parent="C_OPEX", weight=0.1, **a)
    strategy.set_objective_cycle(conn, "U_TPM_PLANT_A", "FY2024", **a)
    fw.create_objective(conn, "T_TPM_PLANT_A_MAINT", "Autonomous maintenance on every line", level="team",
                        unit="PLANT_A_MAINT", perspective="INT", parent="U_TPM_PLANT_A", **a)
    fw.link_kpi(conn, "T_TPM_PLANT_A_MAINT", "OEE_PCT", **a)
    # A new corporate objective for FY2026 that no unit measures yet.
    fw.create_objective(conn, "C_CIRCULAR", "Close the loop on packaging and returns", level="corporate",
                        unit="GROUP", perspective="INT", owner_role="QUALITY_LEAD", weight=0.2, **a)
    strategy.set_objective_cycle(conn, "C_CIRCULAR", "FY2026", **a)
    fw.link_objectives(conn, "C_CIRCULAR", "C_CASH", **a)
