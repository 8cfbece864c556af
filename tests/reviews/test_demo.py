"""The demo's reviews: PLANT_A's history and the showcase meeting PLANT_A-2026-10."""

from __future__ import annotations

import pytest

from pmtui.services import agenda, meeting_people, reviews
from pmtui.store.db import connect
from tests.builders import NOW


@pytest.fixture
def conn(demo_db):
    c = connect(demo_db)
    yield c
    c.close()


def test_the_showcase_meeting_is_planned_with_an_agenda_of_every_promised_kind(conn):
    m = reviews.show(conn, "PLANT_A-2026-10")
    assert (m["status"], m["chair"], m["cycle"], m["held_on"]) == ("planned", "jvandijk", "monthly", None)
    assert [(p["user"], p["role"]) for p in m["participants"]] == [("jvandijk", "chair"), ("demo", "member")]
    kinds = [i["kind"] for i in m["items"]]
    for kind in ("spc_concern", "slipped_milestone", "overdue_action"):
        assert kinds.count(kind) >= 1, kind
    assert all(i["decision"] is None for i in m["items"])
    assert kinds == sorted(kinds, key=("spc_concern", "red_kpi", "slipped_milestone", "overdue_action",
                                       "stale_data").index)


def test_the_showcase_agenda_is_what_the_preview_shows_today(conn):
    stored = [(i["kind"], i["title"]) for i in reviews.show(conn, "PLANT_A-2026-10")["items"]]
    preview = [(i["kind"], i["title"]) for i in reviews.preview_agenda(conn, "PLANT_A", "2026-10", today=NOW)]
    assert stored == preview


def test_spc_items_of_the_latest_period_are_the_spc_summary_concerns(conn):
    summary = {tuple(r) for r in conn.execute(
        """WITH RECURSIVE t(id) AS (SELECT id FROM units WHERE code = 'PLANT_A'
                                   UNION SELECT u.id FROM units u JOIN t ON u.parent_id = t.id)
           SELECT k.code, u.code FROM spc_summary s JOIN kpis k ON k.id = s.kpi_id JOIN units u ON u.id = s.unit_id
           WHERE s.unit_id IN t AND s.variation = 'special_cause_concern'""")}
    items = {(i["kpi"], i["unit"]) for i in reviews.preview_agenda(conn, "PLANT_A", "2026-10", today=NOW)
             if i["kind"] == "spc_concern" and i["evidence"]["variation"] == "special_cause_concern"}
    assert summary and items == summary


def test_plant_a_history_is_finalised_with_decisions_rotation_and_actions(conn):
    rotating = []
    for period in ("2026-07", "2026-08", "2026-09"):
        m = reviews.show(conn, f"PLANT_A-{period}")
        assert m["status"] == "finalised" and m["minutes"] and m["items"]
        assert all(i["decision"] for i in m["items"])
        roles = {p["role"] for p in m["participants"]}
        assert {"chair", "member", "rotating"} <= roles
        rotating += [p["user"] for p in m["participants"] if p["role"] == "rotating"]
        assert sum(len(i["actions_created"]) for i in m["items"]) == 1
    assert len(set(rotating)) == 3  # the seat rotates: nobody sits in twice
    absent = [p["user"] for p in reviews.show(conn, "PLANT_A-2026-08")["participants"] if p["attended"] is False]
    assert absent == ["iholm"]


def test_open_actions_from_earlier_reviews_are_carried_into_the_showcase(conn):
    raised = {r[0] for r in conn.execute(
        "SELECT a.id FROM actions a JOIN meetings m ON m.id = a.meeting_id WHERE m.code LIKE 'PLANT_A-2026-0%'"
        " AND a.status IN ('open', 'in_progress') AND a.due_on < '2026-11-26'")}
    carried = {i["action_id"] for i in reviews.show(conn, "PLANT_A-2026-10")["items"]
               if i["kind"] == "overdue_action"}
    assert raised and raised <= carried


def test_rotation_for_the_showcase_leaves_out_those_answering_for_its_metrics(conn):
    s = meeting_people.suggest(conn, "PLANT_A-2026-10", today=NOW.date())
    excluded = {e["user"]: e["why"] for e in s["excluded"]}
    assert excluded["jvandijk"] == "already taking part"
    assert excluded["knakamura"].startswith("responsible for") and "OPEX@PLANT_A" in excluded["knakamura"]
    assert s["suggested"] and not {x["user"] for x in s["suggested"]} & set(excluded)


def test_other_units_and_a_confidential_meeting_that_is_never_published(conn):
    codes = {m["code"]: m for m in reviews.list_meetings(conn)}
    assert {"PLANT_B-2026-09", "PACKAGING-2026-09", "DC_NORTH-2026-10"} <= set(codes)
    assert codes["PACKAGING-2026-09"]["confidentiality"] == "confidential"
    published = {r[0] for r in conn.execute("SELECT meeting FROM pub_meetings")}
    assert "PACKAGING-2026-09" not in published and "PLANT_A-2026-09" in published
    units = {r[0] for r in conn.execute("SELECT unit FROM pub_agenda_items WHERE unit IS NOT NULL")}
    assert "PACKAGING" not in units


def test_the_agenda_covers_the_units_below(conn):
    units = {i["unit"] for i in agenda.preview(conn, "RGN_NORTH", "2026-10", today=NOW)}
    assert {"PLANT_A", "DC_NORTH"} <= units
