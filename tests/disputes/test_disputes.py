"""Committees and the dispute register (M3.5): raise, hear, decide, and the decision applied."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pmtui.services import committees, disputes, users, verify
from pmtui.services import framework as fw
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic
from tests.builders import NOW

CLAIM = "Revenue is driven by unit heads, not by the analysts"


def _raise(conn, **kw):
    args = {"kind": "ownership", "kpi": "REV", "claim": CLAIM, "committee": "GOV", "proposed_role": "HEAD",
            "actor": "ann", "now": NOW} | kw
    return disputes.raise_dispute(conn, **args)


def _owner(conn, kpi="REV"):
    return conn.execute("SELECT r.code FROM kpis k LEFT JOIN roles r ON r.id = k.owner_role_id WHERE k.code = ?",
                        [kpi]).fetchone()[0]


def _actions(conn, since=0):
    return [r[0] for r in conn.execute("SELECT action FROM audit_log WHERE seq > ? ORDER BY seq", [since])]


def _seq(conn):
    return audit.head(conn)[0]


def test_committee_is_set_up_with_members(gov):
    row = committees.get(gov, "GOV")
    assert (row["name"], row["purpose"], row["members"], row["active"]) == (
        "Governance board", "Ownership disputes", ["ann", "bob"], True)
    assert [c["code"] for c in committees.list_committees(gov)] == ["GOV"]
    assert committees.add_member(gov, "GOV", "admin", actor="admin", now=NOW)["members"] == ["admin", "ann", "bob"]
    assert _actions(gov).count("committee.member_add") == 3


@pytest.mark.parametrize("kw, error", [
    ({"code": "GOV"}, "committee GOV already exists"),
    ({"code": "gov2"}, "committee code 'gov2' must be"),
    ({"members": ["nobody"]}, "unknown member 'nobody'"),
    ({"name": " "}, "a committee needs a name"),
    ({"purpose": "=cmd|' /C calc'!A0"}, "formula"),
])
def test_committee_refusals(gov, kw, error):
    args = {"code": "AUDIT", "name": "Audit board", "members": ["bob"]} | kw
    with pytest.raises(PmError, match=error):
        committees.add(gov, args.pop("code"), args.pop("name"), **args, actor="admin", now=NOW)
    assert gov.execute("SELECT count(*) FROM committees").fetchone()[0] == 1


def test_committee_needs_group_wide_edit_definitions(mini):
    with pytest.raises(PermissionDenied, match="edit_definitions"):
        committees.add(mini, "GOV", "Board", members=["ann"], actor="bob", now=NOW)
    assert _actions(mini)[-1] == "refused.edit_definitions"


def test_raise_records_the_dispute(gov):
    row = _raise(gov)
    assert (row["code"], row["status"], row["kind"], row["kpi"], row["proposed_role"], row["committee"],
            row["raised_by"], row["raised_at"]) == ("DSP-001", "raised", "ownership", "REV", "HEAD", "GOV", "ann",
                                                    "2026-11-26T09:00:00Z")
    assert _raise(gov, kpi="DEFECTS")["code"] == "DSP-002"
    assert _actions(gov)[-1] == "dispute.raise"


@pytest.mark.parametrize("kw, error", [
    ({"kind": "blame"}, "kind must be one of ownership, attribution"),
    ({"proposed_role": None}, "names the role it proposes"),
    ({"kind": "attribution"}, "names the unit the result should be attributed to"),
    ({"claim": "short"}, "at least 10 characters"),
    ({"claim": "+SUM(1,2) is the owner now"}, "formula"),
    ({"kpi": "NOPE"}, "unknown KPI 'NOPE'"),
    ({"committee": "NOPE"}, "unknown committee 'NOPE'"),
    ({"proposed_role": "NOPE"}, "unknown role 'NOPE'"),
    ({"unit": "NOPE"}, "unknown unit 'NOPE'"),
])
def test_raise_refusals(gov, kw, error):
    with pytest.raises(PmError, match=error):
        _raise(gov, **kw)
    assert gov.execute("SELECT count(*) FROM disputes").fetchone()[0] == 0


def test_an_ownership_dispute_must_propose_a_different_owner(gov):
    fw.create_kpi(gov, "OTD", name="On time", uom="%", direction="higher", owner_role="HEAD", actor="admin", now=NOW)
    with pytest.raises(PmError, match="HEAD already owns OTD"):
        _raise(gov, kpi="OTD")


def test_raise_needs_view_somewhere(gov):
    users.create_user(gov, "zed", "No roles", actor="admin", now=NOW)
    with pytest.raises(PermissionDenied, match="view"):
        _raise(gov, actor="zed")
    assert _actions(gov)[-1] == "refused.view"
    assert _raise(gov, actor="ann", unit="BU_B")["unit"] == "BU_B"  # ann sees BU_A only: view anywhere will do


def test_an_inactive_committee_takes_no_disputes(gov):
    key = fw.id_of(gov, "committees", "GOV")
    with atomic(gov):
        audit.update(gov, "committees", key, {"active": 0}, actor="admin", now=NOW)
    with pytest.raises(PmError, match="inactive"):
        _raise(gov)


def test_hear_by_a_member_only(gov):
    code = _raise(gov)["code"]
    with pytest.raises(PermissionDenied, match="does not sit on the committee"):
        disputes.hear(gov, code, "Both sides were heard in full", actor="admin", now=NOW)
    assert _actions(gov)[-1] == "refused.dispute.heard"
    row = disputes.hear(gov, code, "Both sides were heard in full", actor="bob", now=NOW)
    assert (row["status"], row["heard_by"], row["hearing_notes"]) == ("heard", "bob", "Both sides were heard in full")
    with pytest.raises(PmError, match="dispute DSP-001 is heard; only a raised dispute can be heard"):
        disputes.hear(gov, code, "Heard it a second time", actor="bob", now=NOW)


def test_decide_needs_a_hearing_and_another_member(gov):
    code = _raise(gov)["code"]
    with pytest.raises(PmError, match="only a heard dispute can be decided"):
        disputes.decide(gov, code, "upheld", "Heads own revenue from now", actor="bob", now=NOW)
    disputes.hear(gov, code, "Both sides were heard in full", actor="bob", now=NOW)
    with pytest.raises(PermissionDenied, match="the person who raised a dispute cannot decide it"):
        disputes.decide(gov, code, "upheld", "I decide my own dispute", actor="ann", now=NOW)
    assert _actions(gov)[-1] == "refused.dispute.decided"
    with pytest.raises(PmError, match="outcome must be one of upheld, rejected"):
        disputes.decide(gov, code, "maybe", "Heads own revenue from now", actor="bob", now=NOW)
    assert disputes.get(gov, code)["status"] == "heard" and _owner(gov) is None


def test_the_database_refuses_a_decision_by_the_raiser(gov):
    row = _raise(gov)
    key = fw.id_of(gov, "disputes", row["code"])
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"), atomic(gov):
        audit.update(gov, "disputes", key, {"status": "decided", "decided_by": "ann"}, actor="ann", now=NOW)


def test_upheld_ownership_changes_the_owner_in_the_same_transaction(gov):
    code = _raise(gov)["code"]
    disputes.hear(gov, code, "Both sides were heard in full", actor="bob", now=NOW)
    before = _seq(gov)
    row = disputes.decide(gov, code, "upheld", "Unit heads own revenue from now on", actor="bob", now=NOW)
    assert (row["status"], row["outcome"], row["decided_by"], row["owner_role"], row["applied"]) == (
        "decided", "upheld", "bob", "HEAD", "owner role (none) -> HEAD")
    assert _owner(gov) == "HEAD"
    assert _actions(gov, before) == ["kpi.owner_role", "dispute.upheld"]
    entry = gov.execute("SELECT old, new, reason FROM audit_log WHERE action = 'kpi.owner_role'").fetchone()
    assert json.loads(entry["old"])["owner_role_id"] is None and json.loads(entry["new"])["owner_role_id"] is not None
    assert entry["reason"] == "dispute DSP-001 upheld: Unit heads own revenue from now on"
    assert verify.verify(gov).ok


def test_rejected_changes_nothing_else(gov):
    code = _raise(gov)["code"]
    disputes.hear(gov, code, "Both sides were heard in full", actor="bob", now=NOW)
    before = _seq(gov)
    row = disputes.decide(gov, code, "rejected", "Analysts keep revenue for now", actor="bob", now=NOW)
    assert (row["outcome"], row["applied"], _owner(gov)) == ("rejected", None, None)
    assert _actions(gov, before) == ["dispute.rejected"]


def test_a_failure_while_applying_rolls_the_decision_back(gov, monkeypatch):
    code = _raise(gov)["code"]
    disputes.hear(gov, code, "Both sides were heard in full", actor="bob", now=NOW)
    real = disputes._apply_ownership

    def broken(*args, **kw):
        real(*args, **kw)
        raise PmError("simulated failure after the owner changed")
    monkeypatch.setattr(disputes, "_apply_ownership", broken)
    before = _seq(gov)
    with pytest.raises(PmError, match="simulated"):
        disputes.decide(gov, code, "upheld", "Unit heads own revenue from now on", actor="bob", now=NOW)
    assert (_owner(gov), disputes.get(gov, code)["status"], _seq(gov)) == (None, "heard", before)


def _raci(conn, kpi="REV"):
    return sorted(tuple(r) for r in conn.execute(
        "SELECT r.activity, o.code, r.letter FROM raci r JOIN roles o ON o.id = r.role_id JOIN kpis k"
        " ON k.id = r.kpi_id WHERE k.code = ?", [kpi]))


def test_upheld_attribution_makes_the_role_accountable_for_the_result(gov):
    a = {"actor": "admin", "now": NOW}
    users.create_role(gov, "CONTROLLER", "Controller", ["view"], **a)
    kpi, controller = fw.id_of(gov, "kpis", "REV"), fw.id_of(gov, "roles", "CONTROLLER")
    with atomic(gov):
        audit.insert(gov, "raci", {"kpi_id": kpi, "activity": "report", "role_id": controller, "letter": "A"}, **a)
        audit.insert(gov, "raci", {"kpi_id": kpi, "activity": "create", "role_id": controller, "letter": "A"}, **a)
    code = _raise(gov, kind="attribution", unit="BU_A", claim="Unit A's revenue result is earned by its head")["code"]
    disputes.hear(gov, code, "Sales data shows the head's accounts", actor="bob", now=NOW)
    row = disputes.decide(gov, code, "upheld", "Unit A's head answers for the result", actor="bob", now=NOW)
    assert row["applied"] == "result attributed to BU_A; RACI report: CONTROLLER A -> R, HEAD -> A"
    assert _raci(gov) == [("create", "CONTROLLER", "A"), ("report", "CONTROLLER", "R"), ("report", "HEAD", "A")]
    assert row["unit"] == "BU_A" and _owner(gov) is None  # attribution leaves the owner alone
    assert verify.verify(gov).ok


def test_list_puts_open_disputes_first_and_filters(gov):
    first = _raise(gov)["code"]
    disputes.hear(gov, first, "Both sides were heard in full", actor="bob", now=NOW)
    disputes.decide(gov, first, "rejected", "Analysts keep revenue for now", actor="bob", now=NOW)
    second = _raise(gov, kpi="DEFECTS")["code"]
    assert [d["code"] for d in disputes.list_disputes(gov)] == [second, first]
    assert [d["code"] for d in disputes.list_disputes(gov, status="decided")] == [first]
    assert [d["code"] for d in disputes.list_disputes(gov, limit=1, offset=1)] == [first]
    assert disputes.count(gov) == 2 and disputes.count(gov, status="raised") == 1
    with pytest.raises(PmError, match="status must be one of"):
        disputes.list_disputes(gov, status="open")
    with pytest.raises(NotFound, match="unknown dispute 'DSP-999'"):
        disputes.get(gov, "DSP-999")
    assert committees.get(gov, "GOV")["open_disputes"] == 1
