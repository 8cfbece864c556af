"""Published controls views: assessments and findings without confidential units or KPIs."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.services import controls, users
from pmtui.store.db import connect
from tests.builders import NOW, build_mini
from tests.plugins.helpers import make_datasette


def _build(conn) -> int:
    """Mini company where carl enters for confidential BU_B and approves group-wide; one signed-off run."""
    a = {"actor": "system", "now": NOW}
    users.create_user(conn, "carl", "Carl", **a)
    users.assign_role(conn, "carl", "ANALYST", "BU_B", date(2020, 1, 1), **a)
    users.assign_role(conn, "carl", "HEAD", None, date(2020, 1, 1), **a)
    run = controls.run(conn, "2026Q4", actor="bob", now=NOW)
    controls.sign_off(conn, run["id"], "fine", actor="admin", now=NOW)
    return run["id"]


def test_findings_of_confidential_units_are_not_published(mini):
    key = _build(mini)
    everything = {(f["control"], f["element"], f["unit"]) for f in controls.findings(mini, key)}
    assert ("segregation_of_duties", "user:carl", "BU_B") in everything
    published = mini.execute("SELECT control, element, unit, quarter, severity_rank FROM pub_control_findings"
                             " ORDER BY id").fetchall()
    assert ("segregation_of_duties", "user:carl", "BU_B") not in {tuple(r)[:3] for r in published}
    assert len(published) == len(everything) - 1
    assert {r["quarter"] for r in published} == {"2026Q4"}
    [row] = mini.execute("SELECT * FROM pub_control_assessments").fetchall()
    assert (row["status"], row["signed_off_by"], row["findings"], row["latest_for_quarter"]) == (
        "signed_off", "admin", len(published), 1)
    assert row["high"] + row["medium"] + row["low"] + row["info"] == len(published)
    assert "summary" not in row.keys()


@pytest.fixture
def controls_ds(tmp_path):
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    _build(conn)
    controls.run(conn, "2026Q4", actor="bob", now=NOW)
    conn.close()
    ds = make_datasette(path)
    yield ds
    for db in ds.databases.values():
        db.close()


async def test_views_through_datasette(controls_ds):
    rows = (await controls_ds.client.get("/mini/pub_control_assessments.json?_shape=array&_sort_desc=id")).json()
    assert [(r["id"], r["status"], r["latest_for_quarter"]) for r in rows] == [(2, "open", 1), (1, "signed_off", 0)]
    findings = (await controls_ds.client.get("/mini/pub_control_findings.json?_shape=array")).json()
    assert findings and all(f["unit"] != "BU_B" for f in findings)


def test_area_config_publishes_the_views_and_its_query_runs(mini):
    import yaml

    from pmtui.publish import AREAS_PATH, PUBLISHED_VIEWS

    assert {"pub_control_assessments", "pub_control_findings"} <= set(PUBLISHED_VIEWS)
    area = yaml.safe_load((AREAS_PATH / "controls.yaml").read_text())
    _build(mini)
    controls.run(mini, "2026Q4", actor="bob", now=NOW)  # a later run: only its findings are listed
    rows = mini.execute(area["queries"]["open_control_findings"]["sql"]).fetchall()
    # admin acted (the sign-off) and is no longer dormant; carl (approve, never acted) is
    assert [(r["status"], r["severity"], r["control"], r["element"]) for r in rows] == [
        ("open", "medium", "dormant_accounts", "user:carl"), ("open", "medium", "segregation_of_duties", "user:admin")]
