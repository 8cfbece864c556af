"""The action register and overdue items: the snapshot date, canned queries and pages."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from pmtui.publish import registers
from tests.publishing.conftest import cookie_for

INTERNAL = ("ann", "internal")


def _rows(folder, audience):
    conn = sqlite3.connect(folder / f"{audience}.db")
    conn.row_factory = sqlite3.Row
    return conn


def test_the_snapshot_date_is_recorded_in_the_file(execution_published):
    _, folder, _ = execution_published
    conn = sqlite3.connect(folder / "public.db")
    assert conn.execute("SELECT company, audience, published_at, as_of FROM pub_snapshot").fetchall() == [
        ("Mini Co", "public", "2026-11-26T09:00:00Z", "2026-11-26")]
    assert conn.execute("SELECT value FROM settings WHERE key = 'published_as_of'").fetchone() == ("2026-11-26",)


@pytest.mark.parametrize(("audience", "expected"), [
    ("public", [("Fix scrap on line 3", 42)]),
    ("internal", [("Fix scrap on line 3", 42), ("Renegotiate bank covenants", 37)]),
])
def test_overdue_is_judged_on_the_snapshot_date_not_today(execution_published, audience, expected):
    _, folder, _ = execution_published
    # A far-future "today" changes nothing: the file says when its data was true.
    data = registers.load_overdue(_rows(folder, audience), today=date(2030, 1, 1))
    assert [(a["title"], a["days_overdue"]) for a in data["actions"]] == expected
    assert data["as_of"] == "2026-11-26" and data["as_of_recorded"] is True


def test_the_live_file_is_judged_on_today(execution_published):
    live, _, _ = execution_published
    conn = sqlite3.connect(live)
    conn.row_factory = sqlite3.Row
    data = registers.load_actions(conn, today=date(2026, 12, 20), status="overdue")
    assert [(a["title"], a["days_overdue"]) for a in data["actions"]] == [
        ("Fix scrap on line 3", 66), ("Renegotiate bank covenants", 61), ("Review supplier contracts", 5)]
    assert data["as_of_recorded"] is False


@pytest.mark.parametrize(("filters", "titles"), [
    ({}, ["Fix scrap on line 3", "Renegotiate bank covenants", "Review supplier contracts", "Retrain shift B"]),
    ({"status": "done"}, ["Retrain shift B"]),
    ({"status": "active"}, ["Fix scrap on line 3", "Renegotiate bank covenants", "Review supplier contracts"]),
    ({"status": "overdue"}, ["Fix scrap on line 3", "Renegotiate bank covenants"]),
    ({"unit": "NORTH"}, ["Renegotiate bank covenants"]),
    ({"owner": "ann"}, ["Fix scrap on line 3", "Retrain shift B"]),
    ({"unit": "BU_B"}, []),
])
def test_register_filters(execution_published, filters, titles):
    _, folder, _ = execution_published
    data = registers.load_actions(_rows(folder, "internal"), today=date(2026, 11, 26), **filters)
    assert [a["title"] for a in data["actions"]] == titles


def test_register_counts_and_pages(execution_published, monkeypatch):
    _, folder, _ = execution_published
    monkeypatch.setattr(registers, "PAGE_SIZE", 3)
    conn = _rows(folder, "internal")
    first = registers.load_actions(conn, today=date(2026, 11, 26))
    second = registers.load_actions(conn, today=date(2026, 11, 26), page=2)
    assert (first["total"], first["open"], first["overdue"]) == (4, 3, 2)
    assert (len(first["actions"]), first["more"], len(second["actions"]), second["more"]) == (3, True, 1, False)
    assert [u["unit"] for u in first["units"]] == ["BU_A", "NORTH"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"status": "late"}, "unknown status 'late'"),
    ({"page": 0}, "page must be 1 or more"),
])
def test_register_refuses_bad_filters(execution_published, kwargs, message):
    _, folder, _ = execution_published
    with pytest.raises(ValueError, match=message):
        registers.load_actions(_rows(folder, "public"), today=date(2026, 11, 26), **kwargs)


def test_register_needs_pub_actions(tmp_path):
    conn = sqlite3.connect(tmp_path / "empty.db")
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
    with pytest.raises(registers.NoRegister):
        registers.load_actions(conn, today=date(2026, 11, 26))
    assert registers.load_overdue(conn, today=date(2026, 11, 26))["actions"] is None


async def test_overdue_canned_query_per_audience(execution_ds):
    public = (await execution_ds.client.get("/public/overdue_actions.json?_shape=array")).json()
    assert [(r["title"], r["days_overdue"], r["as_of"]) for r in public] == [("Fix scrap on line 3", 42, "2026-11-26")]
    internal = (await execution_ds.client.get("/internal/overdue_actions.json?_shape=array",
                                              cookies=cookie_for(execution_ds, *INTERNAL))).json()
    assert [r["title"] for r in internal] == ["Fix scrap on line 3", "Renegotiate bank covenants"]


async def test_action_register_canned_query(execution_ds):
    rows = (await execution_ds.client.get(
        "/public/action_register.json?_shape=array&unit=BU_A&status=open&owner=")).json()
    assert [r["title"] for r in rows] == ["Fix scrap on line 3", "Review supplier contracts"]


async def test_action_register_page(execution_ds):
    response = await execution_ds.client.get("/-/pmtui/actions")
    assert response.status_code == 200
    html = response.text
    assert "Mini Co: action register on 2026-11-26" in html
    assert "Fix scrap on line 3" in html and "Retrain shift B" in html and "trained 12 operators" in html
    assert "Renegotiate bank covenants" not in html and "Falcon" not in html
    assert "3 actions" in html and "1 overdue" in html
    assert '<td class="pm-num pm-days">42</td>' in html
    assert "/-/pmtui/kpi?db=public&amp;kpi=DEFECTS&amp;unit=BU_A" in html


async def test_action_register_page_signed_in_and_filtered(execution_ds):
    html = (await execution_ds.client.get("/-/pmtui/actions?status=overdue",
                                          cookies=cookie_for(execution_ds, *INTERNAL))).text
    assert "Renegotiate bank covenants" in html and "Fix scrap on line 3" in html
    assert "Review supplier contracts" not in html
    assert "<strong>overdue</strong>" in html


@pytest.mark.parametrize(("url", "status"), [("/-/pmtui/actions?status=late", 400),
                                              ("/-/pmtui/actions?page=x", 400),
                                              ("/-/pmtui/actions?db=internal", 404)])
async def test_action_register_page_errors(execution_ds, url, status):
    response = await execution_ds.client.get(url)
    assert response.status_code == status
    assert "Renegotiate" not in response.text


async def test_overdue_page(execution_ds):
    html = (await execution_ds.client.get("/-/pmtui/overdue")).text
    assert "Mini Co: overdue items on 2026-11-26" in html
    assert "Fix scrap on line 3" in html and '<td class="pm-num pm-days">42</td>' in html
    assert "Review supplier contracts" not in html and "Renegotiate" not in html
    assert "Milestones past their planned finish" in html


async def test_home_page_links_the_registers(execution_ds):
    html = (await execution_ds.client.get("/-/pmtui/home")).text
    assert "/-/pmtui/actions?db=public" in html and "/-/pmtui/overdue?db=public" in html


async def test_menu_names_the_company_and_snapshot_date(execution_ds):
    html = (await execution_ds.client.get("/public/pub_actions")).text
    assert "Northwind Industries performance report, 2026-11-26" in html
    assert 'href="/-/pmtui/actions">Action register' in html


@pytest.mark.parametrize("table", ["pub_pending_approvals", "pub_awaiting_decision"])
def test_approvals_pending_are_taken_before_unapproved_rows_go(execution_published, table):
    _, folder, _ = execution_published
    conn = _rows(folder, "public")
    rows = [(r["kind"], r["kpi"], r["unit"], r["period"], r["submitted_by"])
            for r in conn.execute(f"SELECT * FROM {table} ORDER BY kpi")]
    assert rows == [("value", "DEFECTS", "BU_A", "2026-09", "ann"), ("value", "REV", "BU_A", "2026-09", "ann")]
    assert conn.execute("SELECT count(*) FROM measurements WHERE status = 'submitted'").fetchone()[0] == 0


def test_pending_rows_of_units_and_kpis_above_the_audience_are_left_out():
    from pmtui.publish import report

    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE TABLE kpis (code TEXT, confidentiality TEXT); CREATE TABLE units (code TEXT, confidentiality TEXT);
        INSERT INTO kpis VALUES ('PUB', 'public'), ('INT', 'internal');
        INSERT INTO units VALUES ('U', 'public'), ('V', 'internal');
        CREATE TABLE raw (kind TEXT, kpi TEXT, unit TEXT, submitted_at TEXT);
        INSERT INTO raw VALUES ('value', 'PUB', 'U', 'a'), ('value', 'INT', 'U', 'b'), ('value', 'PUB', 'V', 'c'),
                               ('target revision', NULL, 'U', 'd');
        CREATE VIEW pub_awaiting_decision AS SELECT * FROM raw;
    """)
    assert report.pending_approvals(conn, ("public",)) == 2
    assert conn.execute("SELECT submitted_at FROM pub_pending_approvals ORDER BY 1").fetchall() == [("a",), ("d",)]
    assert conn.execute("SELECT type FROM sqlite_master WHERE name = 'pub_awaiting_decision'").fetchone() == ("table",)


@pytest.mark.parametrize(("sql", "expected"), [
    ("select 1 where d < date('now')", "select 1 where d < (select as_of from pub_snapshot)"),
    ("x < coalesce(:t, DATE( \"now\" ))", "x < coalesce(:t, (select as_of from pub_snapshot))"),
    ("where current_date > d and accurate_date = 1", "where (select as_of from pub_snapshot) > d and accurate_date = 1"),
    ("select date('2026-01-01')", "select date('2026-01-01')"),
])
def test_canned_queries_read_today_as_the_snapshot_date(sql, expected):
    from pmtui.publish import site

    assert site.on_snapshot_date(sql) == expected


async def test_an_area_query_written_for_today_runs_on_the_snapshot_date(execution_ds):
    rows = (await execution_ds.client.get("/public/overdue_next_periods.json?_shape=array")).json()
    assert all(r["next_due_date"] < "2026-11-26" for r in rows)
    config = (await execution_ds.client.get("/-/metadata.json")).json()
    queries = config["databases"]["public"]["queries"]
    assert all("date('now')" not in q["sql"] for q in queries.values())
    assert "(select as_of from pub_snapshot)" in queries["overdue_next_periods"]["sql"]
