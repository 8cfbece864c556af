"""The published views, canned queries, title and read-only-ness through Datasette."""

from __future__ import annotations

import sqlite3

import pytest

from pmtui.publish import PUBLISHED_VIEWS
from tests.plugins.helpers import make_datasette


@pytest.fixture(scope="module")
def demo_ds(tmp_path_factory, _demo_master):
    """Datasette over a copy of the demo company, where every area has published data."""
    import shutil

    path = tmp_path_factory.mktemp("published") / "demo.db"
    shutil.copy(_demo_master, path)
    instance = make_datasette(path)
    yield instance
    for db in instance.databases.values():
        db.close()


@pytest.mark.parametrize("view", PUBLISHED_VIEWS)
async def test_views_return_rows_on_the_demo(demo_ds, view):
    response = await demo_ds.client.get(f"/demo/{view}.json?_shape=array&_size=5")
    assert response.status_code == 200, response.text
    assert len(response.json()) > 0


async def test_view_scores_come_from_pm_functions(ds):
    rows = (await ds.client.get("/mini/pub_kpi_results.json?_shape=array&kpi=REV&_sort=period")).json()
    assert [(r["period"], r["score"], r["status"]) for r in rows] == [
        ("2026-07", 6.6667, "green"), ("2026-08", 5.0, "amber")]


async def test_views_leave_out_the_confidential_unit_and_unapproved_values(ds):
    rows = (await ds.client.get("/mini/pub_kpi_results.json?_shape=array")).json()
    assert {r["unit"] for r in rows} == {"BU_A"}
    assert "2026-09" not in {r["period"] for r in rows}


async def test_pending_approvals_lists_submitted_values_without_the_values(ds):
    rows = (await ds.client.get("/mini/pending_approvals.json?_shape=array")).json()
    assert [(r["unit"], r["kpi"], r["period"], r["submitted_by"]) for r in rows] == [
        ("BU_A", "DEFECTS", "2026-09", "ann"), ("BU_A", "REV", "2026-09", "ann")]
    assert "value" not in rows[0]


async def test_audit_log_for_an_element(ds):
    rows = (await ds.client.get(
        "/mini/audit_log_for_element.json?_shape=array&entity=settings&key=company_name")).json()
    assert [(r["action"], r["actor"]) for r in rows] == [("settings.insert", "system")]
    assert '"Mini Co"' in rows[0]["new"]


async def test_canned_queries_are_listed_with_their_titles(ds):
    html = (await ds.client.get("/mini")).text
    assert "Pending approvals" in html and "Audit log for an element" in html


async def test_title_names_the_company(ds):
    html = (await ds.client.get("/")).text
    assert "<h1>Mini Co performance</h1>" in html


async def test_audit_log_lists_newest_first(ds):
    rows = (await ds.client.get("/mini/pub_audit_log.json?_shape=array&_size=3")).json()
    seqs = [r["seq"] for r in rows]
    assert seqs == sorted(seqs, reverse=True)


@pytest.mark.parametrize("sql", [
    "UPDATE units SET name = 'x'",
    "INSERT INTO settings (key, value) VALUES ('x', 'y')",
    "DELETE FROM measurements",
    "INSERT INTO audit_log (ts, actor, action, entity, entity_key, prev_hash, hash)"
    " VALUES ('', '', '', '', '', '', '')",
])
async def test_writes_through_datasette_fail(ds, sql):
    db = ds.get_database()
    with pytest.raises(sqlite3.OperationalError, match="no such function: pmtui_guard"):
        await db.execute_write(sql)
    names = (await db.execute("SELECT name FROM units ORDER BY id")).rows
    assert "x" not in [row[0] for row in names]


async def test_sql_queries_run_read_only(ds):
    response = await ds.client.get("/mini.json", params={"sql": "UPDATE units SET name = 'x'"})
    assert response.status_code == 400


async def test_generic_title_without_company(mini_db):
    ds = make_datasette(mini_db, company=None)
    assert "<h1>pmtui performance views</h1>" in (await ds.client.get("/")).text
