"""Demo initiatives and milestones (M4.1, M4.4), written through :mod:`pmtui.services.initiatives`.

Nine initiatives across nine units, each planned early in 2026 by the unit's head and
then progressed as things happened: every start and finish is recorded on the day after
it happened, in date order, so the audit trail shows alerts being raised and cleared over
the year. A last refresh runs on the demo's today (2026-11-26). On that day:

* PLANT_A: line 3's standard work (PA_LINE3_LEAN/M4) started 27 days late and is red,
  its OEE stabilisation (M5) has not started (amber), while predictive maintenance
  (PA_PREDICT_MAINT, team PLANT_A_MAINT) is on track;
* PLANT_B's SMED roll-out started before its tooling finished (a dependency alert);
* PACKAGING's carve-out (a confidential unit) is itself confidential and slipping.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from pmtui.services import initiatives

#: (code, name, unit, owner role, budget EUR k, status, planner, planned on, KPIs, objectives,
#:  thresholds (grace, amber, red), confidentiality, milestones).
#: Milestone: (code, name, planned start, planned finish, actual start, actual finish, percent, depends on).
INITIATIVES = (
    ("PA_LINE3_LEAN", "Lean conversion of assembly line 3", "PLANT_A", "UNIT_HEAD", 420, "active", "jvandijk",
     "2026-02-02", ("OEE_PCT", "FPY_PCT", "SCRAP_PCT"), ("U_OPS_MFG_PLANT_A",), (3, 5, 20), "public", (
         ("M1", "Value-stream map and baseline", "2026-02-16", "2026-03-27", "2026-02-16", "2026-03-25", None, ()),
         ("M2", "Cell layout redesign", "2026-03-30", "2026-06-12", "2026-04-02", "2026-06-16", None, ("M1",)),
         ("M3", "Line 3 rebuild in the summer shutdown", "2026-07-20", "2026-08-28", "2026-07-20", "2026-08-31",
          None, ("M2",)),
         ("M4", "Standard work and operator training", "2026-09-01", "2026-10-30", "2026-09-28", None, 60, ("M3",)),
         ("M5", "Stabilise OEE at 85%", "2026-11-16", "2026-12-18", None, None, None, ("M4",)))),
    ("PA_PREDICT_MAINT", "Predictive maintenance on the presses", "PLANT_A_MAINT", "UNIT_HEAD", 260, "active",
     "jvandijk", "2026-03-16", ("MTBF", "MTTR", "PLANNED_MAINT"), ("U_MAINT_PLANT_A",), (0, 5, 20), "public", (
         ("M1", "Vibration sensors on presses 1-4", "2026-04-06", "2026-06-26", "2026-04-06", "2026-06-24", None, ()),
         ("M2", "Condition-monitoring platform live", "2026-07-01", "2026-09-30", "2026-07-01", "2026-09-29", None,
          ("M1",)),
         ("M3", "Failure models trained and validated", "2026-10-01", "2026-12-18", "2026-10-01", None, 65, ("M2",)),
         ("M4", "Maintenance plans switched to condition-based", "2027-01-04", "2027-03-26", None, None, None,
          ("M3",)))),
    ("PB_SMED", "SMED programme for the moulding shop", "PLANT_B", "UNIT_HEAD", 150, "active", "fweber",
     "2026-02-16", ("CHANGEOVER_MIN", "OEE_PCT"), ("U_SMED_PLANT_B",), (0, 5, 20), "public", (
         ("M1", "Changeover video analysis", "2026-03-02", "2026-04-10", "2026-03-02", "2026-04-08", None, ()),
         ("M2", "Quick-clamp tooling", "2026-04-13", "2026-07-31", "2026-04-20", "2026-08-14", None, ("M1",)),
         ("M3", "Roll-out to all twelve presses", "2026-08-03", "2026-12-11", "2026-08-10", None, 70, ("M2",)))),
    ("DCN_AUTOSTORE", "Automated small-parts storage in Hamburg", "DC_NORTH", "UNIT_HEAD", 1000, "active",
     "ahansen", "2026-01-05", ("LINES_PER_HOUR", "PICK_ACCURACY"), ("U_OPS_DC_DC_NORTH",), (0, 5, 20), "public", (
         ("M1", "Vendor selection", "2026-01-12", "2026-03-13", "2026-01-12", "2026-03-13", None, ()),
         ("M2", "Site preparation", "2026-03-16", "2026-05-29", "2026-03-16", "2026-05-27", None, ("M1",)),
         ("M3", "Grid and robots installed", "2026-06-01", "2026-10-30", "2026-06-01", "2026-11-03", None, ("M2",)),
         ("M4", "Go-live and ramp-up", "2026-11-02", "2027-01-29", "2026-11-09", None, 15, ("M3",)))),
    ("RET_SELF_CHECKOUT", "Self-checkout in forty stores", "RETAIL", "UNIT_HEAD", 600, "active", "nkowalski",
     "2026-04-01", ("CONVERSION_RATE", "CSAT_PCT"), ("U_STORE_EXP_RETAIL",), (5, 7, 30), "public", (
         ("M1", "Pilot in three stores", "2026-05-04", "2026-07-31", "2026-05-04", "2026-07-24", None, ()),
         ("M2", "Wave 1: fifteen stores", "2026-09-01", "2026-11-27", "2026-09-01", None, 90, ("M1",)),
         ("M3", "Wave 2: twenty-two stores", "2027-01-11", "2027-04-30", None, None, None, ("M2",)))),
    ("FS_MOBILE_WO", "Mobile work orders for technicians", "FIELD_SVC", "UNIT_HEAD", 180, "active", "dobrien",
     "2026-01-19", ("MOBILE_WO_PCT", "FIRST_TIME_FIX"), ("U_DIG_FS_FIELD_SVC",), (0, 5, 20), "public", (
         ("M1", "App configuration", "2026-02-02", "2026-04-30", "2026-02-02", "2026-04-30", None, ()),
         ("M2", "Training of 120 technicians", "2026-05-04", "2026-07-17", "2026-05-04", "2026-07-10", None, ("M1",)),
         ("M3", "Paper work orders retired", "2026-09-01", "2026-10-30", "2026-09-01", "2026-10-28", None, ("M2",)))),
    ("GRP_MASTER_DATA", "Group master-data clean-up", "GROUP", "PERFORMANCE_LEAD", 90, "active", "mvega",
     "2026-05-18", (), ("C_DIGITAL",), (0, 10, 30), "public", (
         ("M1", "Data-quality rules agreed", "2026-06-01", "2026-07-31", "2026-06-01", "2026-07-29", None, ()),
         ("M2", "Supplier master cleansed", "2026-08-03", "2026-11-13", "2026-08-10", None, 80, ("M1",)),
         ("M3", "Customer master cleansed", "2026-12-01", "2027-02-26", None, None, None, ("M2",)))),
    ("ECOM_REPLATFORM", "Web-shop re-platforming", "ECOMMERCE", "UNIT_HEAD", 750, "active", "ypatel",
     "2026-03-02", ("WEB_UPTIME", "CONVERSION_RATE"), ("U_WEB_ECOMMERCE",), (0, 5, 20), "internal", (
         ("M1", "Platform selection", "2026-03-16", "2026-05-08", "2026-03-16", "2026-05-06", None, ()),
         ("M2", "Catalogue and checkout migrated", "2026-05-11", "2026-12-04", "2026-05-11", None, 75, ("M1",)),
         ("M3", "Old shop switched off", "2027-01-11", "2027-02-12", None, None, None, ("M2",)))),
    ("PKG_CARVE_OUT", "Carve-out of packaging IT and finance", "PACKAGING", "UNIT_HEAD", 1400, "active",
     "ebianchi", "2026-04-13", ("RESTRUCT_COST",), ("U_CASH_PACKAGING",), (0, 5, 20), "confidential", (
         ("M1", "Data room ready", "2026-05-04", "2026-06-30", "2026-05-04", "2026-06-29", None, ()),
         ("M2", "Transitional services agreed", "2026-07-01", "2026-09-30", "2026-07-06", None, 40, ("M1",)),
         ("M3", "Day-one separation", "2026-12-01", "2027-03-31", None, None, None, ("M2",)))),
)


#: Initiatives closed once everything was delivered: (code, who, day).
CLOSED = (("FS_MOBILE_WO", "dobrien", "2026-11-02"),)


def _at(day: str, hour: int, days_later: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=timezone.utc) + timedelta(days=days_later)


def _events(now: datetime) -> list[tuple[datetime, int, str, tuple]]:
    """Every write of the demo as (when, initiative order, kind, arguments), to be replayed in time order."""
    events = []
    for n, spec in enumerate(INITIATIVES):
        code, status, who, planned_on, milestones = spec[0], spec[5], spec[6], spec[7], spec[12]
        events.append((_at(planned_on, 9), n, "plan", (spec,)))
        starts = [m[4] for m in milestones if m[4]]
        if starts:
            events.append((_at(min(starts), 8), n, "status", (code, who, status, None)))
        for m_code, _, _, _, started, finished, percent, _ in milestones:
            # Progress is recorded the day after it happened.
            if started:
                events.append((_at(started, 17, 1), n, "milestone", (code, who, m_code, {"actual_start": started,
                                                                                         "percent_complete": 5})))
            if finished:
                events.append((_at(finished, 17, 1), n, "milestone", (code, who, m_code, {"actual_finish": finished})))
            elif percent:
                events.append((now - timedelta(days=5), n, "milestone", (code, who, m_code,
                                                                         {"percent_complete": percent})))
    for code, who, day in CLOSED:
        events.append((_at(day, 10), 99, "status", (code, who, "done", "all milestones delivered")))
    return sorted(events, key=lambda e: (e[0], e[1]))


def _plan(conn, spec: tuple, when: datetime) -> None:
    code, name, unit, role, budget, _, who, _, kpis, objectives, (grace, amber, red), level, milestones = spec
    a = {"actor": who, "now": when}
    initiatives.add_initiative(conn, code, name, unit=unit, owner_role=role, budget=budget, status="planned",
                               late_start_grace_days=grace, slip_amber_days=amber, slip_red_days=red,
                               confidentiality=level, **a)
    for kpi in kpis:
        initiatives.link(conn, code, kpi=kpi, **a)
    for objective in objectives:
        initiatives.link(conn, code, objective=objective, **a)
    for m_code, m_name, ps, pf, _, _, _, deps in milestones:
        initiatives.add_milestone(conn, code, m_code, m_name, planned_start=ps, planned_finish=pf, depends_on=deps,
                                  **a)


def populate(conn, *, now: datetime) -> None:
    """Plan and progress the demo initiatives in date order, then refresh the alerts on ``now``'s date."""
    for when, _, kind, args in _events(now):
        if when > now:
            continue
        if kind == "plan":
            _plan(conn, args[0], when)
        elif kind == "status":
            code, who, status, reason = args
            initiatives.update_initiative(conn, code, status=status, reason=reason, actor=who, now=when)
        else:
            code, who, milestone, changes = args
            initiatives.update_milestone(conn, code, milestone, actor=who, now=when, **changes)
    initiatives.refresh_alerts(conn, today=now.date(), actor="demo", now=now)
