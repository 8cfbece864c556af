"""Standardised commentary (M7.5): writing it, when it is required, and the approval gate."""

from __future__ import annotations

import json

import pytest

from pmtui.services import commentary, users, verify
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW

PARTS = {"what_happened": "Revenue fell to 80 against a target of 100.",
         "why": "Two large customers postponed their orders to December.",
         "what_next": "Sales confirms the December orders by the middle of the month."}


def _status(conn, kpi="REV", period="2026-09"):
    return conn.execute("SELECT m.status FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                        " WHERE k.code = ? AND m.period = ?", [kpi, period]).fetchone()[0]


def _audit(conn, action):
    return [dict(r) for r in conn.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY seq", [action])]


def test_write_then_get_and_rewrite_are_audited(mini):
    row = commentary.write(mini, "REV", "BU_A", "2026-09", **PARTS, actor="ann", now=NOW)
    assert (row["complete"], row["required"], row["reason"], row["status"], row["written_by"]) == (
        True, True, "red against its target", "red", "ann")
    assert (row["value"], row["target"], row["workflow"]) == (80.0, 100.0, "submitted")
    [entry] = _audit(mini, "commentary.write")
    assert json.loads(entry["new"])["why"] == PARTS["why"] and entry["actor"] == "ann"
    commentary.write(mini, "REV", "BU_A", "2026-09", **PARTS, actor="ann", now=NOW)  # unchanged: no entry
    assert _audit(mini, "commentary.update") == []
    changed = PARTS | {"what_next": "Finance adjusts the forecast and sales calls both customers."}
    assert commentary.write(mini, "REV", "BU_A", "2026-09", **changed, actor="bob", now=NOW)["written_by"] == "bob"
    [update] = _audit(mini, "commentary.update")
    assert json.loads(update["old"])["what_next"] == PARTS["what_next"]
    assert verify.verify(mini).ok


def test_rules_refusal_names_the_three_parts_and_writes_nothing(mini):
    with pytest.raises(PmError, match="'what happened', 'why', 'what next': why says nothing specific"):
        commentary.write(mini, "REV", "BU_A", "2026-09", **(PARTS | {"why": "tbd tbd tbd tbd tbd tbd"}),
                         actor="ann", now=NOW)
    assert mini.execute("SELECT count(*) FROM commentaries").fetchone()[0] == 0


def test_writer_needs_enter_data_or_approve_for_the_unit(mini):
    users.create_user(mini, "vic", "Viewer", actor="admin", now=NOW)
    users.create_role(mini, "VIEWER", "Viewer", ["view"], actor="admin", now=NOW)
    users.assign_role(mini, "vic", "VIEWER", None, NOW.date(), actor="admin", now=NOW)
    with pytest.raises(PermissionDenied, match="lacks permission 'enter_data' or 'approve' for unit BU_A"):
        commentary.write(mini, "REV", "BU_A", "2026-09", **PARTS, actor="vic", now=NOW)
    assert [e["actor"] for e in _audit(mini, "refused.commentary")] == ["vic"]
    with pytest.raises(PermissionDenied):  # ann enters data for BU_A only
        commentary.write(mini, "REV", "BU_B", "2026-09", **PARTS, actor="ann", now=NOW)
    assert commentary.write(mini, "DEFECTS", "BU_A", "2026-09", **PARTS, actor="bob", now=NOW)["exists"]


@pytest.mark.parametrize("kpi, unit, period, error", [
    ("REV", "BU_A", "2026-10", "no value for REV BU_A 2026-10 yet"),
    ("NOPE", "BU_A", "2026-09", "unknown KPI 'NOPE'"),
    ("REV", "BU_Z", "2026-09", "unknown unit 'BU_Z'"),
    ("REV", "BU_A", "2026-13", "not in the form YYYY-MM"),
])
def test_unknown_targets_are_refused(mini, kpi, unit, period, error):
    with pytest.raises(PmError, match=error):
        commentary.write(mini, kpi, unit, period, **PARTS, actor="admin", now=NOW)


def test_required_follows_red_and_spc_concern(mini):
    assert commentary.required(mini, "REV", "BU_A", "2026-09") == "red against its target"
    assert commentary.required(mini, "REV", "BU_A", "2026-08") is None  # amber
    assert commentary.required(mini, "REV", "BU_A", "2026-10") is None  # no value
    kpi, unit = (fw.id_of(mini, t, c) for t, c in (("kpis", "REV"), ("units", "BU_A")))
    mini.execute("UPDATE spc_results SET special_cause = 'concern', rule = 'shift'"
                 " WHERE kpi_id = ? AND unit_id = ? AND period = '2026-08'", [kpi, unit])  # a cache, not audited
    assert commentary.required(mini, "REV", "BU_A", "2026-08") == "an SPC special cause of concern"


def test_missing_lists_values_without_a_complete_commentary(mini):
    assert [(m["kpi"], m["commentary"], m["reason"]) for m in commentary.missing(mini, "BU_A", "2026-09")] == [
        ("DEFECTS", "none", "red against its target"), ("REV", "none", "red against its target")]
    commentary.write(mini, "REV", "BU_A", "2026-09", **PARTS, actor="ann", now=NOW)
    assert [m["kpi"] for m in commentary.missing(mini, "BU_A", "2026-09")] == ["DEFECTS"]
    assert commentary.missing(mini, "BU_A", "2026-08") == []


def test_approving_a_red_value_needs_a_complete_commentary(mini):
    with pytest.raises(PmError) as refused:
        ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)
    message = str(refused.value)
    assert "REV BU_A 2026-09 is red against its target" in message
    assert "'what happened', 'why' and 'what next'" in message and "there is none yet" in message
    assert _status(mini) == "submitted"  # the approval rolled back with its audit entry
    approved = [json.loads(e["new"])["period"] for e in _audit(mini, "measurement.approve")]
    assert approved and "2026-09" not in approved
    commentary.write(mini, "REV", "BU_A", "2026-09", **PARTS, actor="ann", now=NOW)
    assert ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)["status"] == "approved"


