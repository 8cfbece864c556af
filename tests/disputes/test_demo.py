"""The disputes area's demo data, and the commentary rule on the demo's pending values."""

from __future__ import annotations

import pytest

from pmtui.services import commentary, committees, disputes
from pmtui.services import measurements as ms
from pmtui.services.errors import PmError
from pmtui.store.db import connect
from tests.builders import NOW


@pytest.fixture
def conn(demo_db):
    c = connect(demo_db)
    yield c
    c.close()


def test_committee_and_disputes(conn):
    board = committees.get(conn, "PGC")
    assert board["name"] == "Performance Governance Committee" and "demo" in board["members"]
    rows = {d["code"]: d for d in disputes.list_disputes(conn)}
    assert {c: (d["kind"], d["status"], d["outcome"]) for c, d in rows.items()} == {
        "DSP-001": ("ownership", "decided", "upheld"), "DSP-002": ("attribution", "heard", None),
        "DSP-003": ("ownership", "raised", None)}
    assert rows["DSP-001"]["owner_role"] == "UNIT_HEAD" and rows["DSP-001"]["decided_by"] != rows["DSP-001"]["raised_by"]
    assert rows["DSP-002"]["unit"] == "LOGISTICS"


def test_plant_a_october_is_fully_explained(conn):
    assert commentary.missing(conn, "PLANT_A", "2026-10") == []
    written = conn.execute("SELECT count(*) FROM commentaries c JOIN units u ON u.id = c.unit_id"
                           " WHERE u.code = 'PLANT_A' AND c.period = '2026-10'").fetchone()[0]
    assert written >= 5
    assert conn.execute("SELECT count(*) FROM commentaries c JOIN units u ON u.id = c.unit_id"
                        " WHERE u.code != 'PLANT_A'").fetchone()[0] >= 1


def test_the_rule_applies_to_approvals_after_its_adoption(conn):
    assert commentary.POLICY_SETTING and conn.execute("SELECT value FROM settings WHERE key = ?",
                                                      [commentary.POLICY_SETTING]).fetchone()[0] == "2026-11-10"
    assert commentary.required(conn, "ABSENTEEISM", "DC_SOUTH", "2026-09") == "red against its target"
    with pytest.raises(PmError, match="needs a complete commentary"):
        ms.decide(conn, "ABSENTEEISM", "DC_SOUTH", "2026-09", approve=True, actor="lrossi", now=NOW)
    assert ms.decide(conn, "ABSENTEEISM", "DC_SOUTH", "2026-08", approve=True, actor="lrossi", now=NOW)[
        "status"] == "approved"  # its commentary is in the demo
