"""Demo data of the action register, root-cause analyses and a revise-or-hold decision.

Everything goes through the services as the demo company's people would do it, on the
dates they would have done it, so the audit trail tells the same story. At the demo's
"now" (2026-11-26) several actions are overdue, among them open PLANT_A actions that the
showcase review (PLANT_A-2026-10) carries on its agenda. The PLANT_B on-time-delivery
shift of November 2025 (the ERP go-live) is analysed, judged internal and the target
held. Execution alerts raised by the initiatives demo each get a recovery action.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from pmtui.services import actions, root_causes, target_decisions

#: Alert-sourced actions added at most (one per open execution alert).
ALERT_ACTIONS = 2


class Rca(NamedTuple):
    """A root-cause analysis: opened by ``by`` on ``opened``, closed by ``closer`` when given."""

    key: str
    kpi: str
    unit: str
    period: str
    template: str
    problem: str
    content: tuple  # whys, or (category, cause) pairs for a fishbone
    opened: str
    by: str
    root_cause: str = ""
    classification: str | None = None
    closer: str | None = None
    closed: str | None = None


class Act(NamedTuple):
    """An action and what happened to it; ``rca`` names the analysis it follows from."""

    unit: str
    title: str
    owner: str
    kpi: str | None
    raised: str
    due: str
    by: str = "demo"
    rca: str | None = None
    started: str | None = None
    notes: tuple = ()  # (date, user, text)
    end: tuple | None = None  # (date, user, "done" | "cancelled", note)
    level: str = "public"


RCAS = (
    Rca("otd_b", "OTD_PCT", "PLANT_B", "2025-12", "five_whys",
        "On-time delivery fell from about 89% to 84% after the ERP go-live in November 2025",
        ("Orders were released to the shop floor late",
         "The overnight MRP run finished after the morning release window",
         "Lead times were migrated with the new ERP's defaults",
         "The migration plan had no step to validate planning parameters"),
        "2026-01-08", "glambert", "ERP migration carried default lead times: no parameter validation step",
        "process", "fweber", "2026-01-15"),
    Rca("defects_a", "DEFECT_PPM", "PLANT_A", "2025-04", "fishbone",
        "Defects more than doubled in April 2025 on the X2 assembly",
        (("people", "Incoming inspection sampled too few connectors"),
         ("process", "Supplier changes are not flagged to quality"),
         ("technology", "Crimp height drifted on the supplier's line"),
         ("data", "Certificates of conformance not checked against the drawing revision"),
         ("external", "The supplier switched its housing sub-supplier")),
        "2025-05-02", "iholm", "The supplier changed a sub-supplier unannounced and incoming inspection missed it",
        "process", "jvandijk", "2025-05-09"),
    Rca("ltif_c", "LTIF", "DC_CENTRAL", "2024-07", "five_whys", "Two forklift collisions in July 2024",
        ("The forklift hit a racking upright at speed", "The driver exceeded the 6 km/h aisle limit",
         "The driver skipped the speed rule to catch up on a rush wave",
         "Earlier warnings to the same driver had no follow-up"),
        "2024-08-01", "glambert", "One driver repeatedly ignored the aisle speed limit despite warnings",
        "individual", "sdubois", "2024-08-06"),
    Rca("scan_n", "PICK_ACCURACY", "DC_NORTH", "2025-08", "fishbone", "Pick accuracy dropped during the scanner outage",
        (("technology", "A scanner server patch failed overnight"), ("process", "No tested paper fallback"),
         ("people", "Temporary pickers never trained on paper lists")),
        "2025-08-29", "bnovak", "No tested fallback for a scanner outage", "process", "ahansen", "2025-09-02"),
    Rca("turnover_s", "STAFF_TURNOVER", "DC_SOUTH", "2025-05", "fishbone",
        "Picker turnover up by a third since March 2025",
        (("external", "A competitor opened a warehouse next door paying 8% more"),
         ("people", "Senior pickers approached directly"), ("process", "Pay is reviewed once a year only")),
        "2025-06-02", "aferreira", "Pay fell below the new local market rate and the yearly review could not react",
        "process", "mgarcia", "2025-06-09"),
    Rca("complaints_a", "COMPLAINTS_PER_K", "PLANT_A", "2026-10", "five_whys",
        "Complaints per thousand units have stayed above the centre line since spring 2026",
        ("Customers report loose connectors on model X2", "Crimp tool wear is not monitored"),
        "2026-10-05", "demo"),
)

ACTIONS = (
    Act("PLANT_A", "Clear the X2 connector complaints backlog", "jvandijk", "COMPLAINTS_PER_K", "2026-10-06",
        "2026-11-13", rca="complaints_a", started="2026-10-08",
        notes=(("2026-10-20", "iholm", "Backlog down from 140 to 65 open cases"),
               ("2026-11-12", "jvandijk", "Two customers escalated; need another week"))),
    Act("PLANT_A", "Review overtime booked against the maintenance budget", "jvandijk", "OPEX", "2026-10-20",
        "2026-11-20"),
    Act("PLANT_A", "Re-qualify the connector supplier after the bad batch", "rdasilva", "DEFECT_PPM", "2025-05-12",
        "2025-06-30", rca="defects_a", started="2025-05-14",
        notes=(("2025-06-03", "rdasilva", "Audit at supplier done; 3 findings"),),
        end=("2025-06-20", "rdasilva", "done", "Supplier re-qualified with a change-notification clause")),
    Act("PLANT_A", "Run engagement follow-up workshops per shift", "ofarrell", "ENGAGEMENT", "2026-10-12",
        "2026-12-18", by="jvandijk"),
    Act("PLANT_A_MAINT", "Introduce the planned-maintenance checklist on line 2", "jvandijk", "PLANNED_MAINT",
        "2026-09-14", "2027-01-15", started="2026-09-20",
        notes=(("2026-10-30", "iholm", "Checklist drafted, trial on night shift"),)),
    Act("PLANT_B", "Validate MRP lead times and release window after the ERP go-live", "fweber", "OTD_PCT",
        "2026-01-16", "2026-03-31", rca="otd_b", started="2026-01-19",
        end=("2026-03-25", "fweber", "done", "Lead times corrected for 1,840 parts; release at 05:00")),
    Act("PLANT_B", "Weekly on-time delivery recovery review with planning", "fweber", "OTD_PCT", "2026-04-02",
        "2026-12-31", started="2026-04-09", notes=(("2026-09-30", "fweber", "OTD stable at 84%: not recovered"),)),
    Act("PLANT_B", "Find the cause of the moulding MES downtime", "glambert", "SYSTEM_UPTIME", "2026-11-10",
        "2026-11-24", notes=(("2026-11-18", "glambert", "Vendor ticket opened; logs sent"),)),
    Act("PLANT_B", "Bridge October cost per unit against budget", "knakamura", "COST_PER_UNIT", "2026-11-12",
        "2026-12-05"),
    Act("DC_NORTH", "Replace the handheld scanners on aisles 10-18", "ahansen", "PICK_ACCURACY", "2025-09-03",
        "2025-10-31", rca="scan_n", end=("2025-10-28", "ahansen", "done", "42 scanners replaced")),
    Act("DC_NORTH", "Rehearse the paper-picking fallback", "bnovak", "PICK_ACCURACY", "2026-10-15", "2026-11-06",
        by="ahansen", started="2026-10-19", notes=(("2026-11-02", "bnovak", "Day shift rehearsed; nights pending"),)),
    Act("DC_CENTRAL", "Retrofit forklift speed limiters", "sdubois", "LTIF", "2024-08-07", "2024-10-31",
        rca="ltif_c", end=("2024-10-15", "sdubois", "done", "All 14 trucks limited to 6 km/h in aisles")),
    Act("DC_CENTRAL", "Performance conversation with the driver and shift lead", "sdubois", "LTIF", "2024-08-07",
        "2024-08-31", rca="ltif_c", level="confidential",
        end=("2024-08-20", "sdubois", "done", "Written warning issued; shift lead coached")),
    Act("DC_CENTRAL", "Cycle count of high-value SKUs", "glambert", "STOCK_ACCURACY", "2026-11-03", "2026-11-30",
        by="sdubois"),
    Act("DC_SOUTH", "Propose a retention bonus for senior pickers", "mgarcia", "STAFF_TURNOVER", "2025-06-10",
        "2025-08-31", rca="turnover_s", end=("2025-08-22", "mgarcia", "done", "Bonus approved from September 2025")),
    Act("DC_SOUTH", "Analyse the Q3 exit interviews", "ofarrell", "STAFF_TURNOVER", "2026-10-01", "2026-10-30",
        by="mgarcia"),
    Act("RETAIL", "Shrinkage audit in three stores", "nkowalski", "SHRINKAGE_PCT", "2026-09-15", "2026-12-12",
        started="2026-09-21", notes=(("2026-10-25", "aferreira", "Store 7 done: shrinkage 2.1%"),)),
    Act("RETAIL", "Review the margin mix of the autumn promotions", "nkowalski", "GROSS_MARGIN_PCT", "2026-11-05",
        "2026-12-20"),
    Act("FIELD_SVC", "Write a firmware rollback procedure for controllers", "dobrien", "COMPLAINTS_PER_K",
        "2025-02-20", "2025-03-31", end=("2025-03-28", "dobrien", "done", "Procedure FS-17 released")),
    Act("FIELD_SVC", "Review subcontractor rates behind the OPEX shift", "dobrien", "OPEX", "2026-11-02",
        "2026-11-20"),
    Act("FIELD_SVC", "Pilot drone inspections of rooftop units", "dobrien", None, "2026-06-01", "2026-09-30",
        end=("2026-07-15", "dobrien", "cancelled", "Insurance does not cover drone flights")),
    Act("ECOMMERCE", "Move checkout to a second availability zone", "ypatel", "WEB_UPTIME", "2026-11-04",
        "2026-12-15", started="2026-11-06", notes=(("2026-11-20", "zokafor", "Failover tested in staging"),)),
    Act("LOGISTICS", "Toll-optimised routing in the transport system", "kschmidt", "COST_PER_KM", "2026-02-10",
        "2026-06-30", notes=(("2026-04-15", "bnovak", "Toll tariffs loaded for 3 countries"),),
        end=("2026-06-12", "kschmidt", "done", "Routing live; tolls cut by 4%")),
    Act("PACKAGING", "Prepare the data room for the buyer", "ebianchi", None, "2026-10-01", "2026-12-01",
        started="2026-10-05", level="confidential"),
    Act("GROUP", "Publish the 2027 target-setting calendar", "demo", None, "2026-11-02", "2026-12-10", by="mvega"),
)

#: The revise-or-hold decision of the demo.
DECISION = {"kpi": "OTD_PCT", "unit": "PLANT_B", "period": "2026-10", "decision": "hold", "origin": "internal",
            "rationale": "The shift is our own ERP migration (see the root cause): fix planning, keep the target"}


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


def _analyse(conn, r: Rca) -> int:
    is_fishbone = r.template == "fishbone"
    fishbone: dict[str, list[str]] = {}
    for category, cause in (r.content if is_fishbone else ()):
        fishbone.setdefault(category, []).append(cause)
    row = root_causes.create(conn, r.kpi, r.unit, r.period, template=r.template, problem=r.problem,
                             whys=() if is_fishbone else r.content, fishbone=fishbone, actor=r.by, now=_at(r.opened))
    if r.closer:
        root_causes.close(conn, row["id"], root_cause=r.root_cause, classification=r.classification, actor=r.closer,
                          now=_at(r.closed, 15))
    return row["id"]


def _act(conn, a: Act, rca_ids: dict[str, int]) -> None:
    row = actions.add(conn, a.title, owner=a.owner, due_on=a.due, unit=a.unit, source="rca" if a.rca else "manual",
                      root_cause_id=rca_ids.get(a.rca), kpi=a.kpi, confidentiality=a.level, actor=a.by,
                      now=_at(a.raised))
    if a.started:
        actions.start(conn, row["id"], actor=a.owner, now=_at(a.started))
    for day, who, text in a.notes:
        actions.note(conn, row["id"], text, actor=who, now=_at(day, 16))
    if a.end:
        day, who, how, text = a.end
        (actions.close if how == "done" else actions.cancel)(conn, row["id"], text, actor=who, now=_at(day, 17))


def _alert_actions(conn, now: datetime) -> None:
    """One recovery action per open execution alert (up to :data:`ALERT_ACTIONS`), owned by the unit's head."""
    alerts = conn.execute(
        """SELECT e.id, m.name, i.code AS initiative, u.code AS unit, u.id AS unit_id
           FROM execution_alerts e JOIN milestones m ON m.id = e.milestone_id
           JOIN initiatives i ON i.id = m.initiative_id JOIN units u ON u.id = i.unit_id
           WHERE e.cleared_on IS NULL AND i.confidentiality != 'confidential' ORDER BY e.id LIMIT ?""",
        [ALERT_ACTIONS]).fetchall()
    for alert in alerts:
        head = conn.execute(
            """WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION SELECT u.parent_id, up.depth + 1 FROM units u
                                                JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)
               SELECT p.name FROM role_assignments a JOIN up ON up.id = a.unit_id JOIN roles r ON r.id = a.role_id
               JOIN users p ON p.id = a.user_id WHERE (' ' || r.permissions || ' ') LIKE '% approve %'
               ORDER BY up.depth, p.name LIMIT 1""", [alert["unit_id"]]).fetchone()
        if head is None:
            continue
        actions.add(conn, f"Recovery plan for milestone: {alert['name']}"[:200], owner=head[0],
                    due_on=(now + timedelta(days=14)).date().isoformat(), unit=alert["unit"], source="alert",
                    alert_id=alert["id"], initiative=alert["initiative"], actor="demo", now=now - timedelta(days=2))


def populate(conn, *, now: datetime) -> None:
    """Root-cause analyses, about 25 actions with notes, alert follow-ups and one hold decision."""
    rca_ids = {r.key: _analyse(conn, r) for r in RCAS}
    for a in ACTIONS:
        _act(conn, a, rca_ids)
    _alert_actions(conn, now)
    target_decisions.decide(conn, DECISION["kpi"], DECISION["unit"], DECISION["period"],
                            decision=DECISION["decision"], origin=DECISION["origin"], rationale=DECISION["rationale"],
                            actor="fweber", now=now - timedelta(days=6))
