"""CSV and JSON exports cannot carry a spreadsheet formula (published files and ``.csvsafe``)."""

from __future__ import annotations

import pytest

from pmtui.publish import SETTINGS, site
from pmtui.publish.server import plugins_dir
from pmtui.services import publishing
from pmtui.store.db import atomic, connect
from tests.builders import NOW
from tests.plugins.helpers import load_plugin, make_datasette

FORMULA = "=HYPERLINK(\"http://evil\",\"click\")"


@pytest.fixture
def formula_db(mini_db):
    conn = connect(mini_db)
    with atomic(conn):  # test set-up: a formula that slipped in (e.g. from an older import)
        # Approved values are locked: the formula goes into the submitted ones, then approved.
        conn.execute("UPDATE measurements SET comment = ? WHERE status = 'submitted'", [FORMULA])
        conn.execute("UPDATE measurements SET status = 'approved', decided_by = 'bob',"
                     " decided_at = '2026-11-26T09:00:00Z' WHERE status = 'submitted'")
        conn.execute("UPDATE kpis SET definition = '@SUM(A1:A9)' WHERE code = 'REV'")
    conn.close()
    return mini_db


async def test_published_csv_and_json_are_neutralised(formula_db, tmp_path):
    from datasette.app import Datasette

    conn = connect(formula_db)
    public = tmp_path / "public.db"
    publishing.publish(conn, public, "public", now=NOW)
    ds = Datasette(immutables=[str(public)], plugins_dir=str(plugins_dir()),
                   metadata=site.site_config({"public": public}), settings=dict(SETTINGS))
    csv_text = (await ds.client.get("/public/pub_kpi_results.csv?_size=max")).text
    rows = (await ds.client.get("/public/pub_kpi_results.json?_shape=array")).json()
    kpis = (await ds.client.get("/public/kpis.json?_shape=array&code=REV")).json()
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    assert {r["comment"] for r in rows if r["period"] == "2026-09"} == {"'" + FORMULA}
    assert not any((r["comment"] or "").startswith("=") for r in rows)
    assert kpis[0]["definition"] == "'@SUM(A1:A9)"


async def test_csvsafe_neutralises_the_live_file_at_export_time(formula_db):
    ds = make_datasette(formula_db)
    response = await ds.client.get("/mini/measurements.csvsafe?status=approved")
    assert response.status_code == 200, response.text[:300]
    assert "'=HYPERLINK" in response.text and ",=HYPERLINK" not in response.text


@pytest.mark.parametrize(("cell", "expected"), [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"),
                                                 ("\tx", "'\tx"), ("\rx", "'\rx"), ("ok", "ok"), (-1.5, "-1.5")])
def test_to_csv(cell, expected):
    export = load_plugin("pm_export")
    text = export.to_csv(["c"], [[cell]])
    assert text.split("\r\n")[1].strip('"') == expected
