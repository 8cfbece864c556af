"""The published initiatives views and the Datasette timeline page (/-/pmtui/initiatives)."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.services import initiatives
from pmtui.store.db import connect
from tests.builders import NOW, build_mini
from tests.initiatives.conftest import A, build_initiatives
from tests.plugins.helpers import load_plugin, make_datasette


@pytest.fixture
def ini_ds(tmp_path):
    """Datasette over a mini file with LEAN_A, the confidential-unit SECRET_B and a confidential CONF_A."""
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    build_initiatives(conn)
    initiatives.add_initiative(conn, "CONF_A", "Hush project", unit="BU_A", confidentiality="confidential", **A)
    initiatives.add_milestone(conn, "CONF_A", "C1", "Quiet step", planned_start="2026-10-01",
                              planned_finish="2026-10-20", **A)
    conn.close()
    ds = make_datasette(path)
    yield ds
    for db in ds.databases.values():
        db.close()


async def test_views_publish_only_non_confidential_initiatives(ini_ds):
    rows = (await ini_ds.client.get("/mini/pub_initiatives.json?_shape=array")).json()
    assert [(r["initiative"], r["unit"], r["open_alerts"], r["red_alerts"], r["kpis"]) for r in rows] == [
        ("LEAN_A", "BU_A", 2, 2, "DEFECTS")]
    milestones = (await ini_ds.client.get("/mini/pub_milestones.json?_shape=array")).json()
    assert [(m["milestone"], m["slip_days"], m["colour"]) for m in milestones] == [
        ("M1", 0, "green"), ("M2", 56, "red"), ("M3", 0, "grey")]
    alerts = (await ini_ds.client.get("/mini/pub_execution_alerts.json?_shape=array")).json()
    assert {(a["milestone"], a["rule"], a["status"]) for a in alerts} == {("M2", "slip", "open"),
                                                                         ("M2", "late_start", "open")}
    slipped = (await ini_ds.client.get("/mini/slipped_milestones.json?_shape=array")).json()
    assert [(r["initiative"], r["milestone"], r["slip_days"]) for r in slipped] == [("LEAN_A", "M2", 56)] * 2


async def test_timeline_page_draws_the_gantt_without_confidential_initiatives(ini_ds):
    response = await ini_ds.client.get("/-/pmtui/initiatives")
    assert response.status_code == 200
    html = response.text
    assert "LEAN_A" in html and "Lean line A" in html
    assert "SECRET_B" not in html and "Secret project" not in html and "Hidden step" not in html
    assert "CONF_A" not in html and "Hush project" not in html
    assert "Slippage as of <strong>2026-11-26</strong>" in html
    assert 'class="pm-bar pm-actual pm-colour-red"' in html  # M2 is 56 days late
    assert "late_start: not started: planned start 2026-10-01 was 56 days ago" in html
    assert '<script src="http' not in html and "<link" not in html.split("pm-gantt")[-1]  # no network
    unit_page = await ini_ds.client.get("/-/pmtui/initiatives?unit=BU_B")
    assert unit_page.status_code == 200 and "No published initiatives for BU_B" in unit_page.text


async def test_menu_links_to_the_timeline(ini_ds):
    html = (await ini_ds.client.get("/")).text
    assert "/-/pmtui/initiatives" in html and "Initiatives timeline" in html


def test_gantt_positions_bars_on_the_month_axis():
    plugin = load_plugin("pm_initiatives")
    data = {"initiatives": [{"initiative": "X"}], "alerts": [],
            "milestones": [{"initiative": "X", "milestone": "M1", "planned_start": "2026-01-01",
                            "planned_finish": "2026-03-31", "actual_start": "2026-02-01", "forecast_start": "2026-02-01",
                            "forecast_finish": "2026-06-15", "colour": "amber"}]}
    out = plugin.gantt(data, date(2026, 4, 1))
    assert (out["window"].start, out["window"].end) == (date(2026, 1, 1), date(2026, 7, 1))
    [row] = out["initiatives"][0]["milestone_rows"]
    assert row["plan"] == {"left": 0.0, "width": pytest.approx(49.46, abs=0.01)}
    assert row["actual"]["left"] == pytest.approx(16.67, abs=0.01)
    assert out["today_left"] == pytest.approx(50.0)
    assert [m["label"] for m in out["months"]] == ["2026", "Feb", "Mar", "Apr", "May", "Jun"]
    empty = plugin.gantt({"initiatives": [], "milestones": [], "alerts": []}, None)
    assert empty["window"] is None and empty["months"] == []


def test_demo_views_and_page_data(demo_db):
    conn = connect(demo_db)
    published = [r[0] for r in conn.execute("SELECT initiative FROM pub_initiatives ORDER BY initiative")]
    assert "PKG_CARVE_OUT" not in published and len(published) == 8
    slipped = initiatives.slipped(conn, unit="PLANT_A", today=NOW.date())
    assert {(r["initiative"], r["milestone"], r["severity"]) for r in slipped} == {
        ("PA_LINE3_LEAN", "M4", "red"), ("PA_LINE3_LEAN", "M5", "amber")}
    on_track = conn.execute("SELECT colour FROM pub_milestones WHERE initiative = 'PA_PREDICT_MAINT'"
                            " AND milestone = 'M3'").fetchone()[0]
    assert on_track == "green"
    from pmtui.services import verify
    assert verify.verify(conn).ok
