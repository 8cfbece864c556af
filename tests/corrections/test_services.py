"""Corrections, four eyes and refusals, on the mini company in memory.

Ann enters data for BU_A, Bob approves everywhere, Carl (added here) both enters and
approves in BU_A, so that the four-eyes rule, not a missing permission, is what refuses him.
"""

from __future__ import annotations

import pytest

from pmtui.services import approvals, corrections as co, settings, verify
from pmtui.services import measurements as ms
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW


def _value(conn, period="2026-08", kpi="REV", unit="BU_A"):
    return conn.execute("SELECT m.value, m.status FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                        " JOIN units u ON u.id = m.unit_id WHERE k.code = ? AND u.code = ? AND m.period = ?",
                        [kpi, unit, period]).fetchone()


def _last(conn):
    return conn.execute("SELECT actor, action, entity, entity_key, reason FROM audit_log ORDER BY seq DESC LIMIT 1"
                        ).fetchone()


def _count(conn, table):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_propose_keeps_the_approved_value_until_approval(corr):
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", "booked in September", actor="ann", now=NOW)
    assert (row["old_value"], row["value"], row["status"], row["entered_by"], row["old_value_by"]) == (
        95.0, 97.0, "submitted", "ann", "ann")
    assert tuple(_value(corr)) == (95.0, "approved")
    assert tuple(_last(corr))[:3] == ("ann", "correction.propose", "measurement_corrections")
    assert _last(corr)["reason"] == "late invoice"


def test_approval_changes_the_value_in_the_same_audited_transaction(corr):
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    done = co.decide(corr, row["id"], approve=True, actor="bob", now=NOW)
    assert (done["status"], done["decided_by"], done["current_value"]) == ("approved", "bob", 97.0)
    assert tuple(_value(corr)) == (97.0, "approved")
    entry = corr.execute("SELECT actor, reason, old, new FROM audit_log WHERE action = 'measurement.correct'").fetchone()
    assert (entry["actor"], entry["reason"]) == ("bob", "late invoice")
    assert '"value":95.0' in entry["old"] and '"value":97.0' in entry["new"]
    assert verify.verify(corr).ok


@pytest.mark.parametrize("proposer, approver", [("carl", "carl"), ("ann", "carl")])
def test_four_eyes_refuses_the_proposer_and_the_author_of_the_value(corr, proposer, approver):
    # carl enters the October value (bob approves it); then he may not decide corrections of it
    ms.enter_value(corr, "REV", "BU_A", "2026-10", "101", submit=True, actor="carl", now=NOW)
    ms.decide(corr, "REV", "BU_A", "2026-10", approve=True, actor="bob", now=NOW)
    row = co.propose(corr, "REV", "BU_A", "2026-10", "103", "typo", actor=proposer, now=NOW)
    before = _count(corr, "audit_log")
    with pytest.raises(PmError, match="four-eyes rule"):
        co.decide(corr, row["id"], approve=True, actor=approver, now=NOW)
    assert co.get(corr, row["id"])["status"] == "submitted"
    assert tuple(_value(corr, "2026-10")) == (101.0, "approved")
    assert _count(corr, "audit_log") == before + 1
    assert tuple(_last(corr))[:4] == (approver, "refused.approve", "measurement_corrections", str(row["id"]))
    assert "four-eyes" in _last(corr)["reason"]
    assert co.decide(corr, row["id"], approve=True, actor="bob", now=NOW)["status"] == "approved"


def test_author_of_the_last_correction_counts_as_who_changed_the_value(corr):
    first = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="carl", now=NOW)
    co.decide(corr, first["id"], approve=True, actor="bob", now=NOW)
    second = co.propose(corr, "REV", "BU_A", "2026-08", "96", "credit note", actor="ann", now=NOW)
    assert second["old_value_by"] == "carl"
    with pytest.raises(PmError, match="four-eyes"):
        co.decide(corr, second["id"], approve=False, reason="no", actor="carl", now=NOW)


