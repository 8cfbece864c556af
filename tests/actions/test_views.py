"""Published views and canned queries of the actions area, through Datasette."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pmtui.services import actions, root_causes, target_decisions
from pmtui.services import framework as fw
from pmtui.store.db import connect
from tests.actions.conftest import add_otd_series
from tests.builders import NOW, build_mini
from tests.plugins.helpers import make_datasette

THEN = NOW - timedelta(days=30)


def _fill(conn) -> dict:
    """Published and hidden actions, notes, root causes and a decision."""
    fw.create_kpi(conn, "SECRET", name="Secret", uom="%", direction="higher", confidentiality="confidential",
                  actor="system", now=NOW)
    add_otd_series(conn)
    a = {"owner": "ann", "unit": "BU_A", "source": "manual", "actor": "ann", "now": THEN}
    ids = {"late": actions.add(conn, "Late public", due_on="2026-11-01", kpi="OTD", **a)["id"],
           "open": actions.add(conn, "Open public", due_on="2026-12-20", **a)["id"],
           "secret": actions.add(conn, "Secret action", due_on="2026-11-02", confidentiality="confidential", **a)["id"],
           "kpi": actions.add(conn, "On a secret KPI", due_on="2026-11-03", kpi="SECRET", **a)["id"],
           "unit": actions.add(conn, "In BU_B", due_on="2026-11-04", owner="bob", unit="BU_B", source="manual",
                               actor="bob", now=THEN)["id"]}
    for key in ("late", "secret"):
        actions.note(conn, ids[key], f"note on {key}", actor="ann", now=THEN)
    root_causes.create(conn, "OTD", "BU_A", "2026-09", template="five_whys", problem="Late trucks", whys=["x"],
                       actor="ann", now=NOW)
    root_causes.create(conn, "OTD", "BU_B", "2026-09", template="five_whys", problem="Hidden", actor="bob", now=NOW)
    target_decisions.decide(conn, "OTD", "BU_A", "2026-10", decision="hold", origin="internal",
                            rationale="Fix planning", actor="bob", now=NOW)
    return ids


@pytest.fixture
def ds(tmp_path):
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    ids = _fill(conn)
    conn.close()
    datasette = make_datasette(path)
    datasette.ids = ids
    yield datasette
    for db in datasette.databases.values():
        db.close()


async def _rows(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


async def test_pub_actions_leaves_out_confidential_actions_units_and_kpis(ds):
    rows = await _rows(ds, "/mini/pub_actions.json?_shape=array")
    assert sorted(r["title"] for r in rows) == ["Late public", "Open public"]
    expected = {"id", "title", "owner", "owner_name", "owner_role", "unit", "unit_name", "due_on", "status", "source",
                "kpi", "initiative", "meeting", "created_at", "closed_at", "close_note", "confidentiality"}
    assert expected <= set(rows[0])
    late = next(r for r in rows if r["title"] == "Late public")
    assert (late["owner_name"], late["owner_role"], late["unit_name"], late["kpi"]) == (
        "Ann Analyst", "ANALYST", "Unit A", "OTD")


async def test_notes_root_causes_and_decisions(ds):
    notes = await _rows(ds, "/mini/pub_action_notes.json?_shape=array")
    assert [n["note"] for n in notes] == ["note on late"]
    causes = await _rows(ds, "/mini/pub_root_causes.json?_shape=array")
    assert [(c["unit"], c["problem"], c["whys"]) for c in causes] == [("BU_A", "Late trucks", '["x"]')]
    [decision] = await _rows(ds, "/mini/pub_target_decisions.json?_shape=array")
    assert (decision["decision"], decision["origin"], decision["sustained"], decision["shift_started"]) == (
        "hold", "internal", 1, "2025-12")


async def test_overdue_actions_query_with_a_date(ds):
    rows = await _rows(ds, "/mini/overdue_actions.json?_shape=array&today=2026-11-26")
    assert [(r["title"], r["days_overdue"]) for r in rows] == [("Late public", 25)]
    earlier = await _rows(ds, "/mini/overdue_actions.json?_shape=array&today=2026-10-15")
    assert earlier == []


async def test_summary_queries(ds):
    owners = await _rows(ds, "/mini/actions_by_owner.json?_shape=array")
    assert [(o["owner_name"], o["open_actions"], o["earliest_due"]) for o in owners] == [("Ann Analyst", 2,
                                                                                        "2026-11-01")]
    assert await _rows(ds, "/mini/root_causes_by_classification.json?_shape=array") == []
