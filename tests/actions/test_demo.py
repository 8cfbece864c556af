"""The demo's action register, root causes and revise-or-hold decision."""

from __future__ import annotations

import pytest

from pmtui.services import actions, root_causes, target_decisions
from pmtui.store.db import connect
from tests.builders import NOW


@pytest.fixture
def conn(demo_db):
    c = connect(demo_db)
    yield c
    c.close()


def test_about_25_actions_across_units_and_sources(conn):
    rows = actions.search(conn, today=NOW.date(), limit=500)
    mine = [r for r in rows if r["source"] in ("manual", "rca", "alert")]
    assert len(mine) >= 25
    assert {"manual", "rca", "alert"} <= {r["source"] for r in rows}
    assert len({r["unit"] for r in rows}) >= 10
    assert sum(r["status"] == "done" for r in rows) >= 8
    assert conn.execute("SELECT count(*) FROM action_notes").fetchone()[0] >= 8


def test_open_plant_a_actions_are_overdue_for_the_showcase_review(conn):
    overdue = actions.overdue(conn, unit="PLANT_A", today=NOW.date())
    titles = {r["title"]: r["days_overdue"] for r in overdue}
    assert titles["Clear the X2 connector complaints backlog"] == 13
    assert titles["Review overtime booked against the maintenance budget"] == 6
    assert len(actions.overdue(conn, today=NOW.date())) >= 5


def test_confidential_actions_stay_out_of_the_published_register(conn):
    hidden = {r["title"] for r in actions.search(conn, today=NOW.date(), limit=500)
              if r["confidentiality"] == "confidential" or r["unit"] == "PACKAGING"}
    assert "Performance conversation with the driver and shift lead" in hidden
    published = {r[0] for r in conn.execute("SELECT title FROM pub_actions")}
    assert published and not hidden & published


def test_root_causes_five_whys_fishbone_process_and_individual(conn):
    records = root_causes.search(conn, limit=100)
    assert {"five_whys", "fishbone"} <= {r["template"] for r in records}
    assert {"process", "individual"} <= {r["classification"] for r in records if r["status"] == "closed"}
    assert any(r["status"] == "open" and r["unit"] == "PLANT_A" for r in records)


def test_one_hold_decision_with_its_evidence(conn):
    held = [d for d in target_decisions.decisions(conn, kpi="OTD_PCT", unit="PLANT_B") if d["decision"] == "hold"]
    assert len(held) == 1
    evidence = held[0]["evidence"]
    assert (held[0]["origin"], evidence["sustained"], evidence["run_start"]) == ("internal", True, "2025-11")
    assert evidence["rebased_at"] == ["2025-11"]
