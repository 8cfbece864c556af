"""Initiatives on the mini company: one in BU_A, one confidential in BU_B."""

from __future__ import annotations

import pytest

from pmtui.services import initiatives
from tests.builders import NOW

A = {"actor": "admin", "now": NOW}


def build_initiatives(conn, now=NOW) -> None:
    """LEAN_A (BU_A, linked to DEFECTS and QUALITY_A): M1 done on time, M2 late (not started), M3 future;
    SECRET_B (confidential unit BU_B): S1 slipping."""
    a = {"actor": "admin", "now": now}
    initiatives.add_initiative(conn, "LEAN_A", "Lean line A", unit="BU_A", owner_role="HEAD", budget=120,
                               status="active", **a)
    initiatives.link(conn, "LEAN_A", kpi="DEFECTS", **a)
    initiatives.link(conn, "LEAN_A", objective="QUALITY_A", **a)
    initiatives.add_milestone(conn, "LEAN_A", "M1", "Design", planned_start="2026-09-01",
                              planned_finish="2026-10-01", actual_start="2026-09-01", actual_finish="2026-10-01", **a)
    initiatives.add_milestone(conn, "LEAN_A", "M2", "Build", planned_start="2026-10-01", planned_finish="2026-11-30",
                              depends_on=("M1",), **a)
    initiatives.add_milestone(conn, "LEAN_A", "M3", "Run", planned_start="2027-01-04", planned_finish="2027-02-26",
                              depends_on=("M2",), **a)
    initiatives.add_initiative(conn, "SECRET_B", "Secret project", unit="BU_B", budget=50, status="active", **a)
    initiatives.add_milestone(conn, "SECRET_B", "S1", "Hidden step", planned_start="2026-08-01",
                              planned_finish="2026-09-30", actual_start="2026-08-01", **a)


@pytest.fixture
def ini(mini):
    """The mini company with LEAN_A and SECRET_B."""
    build_initiatives(mini)
    return mini


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for the pilot tests)."""
    return demo_db
