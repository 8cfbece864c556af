"""Published views of corrections through Datasette, and what a published copy keeps.

Only approved values are ever published: a pending correction's value is in no view and
in no published file, a rejected one's proposed value neither; confidential units are
left out everywhere.
"""

from __future__ import annotations

import sqlite3

import pytest

from pmtui.services import corrections as co
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services import publishing
from pmtui.services import target_revisions as rev
from pmtui.store.db import connect
from tests.builders import NOW, build_mini
from tests.plugins.helpers import make_datasette

PENDING_VALUE = 123.0


def _build(path):
    """BU_A: one approved, one rejected and one pending correction; confidential BU_B: one approved."""
    conn = connect(path)
    build_mini(conn)
    fw.set_setting(conn, "commentary_required_from", "2099-01-01", actor="system", now=NOW)
    a = co.propose(conn, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    co.decide(conn, a["id"], approve=True, reason="checked", actor="bob", now=NOW)
    b = co.propose(conn, "DEFECTS", "BU_A", "2026-07", "480", "recount", actor="ann", now=NOW)
    co.decide(conn, b["id"], approve=False, reason="count stands", actor="bob", now=NOW)
    co.propose(conn, "REV", "BU_A", "2026-07", str(PENDING_VALUE), "typo", actor="ann", now=NOW)
    ms.enter_value(conn, "REV", "BU_B", "2026-08", "50", submit=True, actor="admin", now=NOW)
    ms.decide(conn, "REV", "BU_B", "2026-08", approve=True, actor="bob", now=NOW)
    c = co.propose(conn, "REV", "BU_B", "2026-08", "55", "secret", actor="admin", now=NOW)
    co.decide(conn, c["id"], approve=True, actor="bob", now=NOW)
    rev.request(conn, "REV", "BU_A", "2026-09", 90, reason="market shift", actor="admin", now=NOW)
    conn.close()


@pytest.fixture
def corr_db(tmp_path):
    path = tmp_path / "mini.db"
    _build(path)
    return path


@pytest.fixture
def ds(corr_db):
    instance = make_datasette(corr_db)
    yield instance
    for db in instance.databases.values():
        db.close()


async def test_decided_corrections_are_published_with_approved_values_only(ds):
    rows = (await ds.client.get("/mini/pub_measurement_corrections.json?_shape=array&_sort=kpi")).json()
    got = [(r["kpi"], r["unit"], r["period"], r["old_value"], r["value"], r["status"], r["entered_by"],
            r["decided_by"]) for r in rows]
    assert got == [("DEFECTS", "BU_A", "2026-07", 500.0, None, "rejected", "ann", "bob"),
                   ("REV", "BU_A", "2026-08", 95.0, 97.0, "approved", "ann", "bob")]
    assert rows[1]["reason"] == "late invoice" and rows[0]["decision_reason"] == "count stands"


async def test_waiting_items_are_published_without_values(ds):
    rows = (await ds.client.get("/mini/pub_awaiting_decision.json?_shape=array")).json()
    assert sorted((r["kind"], r["kpi"], r["unit"], r["period"], r["submitted_by"]) for r in rows) == [
        ("correction", "REV", "BU_A", "2026-07", "ann"), ("target revision", "REV", "BU_A", "2026-09", "admin"),
        ("value", "DEFECTS", "BU_A", "2026-09", "ann"), ("value", "REV", "BU_A", "2026-09", "ann")]
    assert not {"value", "old_value", "revised_target"} & set(rows[0])


async def test_kpi_results_show_the_corrected_value_not_the_pending_one(ds):
    rows = (await ds.client.get("/mini/pub_kpi_results.json?_shape=array&kpi=REV&unit=BU_A&_sort=period")).json()
    assert [(r["period"], r["value"]) for r in rows] == [("2026-07", 100.0), ("2026-08", 97.0)]


def test_a_published_copy_keeps_approved_corrections_only(corr_db, tmp_path):
    conn = connect(corr_db)
    publishing.publish(conn, tmp_path / "public.db", "public", now=NOW)
    conn.close()
    pub = sqlite3.connect(tmp_path / "public.db")
    assert pub.execute("SELECT status, value FROM measurement_corrections").fetchall() == [("approved", 97.0)]
    assert pub.execute("SELECT kpi, value, status FROM pub_measurement_corrections").fetchall() == [
        ("REV", 97.0, "approved")]
    leaked = pub.execute("SELECT count(*) FROM measurement_corrections WHERE value = ? OR old_value = ?",
                         [PENDING_VALUE, PENDING_VALUE]).fetchone()[0]
    assert leaked == 0
    pub.close()


def test_demo_has_corrections_in_every_state(db):
    conn = connect(db)
    rows = conn.execute("SELECT u.code, c.status, c.entered_by, c.decided_by, c.decision_reason"
                        " FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id"
                        " JOIN units u ON u.id = m.unit_id ORDER BY c.id").fetchall()
    assert {r["status"] for r in rows} == {"approved", "rejected", "submitted"}
    assert {r["code"] for r in rows} <= {"PLANT_A", "DC_NORTH"}
    assert all(r["decided_by"] not in (None, r["entered_by"]) for r in rows if r["status"] != "submitted")
    assert all(r["decision_reason"] for r in rows if r["status"] == "rejected")
    assert conn.execute("SELECT count(*) FROM pub_measurement_corrections").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM pub_awaiting_decision WHERE kind = 'value'").fetchone()[0] >= 5
