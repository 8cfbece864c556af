"""Published views and pages of the measurement area, through Datasette over the mini company."""

from __future__ import annotations

import pytest

from pmtui.services import assessments, readings, settings, sources, variants
from pmtui.store.db import connect
from tests.builders import NOW
from tests.plugins.helpers import load_plugin, make_datasette

page = load_plugin("pm_measurement")


@pytest.fixture
def ds(mini_db):
    conn = connect(mini_db)
    a = {"actor": "admin", "now": NOW}
    sources.add_source(conn, "ERP", "SAP S/4 ERP", system="SAP", domain="Finance", **a)
    sources.add_source(conn, "DWH", "Warehouse", system="Snowflake", domain="Data", **a)
    sources.link_kpi(conn, "REV", "ERP", **a)
    variants.add_variant(conn, "REV", "NORTH", "Invoiced sales net of VAT", "Local GAAP", **a)
    variants.add_variant(conn, "REV", "BU_B", "Secret definition", "Secret law", **a)
    assessments.assess(conn, "REV", "BU_A", "2026-08", 4, "On plan", actor="bob", now=NOW)
    assessments.assess(conn, "REV", "BU_B", "2026-08", 1, "Confidential trouble", actor="bob", now=NOW)
    readings.record(conn, [("REV", "BU_A", "2026-08", "ERP", 95.0), ("REV", "BU_A", "2026-08", "DWH", 90.0),
                           ("REV", "BU_B", "2026-08", "ERP", 1.0), ("REV", "BU_B", "2026-08", "DWH", 9.0)],
                    actor="admin", now=NOW)
    settings.set_value(conn, "scorecard_cap", "1", **a)
    conn.close()
    instance = make_datasette(mini_db)
    yield instance
    for db in instance.databases.values():
        db.close()


async def _rows(ds, view):
    response = await ds.client.get(f"/mini/{view}.json?_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


async def test_views_leave_out_confidential_units(ds):
    assert [r["unit"] for r in await _rows(ds, "pub_kpi_variants")] == ["NORTH"]
    assert [(r["unit"], r["rating_label"]) for r in await _rows(ds, "pub_assessments")] == [("BU_A", "on track")]
    conflicts = await _rows(ds, "pub_conflicting_readings")
    assert {(r["unit"], r["first"], r["second"]) for r in conflicts} == {("BU_A", "ERP", "DWH"),
                                                                         ("BU_A", "DWH", "approved value")}
    assert [(r["source"], r["kpis"]) for r in await _rows(ds, "pub_data_sources")] == [("ERP", "REV"), ("DWH", None)]


async def test_reporting_status_gives_last_approved_and_next_due(ds):
    rows = {r["kpi"]: r for r in await _rows(ds, "pub_reporting_status") if r["unit"] == "BU_A"}
    assert rows["REV"]["last_approved_period"] == "2026-08" and rows["REV"]["last_approved_value"] == 95
    assert rows["REV"]["next_due_date"] == "2026-10-10" and rows["REV"]["source"] == "ERP"


async def test_variants_page_shows_the_word_diff(ds):
    response = await ds.client.get("/-/pmtui/variants?kpi=REV")
    assert response.status_code == 200
    assert "<ins>Invoiced sales net of VAT</ins>" in response.text
    assert "Secret" not in response.text


async def test_scorecard_page_warns_above_the_cap(ds):
    html = (await ds.client.get("/-/pmtui/scorecard?unit=BU_A&period=2026-08")).text
    assert "2 KPIs in this view, above the cap of 1" in html


def test_load_is_a_plain_function(mini):
    variants.add_variant(mini, "REV", "NORTH", "Net sales", "Law", actor="admin", now=NOW)
    items = page.load(mini, "REV")
    assert items[0]["changes"] == [("+", "Net sales")] and page.parse_query({"kpi": " "}) is None