def test_reject_needs_a_reason_and_leaves_the_value(corr):
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    with pytest.raises(PmError, match="reason"):
        co.decide(corr, row["id"], approve=False, actor="bob", now=NOW)
    done = co.decide(corr, row["id"], approve=False, reason="the invoice is October's", actor="bob", now=NOW)
    assert (done["status"], done["decision_reason"]) == ("rejected", "the invoice is October's")
    assert tuple(_value(corr)) == (95.0, "approved")
    with pytest.raises(PmError, match="already rejected"):
        co.decide(corr, row["id"], approve=True, actor="bob", now=NOW)


@pytest.mark.parametrize("call, permission", [
    (lambda c: co.propose(c, "REV", "BU_A", "2026-08", "97", "x", actor="bob", now=NOW), "enter_data"),
    (lambda c: co.decide(c, 1, approve=True, actor="ann", now=NOW), "approve"),
])
def test_refused_permissions_change_nothing_and_are_audited(corr, call, permission):
    co.propose(corr, "REV", "BU_A", "2026-07", "99", "recount", actor="ann", now=NOW)
    corrections_before = corr.execute("SELECT * FROM measurement_corrections").fetchall()
    with pytest.raises(PermissionDenied, match=permission):
        call(corr)
    assert corr.execute("SELECT * FROM measurement_corrections").fetchall() == corrections_before
    assert _last(corr)["action"] == f"refused.{permission}"
    assert _last(corr)["entity"] == "measurement_corrections"
    assert verify.verify(corr).ok


@pytest.mark.parametrize("period, value, error, message", [
    ("2026-09", "81", PmError, "not approved"),
    ("2026-10", "1", NotFound, "no value"),
    ("2026-08", "95", PmError, "must change"),
    ("2026-08", "abc", PmError, "not a number"),
    ("2026-13", "1", PmError, "2026-13"),
])
def test_only_approved_values_are_corrected(corr, period, value, error, message):
    with pytest.raises(error, match=message):
        co.propose(corr, "REV", "BU_A", period, value, "why", actor="ann", now=NOW)
    assert _count(corr, "measurement_corrections") == 0


@pytest.mark.parametrize("reason, comment, message", [("", None, "reason"), ("  ", None, "reason"),
                                                      ("=HYPERLINK(1)", None, "reason"), ("ok", "@cmd", "comment")])
def test_correction_text_is_checked(corr, reason, comment, message):
    with pytest.raises(PmError, match=message):
        co.propose(corr, "REV", "BU_A", "2026-08", "97", reason, comment, actor="ann", now=NOW)


def test_one_open_correction_per_value(corr):
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    with pytest.raises(PmError, match=f"correction {row['id']} .* still waiting"):
        co.propose(corr, "REV", "BU_A", "2026-08", "98", "another", actor="carl", now=NOW)


def test_history_lists_every_version(corr):
    a = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    co.decide(corr, a["id"], approve=True, actor="bob", now=NOW)
    b = co.propose(corr, "REV", "BU_A", "2026-08", "90", "typo", actor="ann", now=NOW)
    co.decide(corr, b["id"], approve=False, reason="not a typo", actor="bob", now=NOW)
    h = co.history(corr, "REV", "BU_A", "2026-08")
    assert (h["value"], h["status"]) == (97.0, "approved")
    got = [(v["version"], v["kind"], v["value"], v["status"], v["by"], v["decided_by"], v["why"], v["current"])
           for v in h["versions"]]
    assert got == [(1, "original", 95.0, "approved", "ann", "bob", None, False),
                   (2, "correction", 97.0, "approved", "ann", "bob", "late invoice", True),
                   (3, "correction", 90.0, "rejected", "ann", "bob", "typo", False)]
    assert h["versions"][2]["decision_reason"] == "not a typo"
    with pytest.raises(NotFound):
        co.history(corr, "REV", "BU_A", "2026-11")


