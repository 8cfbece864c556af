"""A small, fully known company for service and CLI tests (the demo is for screens)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services import commentary, setup, users

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def build_mini(conn, now: datetime = NOW) -> None:
    """Group > region > two units; two KPIs; objectives cascaded; three months of data.

    Users: ``admin`` (everything), ``ann`` enters data for BU_A, ``bob`` approves everywhere.
    """
    a = {"actor": "system", "now": now}
    setup.initialise(conn, company="Mini Co", admin="admin", now=now)
    fw.create_unit(conn, "NORTH", "North", "region", "GROUP", **a)
    fw.create_unit(conn, "BU_A", "Unit A", "business_unit", "NORTH", **a)
    fw.create_unit(conn, "BU_B", "Unit B", "business_unit", "NORTH", confidentiality="confidential", **a)
    users.create_role(conn, "ANALYST", "Analyst", ["view", "enter_data"], **a)
    users.create_role(conn, "HEAD", "Unit head", ["view", "approve"], **a)
    users.create_user(conn, "ann", "Ann Analyst", **a)
    users.create_user(conn, "bob", "Bob Head", **a)
    users.assign_role(conn, "ann", "ANALYST", "BU_A", date(2020, 1, 1), **a)
    users.assign_role(conn, "bob", "HEAD", None, date(2020, 1, 1), **a)
    fw.create_kpi(conn, "REV", name="Revenue", uom="EUR k", direction="higher", perspective="FIN", **a)
    fw.create_kpi(conn, "DEFECTS", name="Defect rate", uom="ppm", direction="lower", perspective="INT", **a)
    fw.create_objective(conn, "GROW", "Grow revenue", level="corporate", unit="GROUP", perspective="FIN", **a)
    fw.create_objective(conn, "QUALITY", "Zero defects", level="corporate", unit="GROUP", perspective="INT", **a)
    fw.create_objective(conn, "GROW_A", "Grow revenue in A", level="unit", unit="BU_A", perspective="FIN",
                        parent="GROW", **a)
    fw.create_objective(conn, "QUALITY_A", "Fewer defects in A", level="unit", unit="BU_A", perspective="INT",
                        parent="QUALITY", **a)
    fw.link_kpi(conn, "GROW_A", "REV", **a)
    fw.link_kpi(conn, "QUALITY_A", "DEFECTS", **a)
    for period, rev, defects in (("2026-07", 100, 500), ("2026-08", 95, 650), ("2026-09", 80, 900)):
        fw.set_target(conn, "REV", "BU_A", period, 100, 90, **a)
        fw.set_target(conn, "DEFECTS", "BU_A", period, 500, 700, **a)
        ms.enter_value(conn, "REV", "BU_A", period, str(rev), submit=True, actor="ann", now=now)
        ms.enter_value(conn, "DEFECTS", "BU_A", period, str(defects), submit=True, actor="ann", now=now)
        if period != "2026-09":
            ms.decide(conn, "REV", "BU_A", period, approve=True, actor="bob", now=now)
            ms.decide(conn, "DEFECTS", "BU_A", period, approve=True, actor="bob", now=now)


def explain(conn, kpi: str, unit: str, period: str, *, actor: str = "admin", now: datetime = NOW) -> None:
    """Write a complete commentary, which approving a red or SPC-concern value needs (M7.5)."""
    commentary.write(conn, kpi, unit, period, what_happened=f"{kpi} at {unit} moved away from plan in {period}.",
                     why="A cause that this test does not need to model in detail.",
                     what_next="The owner follows it up and reports back at the next review.", actor=actor, now=now)
