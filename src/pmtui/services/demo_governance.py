"""Demo data of the accountability area, written through its services as demo users.

* **RACI** for every active KPI but three (``NO_RACI``): data stewards create, the unit
  head is accountable for creation, the performance lead checks and the owner role is
  accountable for validation, analysts report, the auditor challenges. Four cells break
  the rules on purpose (``BREAKS``), so that ``pmtui raci check`` has something to show.
* **Process owners** (a new role): Mads Larsen held it at PLANT_A, moved to PLANT_B in
  2025 and left on 2026-10-15. His assignment is ended, so the first step of the
  process-failure escalation path has no holder at PLANT_B's moulding shop.
* **Escalation paths**: process failures go process owner (team) -> unit head (business
  unit, 10 days) -> region head (30 days); individual accountability goes unit head ->
  region head (7 days) -> HR lead at group level (21 days).
* **Incentives** for unit heads and executives on a handful of KPIs. Two of them show in
  gaming detection: PLANT_A's 2026 LTIF target is far softer than what the plant already
  achieves (sandbagging), and LOGISTICS' OPEX ratio, which had no target, got its monthly
  targets set after each close just above the result (target hugging).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from pmtui.core import periods
from pmtui.services import escalation, incentives, raci, roles, users
from pmtui.services import framework as fw
from pmtui.services.errors import PmError

ADMIN = "mvega"
NO_RACI = ("RESTRUCT_COST", "MOBILE_WO_PCT", "WOMEN_MGMT_PCT")

#: (activity, role, letter) for every KPI with a RACI; the owner role's cells come on top.
COMMON = (("create", "DATA_STEWARD", "R"), ("create", "UNIT_HEAD", "A"), ("create", "ANALYST", "I"),
          ("report", "ANALYST", "R"), ("report", "PERFORMANCE_LEAD", "A"), ("report", "EXECUTIVE", "I"),
          ("challenge", "AUDITOR", "R"), ("challenge", "STRATEGY_ADMIN", "A"))

#: Deliberate rule breaks: (kpi, activity, role, letter or None to remove, why).
BREAKS = (
    ("OTD_PCT", "validate", "FINANCE_CONTROLLER", "A", "two Accountables for validating OTD"),
    ("NPS", "report", "ANALYST", None, "nobody Responsible for reporting NPS"),
    ("DSO", "validate", "DATA_STEWARD", "R", "the data steward validates the DSO figures it enters"),
    ("CSAT_PCT", "challenge", "STRATEGY_ADMIN", None, "nobody Accountable for challenging CSAT"),
)

#: Process owners: (user, display name, unit, from, to or None).
PROCESS_OWNERS = (
    ("mlarsen", "Mads Larsen", "PLANT_A", date(2023, 1, 1), date(2024, 12, 31)),
    ("ekovacs", "Eva Kovacs", "PLANT_A", date(2025, 1, 1), None),
    ("mlarsen", "Mads Larsen", "PLANT_B", date(2025, 1, 1), date(2026, 10, 15)),
    ("sdiaz", "Sara Diaz", "DC_NORTH", date(2024, 3, 1), None),
    ("dobrien", "Declan O'Brien", "FIELD_SVC_DESK", date(2023, 1, 1), None),
)

#: (classification, step, after days, level, role).
ESCALATION = (
    ("process", 1, 0, "team", "PROCESS_OWNER"), ("process", 2, 10, "business_unit", "UNIT_HEAD"),
    ("process", 3, 30, "region", "UNIT_HEAD"),
    ("individual", 1, 0, "business_unit", "UNIT_HEAD"), ("individual", 2, 7, "region", "UNIT_HEAD"),
    ("individual", 3, 21, "group", "HR_LEAD"),
)

#: (role, kpi, weight) of the 2026 bonus scheme.
INCENTIVES = (
    ("UNIT_HEAD", "OTD_PCT", 0.3), ("UNIT_HEAD", "LTIF", 0.2), ("UNIT_HEAD", "OPEX_RATIO", 0.2),
    ("UNIT_HEAD", "NPS", 0.15),
    ("EXECUTIVE", "REVENUE", 0.4), ("EXECUTIVE", "EBITDA_MARGIN", 0.3), ("EXECUTIVE", "CO2_INTENSITY", 0.1),
)

#: The hugging story: LOGISTICS' OPEX ratio (lower is better) had no target until its head set them.
HUG = {"kpi": "OPEX_RATIO", "unit": "LOGISTICS", "who": "kschmidt", "annual": 26.5, "amber": 28.5,
       "first": "2024-11", "window_from": "2025-11", "last": "2026-10", "left_alone": ("2026-01", "2026-08")}


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _raci(conn, when: datetime) -> None:
    rows = conn.execute("SELECT k.code, r.code FROM kpis k LEFT JOIN roles r ON r.id = k.owner_role_id"
                        " WHERE k.active = 1 ORDER BY k.code").fetchall()
    owners: dict[str, list[str]] = {}
    for code, owner in rows:
        if code not in NO_RACI:
            owners.setdefault(owner or "UNIT_HEAD", []).append(code)
    everyone = [code for group in owners.values() for code in group]
    a = {"actor": ADMIN, "now": when}
    for activity, role, letter in COMMON:
        raci.set_entry(conn, kpi=everyone, activity=activity, role=role, letter=letter, **a)
    for owner, kpis in sorted(owners.items()):
        cells = [("validate", owner, "A"), ("validate", "ANALYST" if owner == "PERFORMANCE_LEAD" else
                                            "PERFORMANCE_LEAD", "R")]
        if owner != "UNIT_HEAD":
            cells += [("create", owner, "C"), ("validate", "UNIT_HEAD", "C"), ("challenge", owner, "C")]
        for activity, role, letter in cells:
            raci.set_entry(conn, kpi=kpis, activity=activity, role=role, letter=letter, **a)
    for index, (kpi, activity, role, letter, _) in enumerate(BREAKS):
        raci.set_entry(conn, kpi=kpi, activity=activity, role=role, letter=letter, actor="demo",
                       now=when + timedelta(days=30 + 7 * index))


def _process_owners(conn, now: datetime) -> None:
    start = _at(date(2023, 1, 2))  # the administrator holds her role from 2023-01-01
    users.create_role(conn, "PROCESS_OWNER", "Process owner", ["view"], actor=ADMIN, now=start)
    for name, display in dict.fromkeys((p[0], p[1]) for p in PROCESS_OWNERS if p[0] != "dobrien"):
        users.create_user(conn, name, display, f"{name}@northwind.example", actor=ADMIN, now=start)
    for name, _, unit, first, last in PROCESS_OWNERS:
        roles.assign(conn, name, "PROCESS_OWNER", unit, first, actor=ADMIN, now=max(start, _at(first) - timedelta(days=7)))
        if last is not None:
            reason = "left the company" if last.year == 2026 else "moved to PLANT_B"
            users.end_assignment(conn, name, "PROCESS_OWNER", unit, last, actor=ADMIN,
                                 now=min(_at(last + timedelta(days=1)), now), reason=reason)


def _hugged_targets(conn) -> None:
    """Set OPEX_RATIO targets at LOGISTICS: a plain annual one, then monthly ones just above each result."""
    h = HUG
    values = dict(conn.execute(
        """SELECT m.period, m.value FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
           WHERE k.code = ? AND u.code = ? AND m.status = 'approved' AND m.period BETWEEN ? AND ?""",
        [h["kpi"], h["unit"], h["first"], h["last"]]).fetchall())
    for period in periods.span(h["first"], h["last"]):
        if period not in values:
            continue
        year, month = periods.parse(periods.shift(period, 1))
        closed = _at(date(year, month, 9))  # set after the month's close, when the result was known
        target = h["annual"]
        if period >= h["window_from"] and period not in h["left_alone"]:
            target = round(values[period] * 1.004 + 0.05, 2)  # just above the result (lower is better)
        fw.set_target(conn, h["kpi"], h["unit"], period, target, max(target + 2.0, h["amber"]), actor=h["who"],
                      now=closed if period >= h["window_from"] else _at(date(2024, 10, 25)))


def populate(conn, *, now: datetime) -> None:
    """Add the RACI matrix, process owners, escalation paths, incentives and the gaming cases."""
    try:
        fw.id_of(conn, "roles", "UNIT_HEAD")
        fw.id_of(conn, "kpis", HUG["kpi"])
    except PmError:
        return  # another demo definition: nothing of this story applies
    _process_owners(conn, now)
    _raci(conn, _at(date(2026, 6, 1)))
    for classification, step, after, level, role in ESCALATION:
        escalation.set_rule(conn, classification, step, after, level, role, actor=ADMIN, now=_at(date(2026, 5, 15)))
    for role, kpi, weight in INCENTIVES:
        incentives.set_link(conn, role, kpi, weight, actor=ADMIN, now=_at(date(2026, 1, 12)))
    _hugged_targets(conn)
