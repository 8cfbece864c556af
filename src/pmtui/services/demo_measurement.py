"""Demo data for the measurement architecture: sources, variants, calendars, the
October 2026 submissions (a few missing), conflicting ERP and warehouse readings,
feeds and managers' assessments. Everything goes through the area's services."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from pmtui.core import validation
from pmtui.services import assessments, freshness, readings, settings, sources, variants
from pmtui.services import measurements as ms
from pmtui.services.errors import PmError

ADMIN = "mvega"
ANALYST = "demo"
#: The period submitted in November; a few values stay missing (stale) or draft.
OCTOBER = "2026-10"

SOURCES = (  # code, name, system, domain, reliability, latency hours, refresh, KPIs
    ("SAP_ERP", "SAP S/4 ERP", "SAP S/4HANA", "Finance & ERP", "high", 24, "daily",
     "REVENUE GROSS_MARGIN_PCT EBITDA_MARGIN OPEX OP_CASH_FLOW DSO BAD_DEBT_PCT INVENTORY_TURNS INVENTORY_DAYS"
     " COST_PER_UNIT COST_PER_ORDER FREIGHT_COST_PCT COST_SAVINGS ROCE REVENUE_PER_FTE SERVICE_REV"),
    ("GROUP_DWH", "Group data warehouse", "Snowflake", "Data & Analytics", "medium", 36, "daily", ""),
    ("SFDC_CRM", "Salesforce CRM", "Salesforce Sales Cloud", "Commercial IT", "medium", 12, "hourly",
     "CUST_RETENTION NEW_CUSTOMERS QUOTE_WIN_RATE KEY_ACCT_SHARE COMPLAINTS_PER_K CLAIM_RES_DAYS"),
    ("MANH_WMS", "Manhattan WMS", "Manhattan Active WM", "Supply Chain IT", "high", 2, "hourly",
     "OTD_PCT ORDER_FILL_RATE PERFECT_ORDER LEAD_TIME_DAYS PICK_ACCURACY LINES_PER_HOUR DOCK_TO_STOCK"
     " STOCK_ACCURACY ORDER_CYCLE_TIME DAMAGE_RATE"),
    ("PLANT_MES", "Plant MES", "Siemens Opcenter", "Operations Technology", "high", 1, "hourly",
     "OEE_PCT FPY_PCT SCRAP_PCT DEFECT_PPM MTBF MTTR PLANNED_MAINT CHANGEOVER_MIN SCHED_ADHERENCE ENERGY_PER_UNIT"),
    ("WORKDAY_HR", "Workday HR", "Workday HCM", "HR IT", "high", 24, "daily",
     "STAFF_TURNOVER TRAINING_HOURS ABSENTEEISM TIME_TO_HIRE OPEN_VACANCIES INTERNAL_FILL WOMEN_MGMT_PCT"),
    ("QUALTRICS", "Qualtrics surveys", "Qualtrics XM", "Commercial IT", "medium", 72, "weekly",
     "NPS CSAT_PCT ENGAGEMENT"),
    ("TELEMATICS", "Fleet telematics feed", "Webfleet API", "Logistics IT", "medium", 1, "hourly",
     "COST_PER_KM TRUCK_UTIL EMPTY_MILES_PCT FLEET_AVAIL"),
    ("EHS", "EHS system", "Enablon", "HSE", "medium", 48, "weekly",
     "LTIF NEAR_MISS_RATE AUDIT_FINDINGS CO2_TOTAL CO2_PER_UNIT SAFETY_TRAIN_PCT"),
)

DUE_DAYS = {"SAP_ERP": 8, "SFDC_CRM": 6, "MANH_WMS": 5, "PLANT_MES": 4, "WORKDAY_HR": 15, "QUALTRICS": 20,
            "EHS": 12}
FEEDS = ("EMPTY_MILES_PCT", "FLEET_AVAIL")

CALENDARS = (("DC_NORTH", "4-4-5", 12, "last"), ("DC_CENTRAL", "4-4-5", 12, "last"),
             ("DC_SOUTH", "4-4-5", 12, "last"), ("RETAIL", "4-5-4", 1, "nearest"))

#: October values never submitted (stale) and entered but left as drafts (stale too).
MISSING = {("CO2_TOTAL", "PLANT_B"), ("STAFF_TURNOVER", "DC_SOUTH"), ("NPS", "RETAIL"), ("OTD_PCT", "DC_NORTH"),
           ("AUDIT_FINDINGS", "LOGISTICS"), ("SHRINKAGE_PCT", "RETAIL")}
DRAFTS = {("SERVICE_REV", "FIELD_SVC"), ("TRAINING_HOURS", "ECOMMERCE")}

VARIANTS = (
    ("STAFF_TURNOVER", "RGN_SOUTH",
     "Voluntary leavers and expired fixed-term contracts in the last 12 months / average headcount over the last"
     " 12 months including fixed-term staff x 100.",
     "Italy: D.Lgs. 81/2015 (fixed-term contracts count as leavers in labour-market reporting)"),
    ("CO2_TOTAL", "RGN_CENTRAL",
     "Tonnes CO2-equivalent from fuels burnt, energy purchased and refrigerant leaks in the period (market-based"
     " factors of the Base Empreinte).",
     "France: BEGES réglementaire, Code de l'environnement art. L229-25"),
    ("CO2_PER_UNIT", "RGN_NORTH",
     "Scope 1 and 2 emissions (g CO2e, Dutch CO2 emission factor list) / good units produced in the period,"
     " excluding pilot-line output.",
     "Netherlands: CO2emissiefactoren.nl list under the Energy Savings Obligation"),
)

#: (kpi, unit, period, source, value factor against the stored value); DWH rows that miss by > 2 % conflict.
RECONCILIATION = (
    ("REVENUE", "PLANT_A", "2026-09", 1.000, 1.004), ("REVENUE", "PLANT_B", "2026-09", 1.000, 0.962),
    ("REVENUE", "DC_NORTH", "2026-09", 1.000, 1.001), ("REVENUE", "RETAIL", "2026-09", 1.000, 1.031),
    ("OPEX", "PLANT_A", "2026-09", 1.000, 1.002), ("OPEX", "DC_CENTRAL", "2026-09", 0.948, 0.949),
    ("GROSS_MARGIN_PCT", "PLANT_B", "2026-09", 1.000, 0.999), ("REVENUE", "PLANT_A", OCTOBER, 1.000, 0.997),
)

ASSESSMENTS = (
    ("OTD_PCT", "PLANT_B", "2026-09", "fweber", 2, "Moulding press 7 down for 11 days; backlog cleared by mid-"
     "November at the earliest. Second shift added on press 4."),
    ("OTD_PCT", "PLANT_B", OCTOBER, "fweber", 3, "Backlog halved, press 7 back since 14 October. Customer "
     "promise dates reset with the three largest accounts."),
    ("OTD_PCT", "PLANT_A", OCTOBER, "jvandijk", 4, "Stable above target; carrier capacity tight before "
     "Christmas, extra slots booked."),
    ("OEE_PCT", "PLANT_A", OCTOBER, "jvandijk", 3, "Line 2 retrofit runs two weeks late; OEE dip expected in "
     "November, recovery planned for January."),
    ("DEFECT_PPM", "PLANT_A", "2026-09", "jvandijk", 4, "Supplier batch issue from the spring is closed; "
     "inspection back to normal sampling."),
    ("REVENUE", "PLANT_A", OCTOBER, "jvandijk", 4, "Order intake in line with plan; price increase accepted by "
     "most key accounts."),
    ("PICK_ACCURACY", "DC_NORTH", OCTOBER, "ahansen", 5, "New scan-to-light on the fast movers; error rate "
     "halved since September."),
    ("STAFF_TURNOVER", "DC_SOUTH", "2026-09", "mgarcia", 1, "Twelve pickers left for the new Amazon site; exit "
     "interviews point to shift patterns. Retention bonus requested."),
    ("STAFF_TURNOVER", "DC_SOUTH", OCTOBER, "mgarcia", 2, "Leavers slowed after the shift-pattern change; "
     "still above target until the new hires finish probation."),
    ("NPS", "RETAIL", "2026-09", "nkowalski", 3, "Scores up in the refurbished stores, down where queues "
     "grew; self-checkout pilot extended."),
    ("COST_PER_KM", "LOGISTICS", OCTOBER, "kschmidt", 2, "Diesel surcharge and two trucks off the road; route "
     "optimisation live from December."),
    ("LTIF", "DC_CENTRAL", OCTOBER, "sdubois", 4, "No lost-time injury since July; forklift refresher training "
     "completed for all shifts."),
)


def _noise(*parts: str) -> float:
    # A fixed small variation (-2 %..+2 %) per KPI and unit, so the demo file is reproducible.
    return (zlib.crc32("|".join(parts).encode()) % 41 - 20) / 1000


def populate(conn, *, now: datetime) -> None:
    """Add the area's demo data (see the module docstring)."""
    setup = now - timedelta(days=60)
    codes = {r[0] for r in conn.execute("SELECT code FROM kpis")}
    for code, name, system, domain, reliability, latency, refresh, kpis in SOURCES:
        sources.add_source(conn, code, name, system=system, domain=domain, reliability=reliability,
                           latency_hours=latency, refresh=refresh, actor=ADMIN, now=setup)
        for kpi in (k for k in kpis.split() if k in codes):
            sources.link_kpi(conn, kpi, code, actor=ADMIN, now=setup)
            if kpi in FEEDS:
                sources.set_reporting(conn, kpi, mode="feed", actor=ADMIN, now=setup)
            elif code in DUE_DAYS:
                sources.set_reporting(conn, kpi, due_days=DUE_DAYS[code], actor=ADMIN, now=setup)
    for unit, pattern, month, year_end in CALENDARS:
        freshness.set_calendar(conn, unit, pattern, month, year_end=year_end, actor=ADMIN, now=setup)
    for kpi, unit, definition, regulation in VARIANTS:
        if kpi in codes:
            variants.add_variant(conn, kpi, unit, definition, regulation, actor=ADMIN, now=setup)
    settings.set_value(conn, "conflict_tolerance", "0.02", actor=ADMIN, now=setup)
    _october(conn, now)
    _readings(conn, now)
    for kpi, unit, period, author, rating, comment in ASSESSMENTS:
        if kpi in codes:
            assessments.assess(conn, kpi, unit, period, rating, comment, actor=author,
                               now=min(now, datetime.fromisoformat(f"{period}-01T00:00:00+00:00") + timedelta(days=40)))


