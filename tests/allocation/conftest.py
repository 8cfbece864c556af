"""A small allocation round on the mini company: 2 criteria, 3 requests (one from confidential BU_B)."""

from __future__ import annotations

import pytest

from pmtui.services import allocation
from tests.builders import NOW


def build_round(conn, now=NOW) -> None:
    """Round R1 (budget 100): NPV (financial, 1) and SAFE (non-financial, 1); A1, A2 from BU_A, B1 from BU_B."""
    a = {"actor": "admin", "now": now}
    allocation.add_round(conn, "R1", "Round one", 100, **a)
    allocation.add_criterion(conn, "R1", "NPV", "Net present value", "financial", 1, **a)
    allocation.add_criterion(conn, "R1", "SAFE", "Safety", "non_financial", 1, **a)
    allocation.add_request(conn, "R1", "A1", "BU_A", "Robot", "AUTOMATION", 60, actor="ann", now=now)
    allocation.add_request(conn, "R1", "A2", "BU_A", "Guarding", "AUTOMATION", 50, actor="ann", now=now)
    allocation.add_request(conn, "R1", "B1", "BU_B", "Secret line", "MACHINERY", 30, **a)
    for code, npv, safe in (("A1", 9, 3), ("A2", 2, 8), ("B1", 7, 7)):
        allocation.score(conn, code, "NPV", npv, **a)
        allocation.score(conn, code, "SAFE", safe, **a)


@pytest.fixture
def alloc(mini):
    """The mini company with round R1."""
    build_round(mini)
    return mini


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for the pilot tests)."""
    return demo_db
