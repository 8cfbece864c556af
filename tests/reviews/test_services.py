"""Review meetings through the services, on the review-ready company (see conftest)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from pmtui.services import meeting_people, reviews
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic
from tests.builders import NOW

KINDS_BU_A = ["spc_concern", "red_kpi", "slipped_milestone", "overdue_action", "stale_data", "stale_data"]
LATER = datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)


def create(conn, **kw):
    args = {"chair": "carl", "actor": "bob", "now": NOW} | kw
    return reviews.create(conn, args.pop("unit", "BU_A"), args.pop("period", "2026-10"), **args)


def decide_all(conn, code, decision="watch", now=NOW, actor="carl"):
    for item in reviews.show(conn, code)["items"]:
        if item["decision"] is None:
            reviews.decide(conn, code, item["seq"], decision, f"{decision} item {item['seq']}", actor=actor, now=now)


def test_preview_lists_every_kind_in_order_and_writes_nothing(co):
    before = audit.head(co)
    items = reviews.preview_agenda(co, "BU_A", "2026-10", today=NOW.date())
    assert [i["kind"] for i in items] == KINDS_BU_A
    assert [i["seq"] for i in items] == [1, 2, 3, 4, 5, 6]
    otd, scrap, slip, action, defects, rev = items
    assert (otd["kpi"], otd["unit"], otd["period"]) == ("OTD", "BU_A", "2026-10")
    assert otd["evidence"]["rule"] == "outside_limits" and otd["evidence"]["scored_red"]["value"] == 70.0
    assert (scrap["kpi"], scrap["evidence"]["value"], scrap["evidence"]["target"]) == ("SCRAP", 2.3, 1.5)
    assert (slip["initiative"], slip["milestone"]) == ("LEAN", "M1")
    assert action["action_id"] == 1 and action["evidence"]["days_overdue"] == 37
    assert (defects["kpi"], rev["kpi"]) == ("DEFECTS", "REV")
    assert audit.head(co) == before


def test_the_agenda_of_a_unit_covers_the_units_below_it(co):
    items = reviews.preview_agenda(co, "NORTH", "2026-10", today=NOW.date())
    bu_b = [i for i in items if i["unit"] == "BU_B"]
    assert {(i["kind"], i["kpi"]) for i in bu_b} == {("red_kpi", "SCRAP"), ("stale_data", "SCRAP")}
    assert {i["confidentiality"] for i in bu_b} == {"confidential"}  # BU_B is a confidential unit


def test_an_earlier_period_has_its_own_exceptions(co):
    items = reviews.preview_agenda(co, "BU_A", "2026-08", today=datetime(2026, 9, 5, tzinfo=timezone.utc))
    # Nothing red, slipped, overdue or stale yet; the chart's point of 2026-08 (limits pulled down by
    # the later collapse) is above its limits, but those limits cannot reach the target.
    assert [(i["kind"], i["kpi"], i["period"]) for i in items] == [("spc_concern", "OTD", "2026-08")]
    assert items[0]["title"] == "OTD at BU_A: consistently fails its target in 2026-08"
    assert items[0]["evidence"]["variation"] == "special_cause_improvement"


@pytest.mark.parametrize("unit, period, error, message", [
    ("NOPE", "2026-10", NotFound, "unknown unit 'NOPE'"),
    ("BU_A", "2026-13", PmError, "not in the form YYYY-MM"),
    ("BU_A", "Oct 2026", PmError, "not in the form YYYY-MM"),
])
def test_preview_refuses_bad_input(co, unit, period, error, message):
    with pytest.raises(error, match=message):
        reviews.preview_agenda(co, unit, period, today=NOW.date())


def test_create_records_the_meeting_its_chair_and_agenda(co):
    m = create(co)
    assert (m["code"], m["status"], m["chair"], m["cycle"], m["confidentiality"]) == (
        "BU_A-2026-10", "planned", "carl", "monthly", "public")
    assert m["title"] == "Unit A monthly performance review 2026-10"
    assert m["participants"] == [{"user": "carl", "display_name": "Carl", "role": "chair", "attended": None}]
    assert [i["kind"] for i in m["items"]] == KINDS_BU_A
    assert all(i["decision"] is None for i in m["items"])
    logged = [r[0] for r in co.execute("SELECT action FROM audit_log WHERE entity IN ('meetings',"
                                       " 'meeting_participants', 'agenda_items') ORDER BY seq")]
    assert logged == ["meeting.create", "meeting.participant"] + ["agenda.item"] * 6


@pytest.mark.parametrize("kw, error, message", [
    ({"actor": "ann"}, PermissionDenied, "may not create reviews of BU_A"),
    ({"actor": "ghost"}, NotFound, "unknown user 'ghost'"),
    ({"chair": "ghost"}, NotFound, "unknown user 'ghost'"),
    ({"chair": "eve"}, PmError, "chair eve may not view BU_A"),
    ({"unit": "NOPE"}, NotFound, "unknown unit 'NOPE'"),
    ({"period": "2026-12"}, PmError, "has not started yet"),
    ({"period": "2026/10"}, PmError, "YYYY-MM"),
    ({"cycle": "weekly"}, PmError, "cycle 'weekly' must be one of monthly, quarterly, annual"),
    ({"title": "=HYPERLINK(1)"}, PmError, "title starts with '='"),
])
def test_create_refusals_write_no_meeting(co, kw, error, message):
    with pytest.raises(error, match=message):
        create(co, **kw)
    assert co.execute("SELECT count(*) FROM meetings").fetchone()[0] == 0


def test_refused_creation_is_audited_and_a_second_meeting_is_refused(co):
    with pytest.raises(PermissionDenied):
        create(co, actor="ann")
    assert tuple(co.execute("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()) == (
        "ann", "refused.meeting.create")
    create(co)
    with pytest.raises(PmError, match="exists already"):
        create(co)
    assert create(co, cycle="quarterly")["code"] == "BU_A-2026-10-Q"


def test_decisions_start_the_meeting_and_can_change_until_finalised(co):
    create(co)
    item = reviews.decide(co, "BU_A-2026-10", 2, "watch", "one bad month", actor="carl", now=NOW)
    assert (item["decision"], item["decision_note"], item["decided_by"]) == ("watch", "one bad month", "carl")
    m = reviews.show(co, "BU_A-2026-10")
    assert (m["status"], m["held_on"]) == ("in_progress", "2026-11-26")
    item = reviews.decide(co, "BU_A-2026-10", 2, "revise_target", "target out of reach", actor="dina", now=NOW)
    assert (item["decision"], item["decided_by"]) == ("revise_target", "dina")


@pytest.mark.parametrize("args, actor, error, message", [
    ((2, "watch", "x"), "eve", PermissionDenied, "only its chair \\(carl\\) or a user with 'approve'"),
    ((2, "watch", "x"), "ann", PermissionDenied, "may not run meeting BU_A-2026-10"),
    ((2, "ignore", "x"), "carl", PmError, "decision 'ignore' must be one of act, watch"),
    ((2, "watch", "  "), "carl", PmError, "note is empty"),
    ((2, "watch", "@SUM(A1)"), "carl", PmError, "note starts with '@'"),
    ((99, "watch", "x"), "carl", NotFound, "has no agenda item 99"),
    ((2, "act", "fix it"), "carl", PmError, "give its owner"),
])
def test_decision_refusals(co, args, actor, error, message):
    create(co)
    with pytest.raises(error, match=message):
        reviews.decide(co, "BU_A-2026-10", *args, actor=actor, now=NOW)
    assert co.execute("SELECT count(*) FROM agenda_items WHERE decision IS NOT NULL").fetchone()[0] == 0


def test_act_creates_an_action_linked_to_the_meeting_and_item(co):
    create(co)
    item = reviews.decide(co, "BU_A-2026-10", 1, "act", "Find the cause of the OTD drop", owner="ann",
                          due_on="2026-12-15", actor="carl", now=NOW)
    action = item["action"]
    assert (action["title"], action["owner"], action["due_on"], action["source"], action["meeting"],
            action["kpi"], action["unit"]) == ("Find the cause of the OTD drop", "ann", "2026-12-15", "meeting",
                                               "BU_A-2026-10", "OTD", "BU_A")
    assert item["actions_created"] == [action["id"]]
    row = co.execute("SELECT agenda_item_id FROM actions WHERE id = ?", [action["id"]]).fetchone()
    assert row[0] == co.execute("SELECT id FROM agenda_items WHERE seq = 1").fetchone()[0]
    with pytest.raises(PmError, match="was decided 'act' and its action exists"):
        reviews.decide(co, "BU_A-2026-10", 1, "watch", "never mind", actor="carl", now=NOW)


def test_a_refused_action_leaves_no_decision(co):
    create(co)
    with pytest.raises(PmError, match="due"):
        reviews.decide(co, "BU_A-2026-10", 1, "act", "fix", owner="ann", due_on="2026-01-01", actor="carl", now=NOW)
    item = reviews.show(co, "BU_A-2026-10")["items"][0]
    assert item["decision"] is None and reviews.show(co, "BU_A-2026-10")["status"] == "planned"


def test_finalise_needs_every_decision_and_minutes_then_nothing_changes(co):
    create(co)
    reviews.decide(co, "BU_A-2026-10", 1, "escalate", "to the region", actor="carl", now=NOW)
    with pytest.raises(PmError, match=r"item\(s\) 2, 3, 4, 5, 6 have no decision yet"):
        reviews.finalise(co, "BU_A-2026-10", actor="carl", now=NOW)
    decide_all(co, "BU_A-2026-10")
    with pytest.raises(PmError, match="without minutes"):
        reviews.finalise(co, "BU_A-2026-10", actor="carl", now=NOW)
    reviews.write_minutes(co, "BU_A-2026-10", "OTD collapse escalated; the rest watched.", actor="carl", now=NOW)
    m = reviews.finalise(co, "BU_A-2026-10", actor="carl", now=NOW)
    assert (m["status"], m["finalised_by"], m["finalised_at"]) == ("finalised", "carl", "2026-11-26T09:00:00Z")
    assert m["participants"][0]["attended"] is True  # unrecorded attendance counts as present
    fts = co.execute("SELECT kind, body FROM minutes_fts WHERE minutes_fts MATCH 'region'").fetchall()
    assert [tuple(r) for r in fts] == [("decision", "escalate: to the region")]
    for attempt in (lambda: reviews.decide(co, "BU_A-2026-10", 2, "close", "x", actor="carl", now=NOW),
                    lambda: reviews.write_minutes(co, "BU_A-2026-10", "x", actor="carl", now=NOW),
                    lambda: reviews.generate_agenda(co, "BU_A-2026-10", actor="carl", now=NOW),
                    lambda: reviews.finalise(co, "BU_A-2026-10", actor="carl", now=NOW),
                    lambda: meeting_people.invite(co, "BU_A-2026-10", "eve", actor="carl", now=NOW)):
        with pytest.raises(PmError, match="is finalised"):
            attempt()


@pytest.mark.parametrize("sql", [
    "UPDATE meetings SET minutes = 'rewritten'",
    "DELETE FROM meetings",
    "UPDATE agenda_items SET decision = 'close'",
    "DELETE FROM agenda_items",
    "DELETE FROM meeting_participants",
    "INSERT INTO meeting_participants (meeting_id, user_id) VALUES (1, 1)",
])
def test_triggers_keep_a_finalised_meeting_immutable_whatever_writes(co, sql):
    create(co)
    decide_all(co, "BU_A-2026-10")
    reviews.write_minutes(co, "BU_A-2026-10", "All watched.", actor="carl", now=NOW)
    reviews.finalise(co, "BU_A-2026-10", actor="carl", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"), atomic(co):
        co.execute(sql)


def test_generate_rebuilds_before_decisions_only(co):
    create(co, with_agenda=False)
    assert reviews.show(co, "BU_A-2026-10")["items"] == []
    m = reviews.generate_agenda(co, "BU_A-2026-10", actor="carl", now=NOW)
    assert [i["kind"] for i in m["items"]] == KINDS_BU_A
    reviews.decide(co, "BU_A-2026-10", 1, "watch", "x", actor="carl", now=NOW)
    with pytest.raises(PmError, match="1 decision\\(s\\) recorded"):
        reviews.generate_agenda(co, "BU_A-2026-10", actor="carl", now=NOW)


def test_an_overdue_action_from_one_review_is_on_the_next_ones_agenda(co):
    create(co)
    reviews.decide(co, "BU_A-2026-10", 1, "act", "Find the cause", owner="ann", due_on="2026-12-01",
                   actor="carl", now=NOW)
    decide_all(co, "BU_A-2026-10")
    reviews.write_minutes(co, "BU_A-2026-10", "Cause to be found.", actor="carl", now=NOW)
    reviews.finalise(co, "BU_A-2026-10", actor="carl", now=NOW)
    nxt = create(co, period="2026-11", now=LATER)
    carried = [i for i in nxt["items"] if i["kind"] == "overdue_action"]
    assert [(i["action_id"], i["evidence"]["days_overdue"]) for i in carried] == [(1, 51), (2, 9)]
    assert carried[1]["title"] == "Action #2 overdue 9 days (ann): Find the cause"


def test_list_pages_and_filters_by_unit_and_below(co):
    create(co)
    create(co, unit="NORTH", chair="bob")
    create(co, period="2026-09")
    assert [m["code"] for m in reviews.list_meetings(co)] == ["BU_A-2026-10", "NORTH-2026-10", "BU_A-2026-09"]
    assert [m["code"] for m in reviews.list_meetings(co, limit=1, offset=1)] == ["NORTH-2026-10"]
    assert [m["code"] for m in reviews.list_meetings(co, unit="BU_A")] == ["BU_A-2026-10", "BU_A-2026-09"]
    assert reviews.count_meetings(co, unit="NORTH") == 3 and reviews.count_meetings(co, unit="BU_B") == 0
    first = reviews.list_meetings(co)[0]
    assert (first["items"], first["decided"], first["status"]) == (6, 0, "planned")


def test_participants_and_attendance(co):
    create(co)
    people = meeting_people.invite(co, "BU_A-2026-10", "ann", actor="carl", now=NOW)
    assert [(p["user"], p["role"]) for p in people] == [("carl", "chair"), ("ann", "member")]
    with pytest.raises(PmError, match="already takes part"):
        meeting_people.invite(co, "BU_A-2026-10", "ann", actor="carl", now=NOW)
    with pytest.raises(PmError, match="role 'rotating' must be one of member, guest"):
        meeting_people.invite(co, "BU_A-2026-10", "eve", role="rotating", actor="carl", now=NOW)
    people = meeting_people.set_attendance(co, "BU_A-2026-10", "ann", False, actor="carl", now=NOW)
    assert people[1]["attended"] is False
    with pytest.raises(PmError, match="chairs BU_A-2026-10"):
        meeting_people.remove(co, "BU_A-2026-10", "carl", actor="carl", now=NOW)
    assert [p["user"] for p in meeting_people.remove(co, "BU_A-2026-10", "ann", actor="carl", now=NOW)] == ["carl"]


def test_rotation_suggests_process_owners_not_answering_for_the_agenda(co):
    create(co)
    s = meeting_people.suggest(co, "BU_A-2026-10", today=NOW.date())
    assert [x["user"] for x in s["suggested"]] == ["eve", "fred"]
    assert s["suggested"][0]["why"] == "never attended a review of this unit"
    assert {e["user"]: e["why"] for e in s["excluded"]} == {
        "admin": "owns no process (holds no role that owns a KPI or objective)",
        "ann": "owns no process (holds no role that owns a KPI or objective)",
        "bob": "responsible for OTD@BU_A",
        "carl": "already taking part",
        "dina": "responsible for SCRAP@BU_A"}


def test_rotation_ranks_who_attended_least_recently_first(co):
    create(co, period="2026-09")
    meeting_people.choose(co, "BU_A-2026-09", ["eve"], actor="carl", now=NOW)
    decide_all(co, "BU_A-2026-09")
    reviews.write_minutes(co, "BU_A-2026-09", "Done.", actor="carl", now=NOW)
    reviews.finalise(co, "BU_A-2026-09", actor="carl", now=NOW)
    create(co)
    s = meeting_people.suggest(co, "BU_A-2026-10", today=NOW.date())
    assert [(x["user"], x["last_attended"], x["attended"]) for x in s["suggested"]] == [
        ("fred", None, 0), ("eve", "2026-11-26", 1)]


def test_choosing_rotation_records_and_replaces_the_rotating_seats(co):
    create(co)
    with pytest.raises(PmError, match="dina cannot take a rotating seat at BU_A-2026-10: responsible for SCRAP@BU_A"):
        meeting_people.choose(co, "BU_A-2026-10", ["dina"], actor="carl", now=NOW)
    with pytest.raises(PermissionDenied):
        meeting_people.choose(co, "BU_A-2026-10", ["eve"], actor="ann", now=NOW)
    s = meeting_people.choose(co, "BU_A-2026-10", ["eve"], actor="carl", now=NOW)
    assert s["chosen"] == ["eve"] and [x["user"] for x in s["suggested"]] == ["fred"]
    s = meeting_people.choose(co, "BU_A-2026-10", ["fred"], actor="carl", now=NOW)
    assert s["chosen"] == ["fred"]
    roles = [(p["user"], p["role"]) for p in reviews.show(co, "BU_A-2026-10")["participants"]]
    assert roles == [("carl", "chair"), ("fred", "rotating")]


def test_a_revise_target_decision_links_to_its_revise_or_hold_decision(co):
    from pmtui.services import target_decisions

    create(co)
    item = reviews.decide(co, "BU_A-2026-10", 2, "revise_target", "target looks out of reach", actor="carl",
                          now=NOW)
    assert (item["kpi"], item["target_decision"]) == ("SCRAP", None)
    held = target_decisions.decide(co, "SCRAP", "BU_A", "2026-10", decision="hold", origin="internal",
                                   rationale="Fix the process first", agenda_item_id=item["id"], actor="bob", now=NOW)
    assert reviews.show(co, "BU_A-2026-10")["items"][1]["target_decision"] == held["id"]