def _october(conn, now: datetime) -> None:
    """Most October values were submitted and approved in early November."""
    from pmtui.services.demo import _people  # noqa: PLC0415 - the demo's own who-enters-who-approves rule

    rows = conn.execute(
        """SELECT DISTINCT k.code, u.code, k.decimals, k.uom, m.value FROM objective_kpis ok
           JOIN objectives o ON o.id = ok.objective_id JOIN kpis k ON k.id = ok.kpi_id JOIN units u ON u.id = o.unit_id
           JOIN measurements m ON m.kpi_id = k.id AND m.unit_id = u.id AND m.period = '2026-09'
           WHERE k.frequency = 'monthly' AND NOT EXISTS (SELECT 1 FROM measurements x WHERE x.kpi_id = k.id
                 AND x.unit_id = u.id AND x.period = ?) ORDER BY u.code, k.code""", [OCTOBER]).fetchall()
    entered, decided = datetime(2026, 11, 5, 10, tzinfo=now.tzinfo), datetime(2026, 11, 9, 15, tzinfo=now.tzinfo)
    people: dict[str, tuple[str, str]] = {}
    for kpi, unit, decimals, uom, last in rows:
        if (kpi, unit) in MISSING:
            continue
        if unit not in people:
            people[unit] = _people(conn, unit, entered.date())
        value = round(last * (1 + _noise(kpi, unit)), decimals)
        bounds = validation.declared_range(uom)  # noise on 99.9 % must not make 100.4 %
        if bounds:
            value = min(max(value, bounds[0]), bounds[1])
        draft = (kpi, unit) in DRAFTS
        try:
            ms.enter_value(conn, kpi, unit, OCTOBER, value, submit=not draft, actor=people[unit][0], now=entered)
            if not draft:
                ms.decide(conn, kpi, unit, OCTOBER, approve=True, actor=people[unit][1], now=decided)
        except PmError:
            continue  # another feature area already holds this value


def _readings(conn, now: datetime) -> None:
    """ERP and data-warehouse figures for reconciliation, and the telematics feeds."""
    stored = {(k, u, p): v for k, u, p, v in conn.execute(
        "SELECT k.code, u.code, m.period, m.value FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
        " JOIN units u ON u.id = m.unit_id WHERE m.period IN ('2026-09', ?)", [OCTOBER])}
    rows = []
    for kpi, unit, period, erp, dwh in RECONCILIATION:
        if (kpi, unit, period) in stored:
            value = stored[(kpi, unit, period)]
            rows += [(kpi, unit, period, "SAP_ERP", round(value * erp, 2)),
                     (kpi, unit, period, "GROUP_DWH", round(value * dwh, 2))]
    readings.record(conn, rows, actor=ANALYST, now=now - timedelta(days=2))
    for kpi, age in (("FLEET_AVAIL", timedelta(minutes=40)), ("EMPTY_MILES_PCT", timedelta(days=3))):
        if (kpi, "LOGISTICS", "2026-09") in stored:
            value = stored[(kpi, "LOGISTICS", "2026-09")]
            readings.record(conn, [(kpi, "LOGISTICS", "2026-11", "TELEMATICS", value)], actor=ANALYST, now=now - age)