def test_list_filters_and_orders_newest_first(corr):
    a = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    co.decide(corr, a["id"], approve=True, actor="bob", now=NOW)
    b = co.propose(corr, "DEFECTS", "BU_A", "2026-07", "510", "recount", actor="ann", now=NOW)
    assert [r["id"] for r in co.corrections(corr)] == [b["id"], a["id"]]
    assert [r["id"] for r in co.corrections(corr, status="submitted")] == [b["id"]]
    assert [r["kpi"] for r in co.corrections(corr, kpi="REV")] == ["REV"]
    with pytest.raises(PmError, match="status"):
        co.corrections(corr, status="draft")


def test_inbox_never_offers_your_own_work(corr):
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="carl", now=NOW)
    bob = approvals.inbox(corr, "bob", today=NOW.date())
    # oldest first; all were submitted at the same time here, so by kind, then id
    assert [(i["waits_on"], i["kind"], i["kpi"], i["period"]) for i in bob["items"]] == [
        ("you", "correction", "REV", "2026-08"), ("you", "value", "REV", "2026-09"),
        ("you", "value", "DEFECTS", "2026-09")]
    carl = approvals.inbox(corr, "carl", today=NOW.date())
    assert (carl["for_you"], carl["yours"]) == (2, 1)
    assert [(i["waits_on"], i["kind"], i["id"]) for i in carl["items"] if i["kind"] == "correction"] == [
        ("others", "correction", row["id"])]
    ann = approvals.inbox(corr, "ann", today=NOW.date())  # her submissions wait on others; she decides nothing
    assert (ann["for_you"], ann["yours"]) == (0, 2)
    page = approvals.inbox(corr, "bob", today=NOW.date(), limit=2, offset=2)
    assert [(i["kind"], i["kpi"]) for i in page["items"]] == [("value", "DEFECTS")] and page["total"] == 3


def test_inbox_decide_dispatches_to_each_service(corr):
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    items = approvals.inbox(corr, "bob", today=NOW.date())["items"]
    value = next(i for i in items if i["kind"] == "value")
    done = approvals.decide(corr, "value", value["id"], approve=True, actor="bob", now=NOW)
    assert (done["kpi"], done["period"], done["status"]) == (value["kpi"], "2026-09", "approved")
    done = approvals.decide(corr, "correction", row["id"], approve=False, reason="no", actor="bob", now=NOW)
    assert done["status"] == "rejected"
    with pytest.raises(PmError, match="unknown kind"):
        approvals.decide(corr, "other", 1, approve=True, actor="bob", now=NOW)


def test_whoami_and_the_audited_switch(corr):
    me = approvals.whoami(corr, "carl", NOW.date())
    assert (me["user"], me["roles"], me["permissions"]) == ("carl", ["BOTH@BU_A"], ["approve", "enter_data", "view"])
    assert approvals.switch_user(corr, "bob", actor="admin", now=NOW)["user"] == "bob"
    entry = _last(corr)
    assert tuple(entry) == ("admin", "session.switch_user", "session", "bob", "admin switched the acting user to bob")
    # Acting as bob, the session (started by admin) switches on: admin's permission decides, admin is the actor.
    assert approvals.switch_user(corr, "carl", actor="bob", session_user="admin", now=NOW)["user"] == "carl"
    assert tuple(_last(corr)) == ("admin", "session.switch_user", "session", "carl",
                                  "admin (acting as bob) switched the acting user to carl")
    with pytest.raises(NotFound):
        approvals.switch_user(corr, "nobody", actor="admin", now=NOW)
    with pytest.raises(PmError, match="already"):
        approvals.switch_user(corr, "bob", actor="bob", session_user="admin", now=NOW)
    assert verify.verify(corr).ok  # replay skips session entries: they change no row


