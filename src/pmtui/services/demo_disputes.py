"""Demo data of the disputes area: the Performance Governance Committee, three disputes
and standardised commentaries, all written through the services as demo users.

* ``PGC``, set up by mvega, with the finance controller, the QHSE and HR leads, the
  region head North, mvega and ``demo`` (so the demo user can hear and decide).
* DSP-001 (ownership, decided and upheld): energy per unit moves from the QHSE lead to
  the unit heads, who control line scheduling. DSP-002 (attribution, heard): PLANT_A's
  complaints blamed on transport damage, to be answered for by Northwind Logistics.
  DSP-003 (ownership, raised): who owns absenteeism.
* Commentaries for PLANT_A's red or SPC-concern values of 2026-10 (the October close
  was the pilot of standardised commentary; it became mandatory on 2026-11-10), and a
  few others. Only values that do need one get one; the figures come from the data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pmtui.services import commentary, committees, disputes
from pmtui.services.errors import PmError

COMMITTEE = ("PGC", "Performance Governance Committee",
             "Rules on disputes over who owns a metric and to whom a result is attributed, across units"
             " and functions; its decisions change ownership and RACI.")
MEMBERS = ("mvega", "knakamura", "rdasilva", "ofarrell", "pjanssen", "demo")

#: (kind, kpi, unit, proposed role, raiser, claim, hearing (who, notes) or None, decision (who, outcome, text) or None)
DISPUTES = (
    ("ownership", "ENERGY_PER_UNIT", None, "UNIT_HEAD", "rdasilva",
     "Energy per unit is set by line scheduling and machine run times, which the plant heads control;"
     " QHSE only measures and reports it.",
     ("knakamura", "QHSE and both plant heads presented: 80% of energy use follows the production plan and"
                   " idle running of presses; QHSE has no lever on either."),
     ("mvega", "upheld", "Ownership of energy per unit moves to the unit heads from the November close;"
                         " QHSE keeps the measurement method and the CO2 factors.")),
    ("attribution", "COMPLAINTS_PER_K", "LOGISTICS", "UNIT_HEAD", "jvandijk",
     "Two thirds of PLANT_A's complaints since August are transport damage on the Benelux routes; that part"
     " of the result belongs to Northwind Logistics and its head should answer for it.",
     ("knakamura", "Complaint codes for August to October reviewed with Logistics: transport damage is 58% of"
                   " complaints, packaging specification 15%. Logistics asks to see the carrier reports first."),
     None),
    ("ownership", "ABSENTEEISM", None, "UNIT_HEAD", "ofarrell",
     "Absence is managed day to day by line managers in the units; HR sets the policy and the return-to-work"
     " process but cannot act on a unit's absence rate.", None, None),
)

#: (unit, period, kpi, writer, what happened, why, what next); {value} and {target} come from the data.
COMMENTARIES = (
    ("PLANT_A", "2026-10", "OPEX", "iholm",
     "Operating expenses reached {value} EUR k against a target of {target}, the second month above plan.",
     "An unplanned overhaul of press line 2 and weekend overtime to recover the backlog added most of the gap.",
     "The overhaul goes to the capex review; overtime is capped from November and tracked weekly by the controller."),
    ("PLANT_A", "2026-10", "BAD_DEBT_PCT", "iholm",
     "Bad-debt write-offs were {value}% of revenue against a target of {target}%.",
     "One distributor in Belgium entered insolvency proceedings with three invoices open since July.",
     "Credit limits for distributors are reviewed with finance; claims are filed with the administrator."),
    ("PLANT_A", "2026-10", "COST_PER_UNIT", "iholm",
     "Conversion cost per unit rose to {value} EUR against a target of {target} EUR.",
     "Volumes dropped while the overhaul and overtime costs stayed fixed, so each unit carried more cost.",
     "Volume recovers with the December orders; the cost bridge is presented at the November review."),
    ("PLANT_A", "2026-10", "CO2_TOTAL", "iholm",
     "Scope 1 and 2 emissions were {value} t CO2e against a target of {target}.",
     "The gas-fired backup boiler ran for nine days while the heat pump was repaired.",
     "The heat pump is back since 28 October; a spare compressor is ordered to avoid a repeat."),
    ("PLANT_A", "2026-10", "ENERGY_PER_UNIT", "iholm",
     "Energy per unit was {value} kWh against a target of {target} kWh.",
     "Presses idled between short runs during the backlog recovery, and volume per shift was lower.",
     "Planning groups short runs by tool from November; idle presses are switched off after twenty minutes."),
    ("PLANT_A", "2026-10", "CO2_PER_UNIT", "iholm",
     "CO2 per unit was {value} g against a target of {target} g per unit.",
     "Follows from the backup boiler running and from more energy per unit during short production runs.",
     "Expected back within the amber band once the heat pump runs a full month and run lengths recover."),
    ("PLANT_A", "2026-10", "ABSENTEEISM", "iholm",
     "Absenteeism was {value}% against a target of {target}%, mostly on the night shift of assembly.",
     "A flu wave in the second half of October on top of two long-term absences in the assembly team.",
     "Return-to-work talks for the long-term cases; flu vaccination offered on site in November."),
    ("PLANT_A", "2026-10", "COMPLAINTS_PER_K", "iholm",
     "Complaints per thousand orders were {value}, a sustained shift upwards on the SPC chart since summer.",
     "Transport damage on the Benelux routes accounts for most new complaints, see dispute DSP-002.",
     "Packaging specification is being reinforced; the committee decides who answers for transport damage."),
    ("PLANT_B", "2026-10", "OTD_PCT", "glambert",
     "On-time delivery fell to {value}% against a target of {target}% at Brno.",
     "The moulding shop lost four days to a resin shortage after a supplier missed two deliveries.",
     "A second resin supplier is qualified in November; safety stock is raised to ten days meanwhile."),
    ("DC_SOUTH", "2026-08", "ABSENTEEISM", "aferreira",
     "Absenteeism in Milan was {value}% against a target of {target}% during the August peak.",
     "Heat-related absences in the non-air-conditioned picking zone during two weeks of heat warnings.",
     "Mobile cooling units are installed before next summer; shifts start earlier during heat warnings."),
)


def _disputes(conn, now: datetime) -> None:
    start = now - timedelta(days=86)  # 2026-09-01 with the demo's clock
    code, name, purpose = COMMITTEE
    committees.add(conn, code, name, purpose=purpose, members=MEMBERS, actor="mvega", now=start)
    for index, (kind, kpi, unit, role, raiser, claim, hearing, decision) in enumerate(DISPUTES):
        raised = start + timedelta(days=14 + 30 * index)
        row = disputes.raise_dispute(conn, kind=kind, kpi=kpi, unit=unit, proposed_role=role, claim=claim,
                                     committee=code, actor=raiser, now=raised)
        if hearing:
            disputes.hear(conn, row["code"], hearing[1], actor=hearing[0], now=raised + timedelta(days=21))
        if decision:
            disputes.decide(conn, row["code"], decision[1], decision[2], actor=decision[0],
                            now=raised + timedelta(days=35))


def _commentaries(conn, now: datetime) -> None:
    written = now - timedelta(days=20)  # after the October values were entered, before most were approved
    for unit, period, kpi, writer, happened, why, next_ in COMMENTARIES:
        try:
            facts = commentary.get(conn, kpi, unit, period)
        except PmError:
            continue  # the KPI or unit is not in this demo definition
        if not facts["required"]:
            continue  # only values that need explaining get a commentary
        figures = {"value": f"{facts['value']:g}", "target": "-" if facts["target"] is None else f"{facts['target']:g}"}
        commentary.write(conn, kpi, unit, period, what_happened=happened.format(**figures), why=why,
                         what_next=next_, actor=writer, now=written)


def populate(conn, *, now: datetime) -> None:
    """Add the committee, the disputes and the commentaries (see the module docstring)."""
    _disputes(conn, now)
    _commentaries(conn, now)
