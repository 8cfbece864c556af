"""A review-ready company: the mini company plus exceptions of every kind at BU_A for 2026-10.

* OTD (owner role HEAD) at BU_A: 14 steady months, then 70 in 2026-10: an SPC concern, and red;
* SCRAP (owner role QUALITY) at BU_A: red in 2026-10 but common-cause variation; red at BU_B
  (a confidential unit) too;
* initiative LEAN at BU_A: milestone M1 should have started on 2026-09-01 (late start);
* action 1 at BU_A, owned by ann, due 2026-10-20: overdue on 2026-11-26;
* REV and DEFECTS have no 2026-10 value at BU_A: stale.

People: carl heads BU_A (chair), dina is QUALITY for NORTH, eve heads BU_B, fred is QUALITY
for BU_B, bob approves group-wide (HEAD), ann is an analyst at BU_A, admin may do anything.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pmtui.core import periods
from pmtui.services import actions, commentary, initiatives, users
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.store.db import connect
from tests.builders import NOW, build_mini

OTD = [95.2, 94.8, 95.5, 94.9, 95.1, 95.3, 94.7, 95.0, 95.4, 94.6, 95.2, 94.9, 95.1, 95.0, 70.0]
SCRAP = [2.0, 2.4] * 7 + [2.3]
MONTHS = periods.span("2025-08", "2026-10")
EARLIER = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def _series(conn, kpi, unit, values, target, amber, enterer):
    a = {"actor": "system", "now": NOW}
    for period, value in zip(MONTHS[-len(values):], values):
        fw.set_target(conn, kpi, unit, period, target, amber, **a)
        ms.enter_value(conn, kpi, unit, period, str(value), submit=True, actor=enterer, now=NOW)
        ms.decide(conn, kpi, unit, period, approve=True, actor="bob", now=NOW)


def build_company(conn) -> None:
    """The mini company plus the exceptions described in the module doc."""
    build_mini(conn)
    a = {"actor": "system", "now": NOW}
    # The commentary gate (M7.5) would ask for commentary before approving red values: adopted later here.
    fw.set_setting(conn, commentary.POLICY_SETTING, "2100-01-01", **a)
    users.create_role(conn, "QUALITY", "Quality lead", ["view", "enter_data", "approve"], **a)
    for name, role, unit in (("carl", "HEAD", "BU_A"), ("dina", "QUALITY", "NORTH"), ("eve", "HEAD", "BU_B"),
                             ("fred", "QUALITY", "BU_B")):
        users.create_user(conn, name, name.title(), **a)
        users.assign_role(conn, name, role, unit, date(2020, 1, 1), **a)
    fw.create_kpi(conn, "OTD", name="On-time delivery", uom="%", direction="higher", perspective="CUS",
                  owner_role="HEAD", **a)
    fw.create_kpi(conn, "SCRAP", name="Scrap rate", uom="%", direction="lower", perspective="INT",
                  owner_role="QUALITY", **a)
    fw.link_kpi(conn, "QUALITY_A", "OTD", **a)
    fw.link_kpi(conn, "QUALITY_A", "SCRAP", **a)
    fw.create_objective(conn, "QUALITY_B", "Less scrap in B", level="unit", unit="BU_B", perspective="INT",
                        parent="QUALITY", **a)
    fw.link_kpi(conn, "QUALITY_B", "SCRAP", **a)
    _series(conn, "OTD", "BU_A", OTD, 95, 90, "ann")
    _series(conn, "SCRAP", "BU_A", SCRAP, 1.5, 2.0, "ann")
    _series(conn, "SCRAP", "BU_B", [3.1], 1.5, 2.0, "admin")
    initiatives.add_initiative(conn, "LEAN", "Lean line", unit="BU_A", owner_role="HEAD", status="active",
                               actor="admin", now=NOW)
    initiatives.add_milestone(conn, "LEAN", "M1", "Line 2 rebuilt", planned_start="2026-09-01",
                              planned_finish="2026-10-15", actor="admin", now=NOW)
    actions.add(conn, "Recalibrate the gauge", owner="ann", due_on="2026-10-20", unit="BU_A", source="manual",
                actor="bob", now=EARLIER)


@pytest.fixture
def co():
    """An in-memory connection holding the review-ready company."""
    conn = connect(":memory:")
    build_company(conn)
    yield conn
    conn.close()


@pytest.fixture
def co_db(tmp_path):
    """Path of a file holding the review-ready company (with its anchor)."""
    from pmtui.services import anchor

    path = tmp_path / "co.db"
    conn = connect(path)
    build_company(conn)
    anchor.write(conn, path, NOW)
    conn.close()
    return path


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for the pilot tests and snapshots)."""
    return demo_db
