"""The audit trail covers approvals, submissions, adjustments, permission changes and refusals;
an element's printable history and the paged, filtered browser show them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pmtui.services import audit_browse, audit_history, corrections, history_report, roles, target_revisions
from pmtui.services import measurements as ms
from pmtui.services import users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW
from tests.controls.helpers import measurement_id


def _entries(conn, entity, key=None):
    sql = "SELECT * FROM audit_log WHERE entity = ?" + (" AND entity_key = ?" if key else "") + " ORDER BY seq"
    return [dict(r) for r in conn.execute(sql, [entity, str(key)] if key else [entity])]


def _new_value(conn, period: str = "2026-10") -> int:
    """ann submits a value (no target yet, so no commentary is needed to approve it)."""
    ms.enter_value(conn, "REV", "BU_A", period, "101", submit=True, actor="ann", now=NOW)
    return measurement_id(conn, "REV", period)


def test_submissions_and_approvals_are_audited_with_old_and_new(mini):
    key = _new_value(mini)
    ms.decide(mini, "REV", "BU_A", "2026-10", approve=True, actor="bob", now=NOW)
    trail = _entries(mini, "measurements", key)
    assert [(e["actor"], e["action"]) for e in trail] == [("ann", "measurement.submitted"),
                                                         ("bob", "measurement.approve")]
    assert json.loads(trail[0]["new"])["status"] == "submitted"
    old, new = json.loads(trail[1]["old"]), json.loads(trail[1]["new"])
    assert (old["status"], new["status"], new["decided_by"]) == ("submitted", "approved", "bob")


def test_target_approvals_and_manual_adjustments_are_audited(mini):
    revision = target_revisions.request(mini, "REV", "BU_A", "2026-09", 90, reason="lost a customer",
                                        actor="admin", now=NOW)
    target_revisions.decide(mini, revision["id"], approve=True, note="agreed", actor="bob", now=NOW)
    decided = _entries(mini, "target_revisions", revision["id"])
    assert [(e["actor"], json.loads(e["new"])["status"]) for e in decided] == [("admin", "submitted"),
                                                                              ("bob", "approved")]
    target = [e for e in _entries(mini, "targets") if e["old"]]
    assert [(json.loads(e["old"])["target"], json.loads(e["new"])["target"], e["actor"]) for e in target] == [
        (100.0, 90.0, "bob")]
    proposed = corrections.propose(mini, "REV", "BU_A", "2026-08", "96", "typo in the ledger", actor="ann", now=NOW)
    corrections.decide(mini, proposed["id"], approve=True, actor="bob", now=NOW)
    value = [e for e in _entries(mini, "measurements", measurement_id(mini, "REV", "2026-08")) if e["old"]][-1]
    assert (json.loads(value["old"])["value"], json.loads(value["new"])["value"]) == (95.0, 96.0)
    assert value["reason"] == "typo in the ledger"


def test_permission_changes_and_refusals_are_audited(mini):
    roles.assign(mini, "ann", "HEAD", "BU_A", date(2026, 12, 1), actor="admin", now=NOW)
    granted = _entries(mini, "role_assignments")[-1]
    assert granted["actor"] == "admin" and json.loads(granted["new"])["valid_from"] == "2026-12-01"
    with pytest.raises(PermissionDenied):
        roles.assign(mini, "bob", "ADMIN", None, date(2026, 12, 1), actor="ann", now=NOW)
    refused = [dict(r) for r in mini.execute("SELECT * FROM audit_log WHERE action LIKE 'refused.%'")]
    assert [(r["actor"], r["action"], r["entity"]) for r in refused] == [("ann", "refused.administer",
                                                                        "role_assignments")]
    assert "lacks permission 'administer'" in refused[0]["reason"]
    assert json.loads(refused[0]["new"])["attempted"] == {"from": "2026-12-01"}


# --- the printable history ------------------------------------------------------------


def test_history_of_a_measurement_from_its_first_entry(mini):
    _new_value(mini)
    with pytest.raises(PmError):
        ms.decide(mini, "REV", "BU_A", "2026-10", approve=True, actor="ann", now=NOW)  # four eyes: refused
    ms.decide(mini, "REV", "BU_A", "2026-10", approve=True, actor="bob", now=NOW)
    element = audit_history.element_of(mini, kpi="REV", unit="BU_A", period="2026-10")
    assert element.entity == "measurements" and element.label == "measurement REV at BU_A for 2026-10"
    hist = audit_history.history(mini, element)
    assert [(e["actor"], e["action"], e["kind"]) for e in hist.entries] == [
        ("ann", "measurement.submitted", "insert"), ("ann", "refused.approve", "refused"),
        ("bob", "measurement.approve", "update")]
    approval = hist.entries[-1]["changes"]
    assert {"field": "status", "old": "submitted", "new": "approved", "created": False} in approval
    assert hist.current["status"] == "approved"
    text = history_report.render(hist, "text", now=NOW, actor="carol")
    assert "History of measurement REV at BU_A for 2026-10" in text
    assert "status: submitted -> approved" in text and "kpi_id: 1 (REV)" in text
    assert "Printed 2026-11-26T09:00:00Z by carol" in text
    assert text.index("measurement.submitted") < text.index("measurement.approve")


def test_history_of_a_kpi_definition_and_of_a_unit(mini):
    kpi = audit_history.element_of(mini, kpi="REV")
    assert (kpi.entity, kpi.label) == ("kpis", "KPI REV (Revenue)")
    unit = audit_history.element_of(mini, unit="BU_B")
    assert unit.label == "unit BU_B (Unit B)"
    hist = audit_history.history(mini, unit)
    assert [e["action"] for e in hist.entries] == ["units.insert"]
    assert {"field": "parent_id", "old": None, "new": 2, "created": True} in hist.entries[0]["changes"]
    assert "parent_id: 2 (NORTH)" in history_report.render(hist, "md", now=NOW)


def test_history_of_a_deleted_row_and_by_entity_and_key(mini):
    element = audit_history.element_of(mini, entity="users", key="2")
    assert element.label == "users 2 (ann)"
    with pytest.raises(NotFound, match="no audit entry"):
        audit_history.element_of(mini, entity="users", key="999")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"entity": "audit_log", "key": "1"}, "not an audited table"),
    ({"entity": "users"}, "name an element"),
    ({"kpi": "REV", "unit": "BU_A"}, "go together"),
    ({"unit": "BU_A", "period": "2026-09"}, "go together"),
    ({}, "go together"),
    ({"kpi": "NOPE"}, "unknown KPI 'NOPE'"),
    ({"kpi": "REV", "unit": "BU_A", "period": "2026-13"}, "not in the form YYYY-MM"),
    ({"kpi": "REV", "unit": "BU_A", "period": "2020-01"}, "no measurement of REV at BU_A for 2020-01"),
])
def test_elements_named_wrongly(mini, kwargs, message):
    with pytest.raises(PmError, match=message):
        audit_history.element_of(mini, **kwargs)


def test_printable_formats_escape_and_write(mini, tmp_path):
    ms.enter_value(mini, "REV", "BU_A", "2026-10", "7", comment="<b>bold</b> & | pipes", submit=True,
                   actor="ann", now=NOW)
    hist = audit_history.history(mini, audit_history.element_of(mini, kpi="REV", unit="BU_A", period="2026-10"))
    page = history_report.render(hist, "html", now=NOW)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt; &amp; | pipes" in page
    md = history_report.render(hist, "md", now=NOW)
    assert "\\<b\\>bold\\</b\\> \\& \\| pipes" in md
    path = history_report.write(hist, tmp_path / "out" / "h.html", "html", now=NOW)
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert history_report.format_for("x.MD") == "md" and history_report.format_for("x.txt") == "text"
    with pytest.raises(PmError, match="format"):
        history_report.render(hist, "pdf", now=NOW)


def test_history_includes_the_bulk_import_that_created_a_value(mini, tmp_path):
    from pmtui.services import imports

    csv = tmp_path / "in.csv"
    csv.write_text("unit,kpi,period,value\nBU_A,REV,2026-10,88\nBU_A,DEFECTS,2026-10,410\n")
    imports.import_measurements(mini, csv, actor="ann", now=NOW)
    element = audit_history.element_of(mini, kpi="DEFECTS", unit="BU_A", period="2026-10")
    hist = audit_history.history(mini, element)
    assert [e["action"] for e in hist.entries] == ["measurement.import"]
    changes = {c["field"]: c["new"] for c in hist.entries[0]["changes"]}
    assert changes["value"] == 410 and changes["status"] == "submitted"


# --- browsing -------------------------------------------------------------------------


def test_keyset_pages_newest_first_without_overlap(mini):
    total = mini.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    seen, before, pages = [], None, 0
    while True:
        page = audit_browse.page(mini, audit_browse.Filter(), before=before, limit=7)
        seen += [r["seq"] for r in page.rows]
        pages += 1
        if not page.more:
            break
        before = page.last_seq
    assert seen == list(range(total, 0, -1)) and pages == -(-total // 7)
    assert "old" not in page.rows[0] and "new" not in page.rows[0]


def test_filters(mini):
    _new_value(mini)
    ms.decide(mini, "REV", "BU_A", "2026-10", approve=True, actor="bob", now=NOW)

    def actions(**kw):
        return [(r["entity"], r["action"]) for r in audit_browse.page(mini, audit_browse.Filter(**kw)).rows]

    rev = actions(kpi="rev", unit="BU_A", period="2026-10")
    assert rev == [("measurements", "measurement.approve"), ("measurements", "measurement.submitted"),
                   ("kpis", "kpis.insert")]
    assert ("targets", "targets.insert") in actions(kpi="REV", unit="BU_A", period="2026-09")
    assert {a for _, a in actions(actor="bob")} == {"measurement.approve"}
    assert actions(actor="bob", date_from="2026-11-27") == []
    assert len(actions(actor="bob", date_to="2026-11-26")) == 5
    assert actions(entity="users", key="2") == [("users", "users.insert")]
    kpi_only = actions(kpi="DEFECTS")
    assert {e for e, _ in kpi_only} == {"kpis", "measurements", "targets", "objective_kpis"}
    unit = actions(unit="BU_B")
    assert unit == [("units", "units.insert")]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"date_from": "2026-13-01"}, "from '2026-13-01' must be a date"),
    ({"date_to": "yesterday"}, "to 'yesterday' must be a date"),
    ({"key": "3"}, "a key needs its entity"),
    ({"entity": "nope"}, "not an audited table"),
    ({"kpi": "NOPE"}, "unknown KPI"),
    ({"period": "2026-09"}, "a period narrows a KPI or unit"),
    ({"kpi": "REV", "period": "2026-9"}, "not in the form"),
])
def test_bad_filters(mini, kwargs, message):
    with pytest.raises(PmError, match=message):
        audit_browse.page(mini, audit_browse.Filter(**kwargs))


def test_refused_attempts_appear_under_the_element(mini):
    with pytest.raises(PermissionDenied):
        ms.enter_value(mini, "REV", "BU_B", "2026-09", "5", actor="ann", now=NOW)
    rows = audit_browse.page(mini, audit_browse.Filter(kpi="REV", unit="BU_B")).rows
    assert [(r["action"], r["entity_key"]) for r in rows][0] == ("refused.enter_data", "REV|BU_B|2026-09")
    assert audit_browse.Filter(kpi="REV", actor="ann").describe() == "kpi REV · user ann"
    assert audit_browse.Filter().describe() == "everything"


def test_one_entry_in_detail(mini):
    entry = audit_history.entry(mini, 1)
    assert entry["seq"] == 1 and entry["kind"] == "insert" and entry["changes"]
    with pytest.raises(NotFound):
        audit_history.entry(mini, 10**6)
    users.create_user(mini, "dora", "Dora", actor="admin", now=NOW)
    assert audit_history.entry(mini, mini.execute("SELECT max(seq) FROM audit_log").fetchone()[0])["actor"] == "admin"