def test_only_administrators_switch_unless_the_file_lets_anyone(corr):
    with pytest.raises(PermissionDenied, match="lacks permission 'administer'"):
        approvals.switch_user(corr, "bob", actor="carl", now=NOW)
    assert tuple(_last(corr))[:4] == ("carl", "refused.administer", "session", "bob")
    # bob acting after admin switched to him cannot switch on by himself in a session he started
    with pytest.raises(PermissionDenied):
        approvals.switch_user(corr, "ann", actor="bob", session_user="bob", now=NOW)
    with pytest.raises(PermissionDenied, match="without a user"):
        approvals.switch_user(corr, "bob", actor=None, now=NOW)
    assert tuple(_last(corr))[:4] == ("(no user)", "refused.administer", "session", "bob")
    assert approvals.switch_policy(corr) == "administrators"
    settings.set_value(corr, approvals.SWITCH_SETTING, "anyone", actor="admin", now=NOW)
    assert approvals.switch_policy(corr) == "anyone"
    assert approvals.switch_user(corr, "bob", actor="carl", now=NOW)["user"] == "bob"
    with pytest.raises(PmError, match="user_switch must be one of administrators, anyone"):
        settings.set_value(corr, approvals.SWITCH_SETTING, "everyone", actor="admin", now=NOW)
    assert verify.verify(corr).ok


def test_the_session_user_is_the_one_given_else_the_login_of_an_existing_user(corr):
    assert approvals.session_user(corr, "bob", "ann") == "bob"
    assert approvals.session_user(corr, None, "ann") == "ann"
    assert approvals.session_user(corr, None, "root") is None
    assert approvals.session_user(corr, None, None) is None


def test_decisions_after_a_switch_are_flagged_in_their_transaction(corr):
    items = approvals.inbox(corr, "bob", today=NOW.date())["items"]
    value = next(i for i in items if i["kind"] == "value")
    approvals.decide(corr, "value", value["id"], approve=True, actor="bob", now=NOW, switched_from="admin")
    flag = corr.execute("SELECT seq, actor, entity_key, new, reason FROM audit_log WHERE action = ?",
                        [approvals.AFTER_SWITCH]).fetchone()
    assert (flag["actor"], flag["entity_key"]) == ("bob", f"value:{value['id']}")
    assert flag["reason"] == "approved by bob in a session started by admin"
    assert '"switched_from":"admin"' in flag["new"]
    decision = corr.execute("SELECT seq, action FROM audit_log WHERE seq = ?", [flag["seq"] - 1]).fetchone()
    assert decision["action"] == "measurement.approve"  # the decision itself, just before its flag
    # Not switched (or switched back): no flag. A refused decision is audited, and not flagged.
    approvals.decide(corr, "value", items[-1]["id"], approve=True, actor="bob", now=NOW, switched_from="bob")
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="carl", now=NOW)
    with pytest.raises(PmError, match="four-eyes"):
        approvals.decide(corr, "correction", row["id"], approve=True, actor="carl", now=NOW, switched_from="admin")
    assert _last(corr)["action"] == "refused.approve"
    assert corr.execute("SELECT count(*) FROM audit_log WHERE action = ?", [approvals.AFTER_SWITCH]).fetchone()[0] == 1
    assert verify.verify(corr).ok


def test_drafts_and_target_revisions_in_the_inbox(corr):
    from pmtui.services import target_revisions as rev

    ms.enter_value(corr, "REV", "BU_A", "2026-10", "101", actor="ann", now=NOW)  # a draft: only ann's business
    r = rev.request(corr, "REV", "BU_A", "2026-09", 90, reason="market shift", actor="admin", now=NOW)

    def items(user):
        return {(i["waits_on"], i["kind"], i["period"], i["status"]) for i in
                approvals.inbox(corr, user, today=NOW.date())["items"]}

    assert ("others", "value", "2026-10", "draft") in items("ann")
    assert not any(i[2] == "2026-10" for i in items("bob")) and not any(i[2] == "2026-10" for i in items("carl"))
    assert ("you", "target", "2026-09", "submitted") in items("bob")  # approve suffices to decide a revision
    assert ("others", "target", "2026-09", "submitted") in items("admin")
    assert ("you", "target", "2026-09", "submitted") not in items("admin")
    assert ("you", "target", "2026-09", "submitted") not in items("ann")  # neither approve nor edit_targets
    done = approvals.decide(corr, "target", r["id"], approve=True, reason="agreed", actor="bob", now=NOW)
    assert (done["kind"], done["status"]) == ("target", "approved")
