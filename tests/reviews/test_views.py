"""Published review views: confidential meetings, units, KPIs and items left out; through Datasette too."""

from __future__ import annotations

import pytest

from pmtui.services import reviews
from pmtui.store.db import connect
from tests.builders import NOW
from tests.plugins.helpers import make_datasette
from tests.reviews.conftest import build_company


def _hold(conn, unit, *, confidentiality=None, chair="bob"):
    m = reviews.create(conn, unit, "2026-10", chair=chair, confidentiality=confidentiality, actor="bob", now=NOW)
    for item in m["items"]:
        reviews.decide(conn, m["code"], item["seq"], "watch", f"watch {item['kpi'] or item['kind']}", actor="bob",
                       now=NOW)
    reviews.write_minutes(conn, m["code"], f"Minutes of {m['code']}", actor="bob", now=NOW)
    return reviews.finalise(conn, m["code"], actor="bob", now=NOW)


@pytest.fixture
def held(tmp_path):
    """Path of the company with NORTH (public, with BU_B items) finalised, BU_A secret, BU_B planned."""
    path = tmp_path / "co.db"
    conn = connect(path)
    build_company(conn)
    _hold(conn, "NORTH")
    _hold(conn, "BU_A", confidentiality="confidential")
    reviews.create(conn, "BU_B", "2026-10", chair="bob", actor="bob", now=NOW)
    conn.close()
    return path


def test_meetings_view_leaves_out_confidential_meetings_and_units(held):
    conn = connect(held)
    rows = [dict(r) for r in conn.execute("SELECT * FROM pub_meetings")]
    assert [(r["meeting"], r["unit"], r["status"], r["items"], r["decided"]) for r in rows] == [
        ("NORTH-2026-10", "NORTH", "finalised", 6, 6)]
    assert rows[0]["minutes"] == "Minutes of NORTH-2026-10"
    assert not {"id", "unit_id"} & set(rows[0])


def test_agenda_view_leaves_out_items_about_confidential_units(held):
    conn = connect(held)
    rows = [dict(r) for r in conn.execute("SELECT * FROM pub_agenda_items ORDER BY seq")]
    assert {r["meeting"] for r in rows} == {"NORTH-2026-10"}
    assert "BU_B" not in {r["unit"] for r in rows}
    private = conn.execute("SELECT count(*) FROM agenda_items a JOIN units u ON u.id = a.unit_id"
                           " WHERE u.code = 'BU_B' AND a.meeting_id = 1").fetchone()[0]
    assert private == 2 and len(rows) == 8 - private
    first = rows[0]
    assert (first["kind"], first["kpi"], first["decision"], first["decision_note"], first["decided_by"]) == (
        "spc_concern", "OTD", "watch", "watch OTD", "bob")


def test_minutes_of_a_meeting_not_yet_finalised_are_not_published(tmp_path):
    conn = connect(":memory:")
    build_company(conn)
    reviews.create(conn, "BU_A", "2026-10", chair="carl", actor="bob", now=NOW)
    reviews.write_minutes(conn, "BU_A-2026-10", "draft thoughts", actor="carl", now=NOW)
    row = conn.execute("SELECT status, minutes FROM pub_meetings").fetchone()
    assert tuple(row) == ("in_progress", None)


async def test_views_and_query_through_datasette(held):
    ds = make_datasette(held)
    try:
        meetings = (await ds.client.get("/co/pub_meetings.json?_shape=array")).json()
        assert [m["meeting"] for m in meetings] == ["NORTH-2026-10"]
        decisions = (await ds.client.get("/co/review_decisions.json?_shape=array")).json()
        assert len(decisions) == 6 and {d["decision"] for d in decisions} == {"watch"}
    finally:
        for db in ds.databases.values():
            db.close()
