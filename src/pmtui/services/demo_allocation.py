"""Demo data for resource allocation and leading/lagging indicators.

The CAPEX FY2026 round: four criteria (two financial, two non-financial), eleven
requests from business units scored by the strategy office, several competing for the
same budget line and together well over the budget; the finance controller decided
some of them, with a rationale. Then KPI assessments and driver links among the demo
KPIs. The demo series are synthetic and independent per KPI, so the links measure
what the history gives (shared seasonality and trends), not a built-in cause.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pmtui.services import allocation, drivers

ROUND = "CAPEX_FY2026"

#: (code, name, kind, weight)
CRITERIA = (
    ("NPV", "Net present value", "financial", 3),
    ("PAYBACK", "Payback within three years", "financial", 2),
    ("SAFETY", "Safety and compliance", "non_financial", 3),
    ("CUSTOMER", "Customer impact", "non_financial", 2),
)

#: (code, unit, filed by, title, budget line, amount EUR k, scores NPV/PAYBACK/SAFETY/CUSTOMER)
REQUESTS = (
    ("CX_PLA_ROBOT", "PLANT_A", "iholm", "Robotic welding cell line 3", "AUTOMATION", 1800, (8, 7, 4, 5)),
    ("CX_PLA_GUARD", "PLANT_A", "iholm", "Machine guarding retrofit", "SAFETY", 420, (2, 3, 10, 3)),
    ("CX_PLB_PRESS", "PLANT_B", "glambert", "Replace moulding press 7", "MACHINERY", 1350, (7, 6, 6, 4)),
    ("CX_PLB_SOLAR", "PLANT_B", "glambert", "Rooftop solar array", "ENERGY", 900, (6, 4, 5, 2)),
    ("CX_DCN_AGV", "DC_NORTH", "bnovak", "Automated guided vehicles", "AUTOMATION", 1100, (7, 5, 6, 7)),
    ("CX_DCC_WMS", "DC_CENTRAL", "glambert", "Warehouse management system upgrade", "IT_SYSTEMS", 650, (6, 6, 3, 8)),
    ("CX_DCS_DOCK", "DC_SOUTH", "aferreira", "Dock levellers and seals", "SAFETY", 380, (4, 6, 8, 4)),
    ("CX_LOG_EV", "LOGISTICS", "bnovak", "Electric delivery vans (20)", "FLEET", 1600, (5, 3, 6, 6)),
    ("CX_FS_MOBILE", "FIELD_SVC", "zokafor", "Mobile work-order tablets", "IT_SYSTEMS", 300, (7, 8, 3, 8)),
    ("CX_ECO_CDN", "ECOMMERCE", "zokafor", "Checkout and content delivery rebuild", "IT_SYSTEMS", 720, (6, 7, 2, 9)),
    ("CX_RET_FIT", "RETAIL", "aferreira", "Store refits (four stores)", "STORES", 1250, (5, 4, 4, 7)),
)

#: (request, decision, approved amount or None, rationale) by the group finance controller.
DECISIONS = (
    ("CX_PLA_GUARD", "approve", None, "Legal exposure under the machinery directive; funded first regardless of"
                                      " payback."),
    ("CX_FS_MOBILE", "approve", None, "Fast payback and it feeds the first-time-fix programme."),
    ("CX_PLB_SOLAR", "defer", None, "Await the energy tariff review in Q2; resubmit with the new prices."),
    ("CX_RET_FIT", "reject", None, "Store network review pending; refits only after the footprint decision."),
)

#: KPI -> (availability, predictability, actionability, regulated, notes)
ASSESSMENTS = {
    "REVENUE": (5, 3, 2, True, "From the ERP invoice ledger; reported under IFRS 15."),
    "GROSS_MARGIN_PCT": (5, 3, 2, True, "Statutory margin definition."),
    "OPEX": (5, 4, 3, False, "Monthly close; good for cost control, slow to move."),
    "OP_CASH_FLOW": (4, 2, 2, False, "Volatile month to month; read quarterly."),
    "DSO": (5, 3, 4, False, "Collections team can act on it weekly."),
    "NPS": (3, 2, 2, False, "Survey sample is small at some units."),
    "CSAT_PCT": (4, 3, 3, False, "Post-visit survey."),
    "OTD_PCT": (5, 3, 4, False, "From the TMS; outcome of planning and supply."),
    "FIRST_CALL_RES": (4, 4, 5, False, "Service-desk tooling; coaching moves it within weeks."),
    "FPY_PCT": (4, 4, 5, False, "MES counts; leading for scrap, warranty and customer quality."),
    "OEE_PCT": (4, 3, 4, False, "Line data loggers; availability losses dominate."),
    "PLANNED_MAINT": (5, 3, 5, False, "CMMS work orders; fully in the maintenance team's hands."),
    "TRAINING_HOURS": (3, 2, 5, False, "LMS exports are late for contractors."),
    "CONVERSION_RATE": (5, 4, 4, False, "Web analytics and store footfall counters."),
    "ENERGY_PER_UNIT": (4, 4, 4, True, "Metered; reported under the EU energy efficiency directive."),
    "WATER_PER_UNIT": (3, 3, 4, True, "Permit reporting; meters read monthly."),
    "CO2_PER_UNIT": (3, 3, 3, True, "Scope 1 and 2; CSRD disclosure."),
    "FUEL_PER_100KM": (5, 3, 4, False, "Fuel cards and telematics."),
    "COST_PER_KM": (4, 3, 3, False, "Fleet cost allocation, one month behind."),
    "LTIF": (5, 2, 3, True, "Recordable injuries; small numbers make it noisy."),
    "NEAR_MISS_RATE": (3, 3, 5, False, "Depends on the reporting culture; more reports are good."),
    "RESTRUCT_COST": (4, 2, 2, False, "Divestment programme only."),
}

#: (leading, lagging, max lag in months)
DRIVERS = (
    ("TRAINING_HOURS", "FPY_PCT", 6),
    ("PLANNED_MAINT", "OEE_PCT", 6),
    ("FIRST_CALL_RES", "CSAT_PCT", 6),
    ("CONVERSION_RATE", "REVENUE", 3),
    ("WATER_PER_UNIT", "CO2_PER_UNIT", 6),
    ("FUEL_PER_100KM", "COST_PER_KM", 6),
)


def populate(conn, *, now: datetime) -> None:
    """Add the allocation round and the KPI assessments and drivers, through the services."""
    at = now - timedelta(days=40)
    allocation.add_round(conn, ROUND, "CAPEX FY2026", 6500, actor="mvega", now=at)
    for code, name, kind, weight in CRITERIA:
        allocation.add_criterion(conn, ROUND, code, name, kind, weight, actor="mvega", now=at)
    for i, (code, unit, filer, title, line, amount, scores) in enumerate(REQUESTS):
        filed = at + timedelta(days=1, hours=i)
        allocation.add_request(conn, ROUND, code, unit, title, line, amount, actor=filer, now=filed)
        for (criterion, *_), value in zip(CRITERIA, scores):
            allocation.score(conn, code, criterion, value, actor="mvega", now=at + timedelta(days=10))
    for i, (code, decision, amount, rationale) in enumerate(DECISIONS):
        allocation.decide(conn, code, decision, rationale, amount, actor="knakamura",
                          now=at + timedelta(days=20, hours=i))
    assessed = now - timedelta(days=30)
    for kpi, (avail, pred, act, regulated, notes) in ASSESSMENTS.items():
        drivers.assess(conn, kpi, availability=avail, predictability=pred, actionability=act, regulated=regulated,
                       notes=notes, actor="demo", now=assessed)
    for leading, lagging, max_lag in DRIVERS:
        drivers.add_driver(conn, leading, lagging, max_lag, actor="demo", now=assessed)
