"""Published committees, disputes and commentaries through Datasette: nothing confidential, approved only."""

from __future__ import annotations

import pytest

from pmtui.publish import PUBLISHED_VIEWS, load_config
from pmtui.services import commentary, disputes
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.store.db import connect
from tests.builders import NOW, build_mini, explain
from tests.disputes.conftest import add_committee
from tests.plugins.helpers import make_datasette

CLAIM = "The result belongs to another unit entirely"


@pytest.fixture
def published(tmp_path):
    """Datasette over a mini file with disputes and commentaries on public and confidential rows."""
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    add_committee(conn)
    a = {"actor": "admin", "now": NOW}
    fw.create_kpi(conn, "SECRET", name="Secret margin", uom="%", direction="higher", confidentiality="confidential",
                  **a)
    for kpi, unit in (("REV", None), ("DEFECTS", "BU_B"), ("SECRET", None)):
        disputes.raise_dispute(conn, kind="ownership" if unit is None else "attribution", kpi=kpi, unit=unit,
                               claim=CLAIM, committee="GOV", proposed_role="HEAD", actor="bob", now=NOW)
    disputes.hear(conn, "DSP-001", "Both sides presented their data", actor="bob", now=NOW)
    disputes.decide(conn, "DSP-001", "upheld", "Unit heads own revenue now", actor="ann", now=NOW)
    explain(conn, "REV", "BU_A", "2026-09")
    ms.decide(conn, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)
    explain(conn, "DEFECTS", "BU_A", "2026-09")  # still submitted: its commentary is not published
    ms.enter_value(conn, "REV", "BU_B", "2026-09", "10", submit=True, actor="admin", now=NOW)
    explain(conn, "REV", "BU_B", "2026-09")
    ms.decide(conn, "REV", "BU_B", "2026-09", approve=True, actor="bob", now=NOW)  # BU_B is confidential
    conn.close()
    ds = make_datasette(path)
    yield ds
    for db in ds.databases.values():
        db.close()


async def _rows(ds, view):
    response = await ds.client.get(f"/mini/{view}.json?_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


async def test_committees_count_published_disputes_only(published):
    [row] = await _rows(published, "pub_committees")
    assert (row["committee"], row["members"], row["open_disputes"], row["decided_disputes"]) == (
        "GOV", "Ann Analyst, Bob Head", 0, 1)


async def test_disputes_leave_out_confidential_kpis_and_units(published):
    rows = await _rows(published, "pub_disputes")
    assert [(r["dispute"], r["kpi"], r["status"], r["outcome"], r["current_owner_role"], r["applied"])
            for r in rows] == [("DSP-001", "REV", "decided", "upheld", "HEAD", "owner role (none) -> HEAD")]
    assert "kpi_id" not in rows[0] and "unit_id" not in rows[0]


async def test_commentaries_only_on_approved_public_values(published):
    rows = await _rows(published, "pub_commentaries")
    assert [(r["unit"], r["kpi"], r["period"], r["value"], r["target"], r["status"]) for r in rows] == [
        ("BU_A", "REV", "2026-09", 80.0, 100.0, "red")]
    assert rows[0]["why"] == "A cause that this test does not need to model in detail."


async def test_canned_queries(published):
    response = await published.client.get("/mini/commentaries_red.json?_shape=array")
    assert [r["kpi"] for r in response.json()] == ["REV"]
    response = await published.client.get("/mini/disputes_open.json?_shape=array")
    assert response.json() == []


def test_views_are_listed_for_publishing():
    assert {"pub_committees", "pub_disputes", "pub_commentaries"} <= set(PUBLISHED_VIEWS)
    tables = load_config()["databases"]["pmtui"]["tables"]
    assert "attribution" in tables["pub_disputes"]["description"]


def test_demo_commentaries_match_the_service(demo_db):
    conn = connect(demo_db)
    published = {(r["kpi"], r["period"]) for r in conn.execute("SELECT * FROM pub_commentaries WHERE unit = 'PLANT_A'")}
    for kpi, period in published:
        assert commentary.get(conn, kpi, "PLANT_A", period)["complete"]
    assert ("OPEX", "2026-10") in published