def test_rejecting_a_red_value_needs_no_commentary(mini):
    ms.decide(mini, "DEFECTS", "BU_A", "2026-09", approve=False, reason="meter fault", actor="bob", now=NOW)
    assert _status(mini, "DEFECTS") == "rejected"


def test_an_incomplete_stored_commentary_does_not_pass_the_gate(mini):
    # a commentary stored before the rules tightened (written around the service on purpose)
    from pmtui.store import audit
    from pmtui.store.db import atomic
    kpi, unit = (fw.id_of(mini, t, c) for t, c in (("kpis", "REV"), ("units", "BU_A")))
    with atomic(mini):
        audit.insert(mini, "commentaries", {"kpi_id": kpi, "unit_id": unit, "period": "2026-09",
                                            "what_happened": "n/a", "why": "n/a", "what_next": "n/a",
                                            "written_by": "ann", "written_at": "2026-11-01T00:00:00Z"},
                     actor="ann", now=NOW)
    assert commentary.missing(mini, "BU_A", "2026-09")[1]["commentary"] == "incomplete"
    with pytest.raises(PmError, match="what happened is 3 characters long"):
        ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)


def _spc_company(mini):
    """CALLS at BU_A without targets: 12 steady months, then a jump in the bad direction (lower is better)."""
    fw.create_kpi(mini, "CALLS", name="Support calls", uom="count", direction="lower", actor="admin", now=NOW)
    months = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01"]
    for period, value in zip(months, [50, 52, 49, 51, 50, 48, 51, 50, 49, 52, 50, 51, 90]):
        ms.enter_value(mini, "CALLS", "BU_A", period, str(value), submit=True, actor="ann", now=NOW)
        if period != "2026-01":
            ms.decide(mini, "CALLS", "BU_A", period, approve=True, actor="bob", now=NOW)


def test_approving_an_spc_concern_needs_a_commentary(mini):
    _spc_company(mini)
    assert commentary.required(mini, "CALLS", "BU_A", "2026-01") is None  # not on the chart until approved
    with pytest.raises(PmError, match="CALLS BU_A 2026-01 is an SPC special cause of concern"):
        ms.decide(mini, "CALLS", "BU_A", "2026-01", approve=True, actor="bob", now=NOW)
    assert _status(mini, "CALLS", "2026-01") == "submitted"
    assert mini.execute("SELECT count(*) FROM spc_results WHERE period = '2026-01'").fetchone()[0] == 0
    commentary.write(mini, "CALLS", "BU_A", "2026-01", **PARTS, actor="ann", now=NOW)
    ms.decide(mini, "CALLS", "BU_A", "2026-01", approve=True, actor="bob", now=NOW)
    assert commentary.required(mini, "CALLS", "BU_A", "2026-01") == "an SPC special cause of concern"


@pytest.mark.parametrize("adopted, enforced", [
    ("2026-11-27", False), ("2026-11-26", True), ("2020-01-01", True), ("not a date", True), ("", True),
])
def test_the_adoption_date_setting(mini, adopted, enforced):
    fw.set_setting(mini, commentary.POLICY_SETTING, adopted, actor="admin", now=NOW)
    if enforced:
        with pytest.raises(PmError, match="needs a complete commentary"):
            ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)
    else:
        assert ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)["status"] == "approved"


def test_get_without_a_commentary(mini):
    row = commentary.get(mini, "REV", "BU_A", "2026-08")
    assert (row["exists"], row["complete"], row["required"], row["what_happened"], row["problems"]) == (
        False, False, False, "", [])
    with pytest.raises(NotFound):
        commentary.get(mini, "REV", "NOWHERE", "2026-08")
    assert commentary.latest_period(mini, "REV", "BU_A") == "2026-09"
