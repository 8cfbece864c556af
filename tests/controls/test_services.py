"""Control assessments on the mini company: each control finds what it should, runs are
recorded as history, and sign-off follows permission and four eyes."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest

from pmtui.services import controls, corrections, framework as fw, settings, target_revisions, users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic
from tests.builders import NOW
from tests.controls.helpers import IN_Q3, edit_approved, measurement_id, self_approve, without_trigger


def _by_control(result: dict, control: str) -> list[dict]:
    return [f for f in result["findings"] if f["control"] == control]


def _evaluate(conn, quarter="2026Q4", now=NOW):
    outcomes, found = controls.evaluate(conn, quarter, now=now)
    return {o.control: o for o in outcomes}, found


def test_a_clean_file_has_only_access_findings(mini):
    result = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    assert result["status"] == "open" and result["quarter"] == "2026Q4" and result["run_by"] == "bob"
    integrity = [f for f in result["findings"] if f["area"] == "integrity"]
    assert integrity == []
    assert [c["control"] for c in result["controls"]] == [
        "integrity_check", "audit_chain", "orphan_rows", "four_eyes", "changes_after_approval", "target_changes",
        "refused_attempts", "segregation_of_duties", "administrators", "dormant_accounts", "vacant_roles"]
    assert "verified OK" in result["controls"][1]["checked"]
    # admin (every permission, group-wide) combines entering and approving, and has never acted
    sod = _by_control(result, "segregation_of_duties")
    assert [(f["element"], f["severity"]) for f in sod] == [("user:admin", "medium")]
    dormant = _by_control(result, "dormant_accounts")
    assert [(f["element"], f["severity"]) for f in dormant] == [("user:admin", "high")]
    assert _by_control(result, "administrators")[0]["severity"] == "info"
    assert result["summary"] == "11 controls run; 1 high, 1 medium, 1 info"
    assert (result["high"], result["medium"], result["low"], result["info"]) == (1, 1, 0, 1)
    assert result["audit_seq"] == mini.execute("SELECT max(seq) FROM audit_log WHERE action != 'control.run'"
                                               " AND action != 'control.finding'").fetchone()[0]


def test_four_eyes_breach_found_in_rows_and_history_and_scoped_to_its_quarter(mini):
    key = self_approve(mini)
    checks, found = _evaluate(mini, "2026Q3")
    breaches = [f for f in found if f.control == "four_eyes"]
    assert len(breaches) == 1
    assert breaches[0].severity == "high" and breaches[0].element == f"measurements:{key}"
    assert breaches[0].kpi == "REV" and breaches[0].unit == "BU_A"
    assert "approved by ann, who also made it" in breaches[0].detail
    assert checks["four_eyes"].findings == 1
    # the breach happened in Q3: Q4's assessment does not report it
    _, q4 = _evaluate(mini, "2026Q4")
    assert not [f for f in q4 if f.control == "four_eyes"]


def test_four_eyes_breach_seen_in_the_audit_trail_after_the_row_moved_on(mini):
    key = self_approve(mini)
    # an administrator "repairs" the row to look legitimate: the history still shows the breach
    mini.execute("DROP TRIGGER measurements_approved_fields")
    with atomic(mini):
        audit.update(mini, "measurements", key, {"decided_by": "bob"}, actor="admin", now=IN_Q3)
    _, found = _evaluate(mini, "2026Q3")
    breach = [f for f in found if f.control == "four_eyes"]
    assert len(breach) == 1 and breach[0].seq is not None and f"audit entry {breach[0].seq}" in breach[0].detail


def test_missing_four_eyes_triggers_raise_the_sod_severity_and_fail_verification(mini):
    mini.execute("DROP TRIGGER measurements_four_eyes")
    _, found = _evaluate(mini)
    sod = [f for f in found if f.control == "segregation_of_duties"]
    assert sod[0].severity == "high" and "nothing stops self-approval" in sod[0].detail
    chain = [f for f in found if f.control == "audit_chain"]
    assert any("measurements_four_eyes is missing" in f.detail for f in chain)


def test_approved_value_changed_without_correction(mini):
    key = edit_approved(mini, 123.0)
    _, found = _evaluate(mini, "2026Q3")
    hits = [f for f in found if f.control == "changes_after_approval"]
    assert len(hits) == 1 and hits[0].severity == "high" and hits[0].element == f"measurements:{key}"
    assert "changed from 100 to 123 by admin" in hits[0].detail


def test_approved_correction_is_not_a_finding_but_counted(mini):
    proposed = corrections.propose(mini, "REV", "BU_A", "2026-07", "101", "invoice booked twice",
                                   actor="ann", now=NOW)
    corrections.decide(mini, proposed["id"], approve=True, actor="bob", now=NOW)
    assert mini.execute("SELECT value FROM measurements WHERE id = ?",
                        [measurement_id(mini, "REV", "2026-07")]).fetchone()[0] == 101
    _, found = _evaluate(mini)
    hits = [f for f in found if f.control == "changes_after_approval"]
    assert [(f.severity, f.detail[:50]) for f in hits] == [
        ("info", "1 approved value(s) changed in the quarter, each t")]


def test_deleted_approved_value_is_a_finding(mini):
    key = measurement_id(mini, "DEFECTS", "2026-08")
    sql = mini.execute("SELECT sql FROM sqlite_master WHERE name = 'measurements_approved_delete'").fetchone()[0]
    mini.execute("DROP TRIGGER measurements_approved_delete")
    with atomic(mini):
        audit.delete(mini, "measurements", key, actor="admin", now=IN_Q3)
    mini.execute(sql)
    _, found = _evaluate(mini, "2026Q3")
    assert [f.detail.split(" by ")[0] for f in found if f.control == "changes_after_approval"] == [
        "approved value of DEFECTS at BU_A for 2026-08 deleted"]


def test_orphan_rows(mini):
    mini.execute("PRAGMA foreign_keys = OFF")
    with atomic(mini):
        audit.insert(mini, "objective_kpis", {"objective_id": 999, "kpi_id": 1, "weight": 1}, actor="admin", now=NOW)
    mini.execute("PRAGMA foreign_keys = ON")
    _, found = _evaluate(mini)
    orphans = [f for f in found if f.control == "orphan_rows"]
    assert len(orphans) == 1 and orphans[0].severity == "high"
    assert "1 row(s) of objective_kpis refer to missing objectives rows" in orphans[0].detail


def _edit_target(conn, period: str, target: float) -> None:
    key = conn.execute("SELECT t.id FROM targets t JOIN kpis k ON k.id = t.kpi_id WHERE k.code = 'REV'"
                       " AND t.period = ?", [period]).fetchone()[0]
    # as a tool that bypassed the target lock would
    without_trigger(conn, "targets_locked", lambda: audit.update(conn, "targets", key, {"target": target},
                                                                 actor="admin", now=NOW))


def test_target_changed_without_a_revision(mini):
    fw.set_target(mini, "REV", "BU_A", "2026-12", 100, 90, actor="system", now=NOW)
    _edit_target(mini, "2026-07", 90)
    _edit_target(mini, "2026-12", 95)
    _, found = _evaluate(mini)
    hits = [(f.severity, f.detail.split(" by ")[0]) for f in found if f.control == "target_changes"]
    assert hits == [("high", "target of REV at BU_A for 2026-07 changed from 100 to 90"),
                    ("medium", "target of REV at BU_A for 2026-12 changed from 100 to 95")]


def test_target_changed_through_an_approved_revision(mini):
    fw.set_target(mini, "REV", "BU_A", "2026-12", 100, 90, actor="system", now=NOW)
    revision = target_revisions.request(mini, "REV", "BU_A", "2026-12", 95, reason="new contract", actor="admin",
                                        now=NOW)
    target_revisions.decide(mini, revision["id"], approve=True, actor="bob", now=NOW)
    _, found = _evaluate(mini)
    assert [(f.severity, f.element) for f in found if f.control == "target_changes"] == [
        ("info", "target_revisions")]


def test_refused_attempts_per_user(mini):
    for _ in range(10):
        with pytest.raises(PermissionDenied):
            fw_settings = settings.set_value(mini, "scorecard_cap", "5", actor="ann", now=NOW)
            del fw_settings
    with pytest.raises(PermissionDenied):
        settings.set_value(mini, "scorecard_cap", "5", actor="bob", now=NOW)
    checks, found = _evaluate(mini)
    refused = {f.element: f.severity for f in found if f.control == "refused_attempts"}
    assert refused == {"user:ann": "low", "user:bob": "info"}
    assert checks["refused_attempts"].checked.startswith("11 refused attempt(s)")


def test_sod_at_one_unit_admins_over_the_cap_and_vacant_roles(mini):
    a = {"actor": "system", "now": NOW}
    users.create_user(mini, "carl", "Carl", **a)
    users.assign_role(mini, "carl", "ANALYST", "BU_A", date(2020, 1, 1), **a)
    users.assign_role(mini, "carl", "HEAD", None, date(2020, 1, 1), **a)
    users.create_role(mini, "AUDITOR", "Auditor", ["view"], **a)
    users.create_role(mini, "OWNER", "Owner", ["view"], **a)
    fw.create_kpi(mini, "SAFETY", name="Safety", uom="#", direction="lower", perspective="INT", owner_role="OWNER",
                  **a)
    for name in ("d1", "d2"):
        users.create_user(mini, name, name, **a)
        users.assign_role(mini, name, "ADMIN", None, date(2020, 1, 1), **a)
    settings.set_value(mini, "controls_max_admins", "1", actor="admin", now=NOW)
    _, found = _evaluate(mini)
    sod = {f.element: (f.severity, f.unit) for f in found if f.control == "segregation_of_duties"}
    assert sod["user:carl"] == ("low", "BU_A") and sod["user:d1"] == ("medium", None)
    admins = [f for f in found if f.control == "administrators"][0]
    assert admins.severity == "high" and "3 user(s) hold administer: admin, d1, d2 (most allowed: 1)" == admins.detail
    vacant = {f.element: f.severity for f in found if f.control == "vacant_roles"}
    assert vacant == {"role:AUDITOR": "info", "role:OWNER": "medium"}


def test_invalid_settings_are_findings_and_defaults_apply(mini):
    settings.set_value(mini, "controls_sod_rules", "enter_data+fly", actor="admin", now=NOW)
    settings.set_value(mini, "controls_dormant_days", "soon", actor="admin", now=NOW)
    _, found = _evaluate(mini)
    problems = [f for f in found if f.control == "settings"]
    assert [f.element for f in problems] == ["settings:controls_dormant_days", "settings:controls_sod_rules"]
    assert all(f.severity == "low" for f in problems)
    assert [f.element for f in found if f.control == "segregation_of_duties"] == ["user:admin"]


def test_dormant_window_is_configurable(mini):
    fw.set_setting(mini, "controls_dormant_days", "30", actor="system", now=NOW)
    later = datetime(2027, 1, 10, tzinfo=timezone.utc)
    _, found = _evaluate(mini, "2027Q1", now=later)  # everyone last acted on 2026-11-26: 45 days before
    assert {f.element for f in found if f.control == "dormant_accounts"} == {"user:admin", "user:ann", "user:bob"}
    _, found = _evaluate(mini, "2026Q4")
    assert {f.element for f in found if f.control == "dormant_accounts"} == {"user:admin"}


@pytest.mark.parametrize(("quarter", "message"), [
    ("2027Q1", "2027Q1 has not started yet"), ("2026Q7", "must look like 2026Q3"), ("", "must look like")])
def test_bad_or_future_quarters(mini, quarter, message):
    with pytest.raises(PmError, match=message):
        controls.run(mini, quarter, actor="bob", now=NOW)


def test_running_needs_group_wide_view_and_the_refusal_is_audited(mini):
    with pytest.raises(PermissionDenied, match="lacks permission 'view'"):
        controls.run(mini, "2026Q4", actor="ann", now=NOW)
    entry = mini.execute("SELECT actor, action, entity FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(entry) == ("ann", "refused.view", "control_assessments")
    assert mini.execute("SELECT count(*) FROM control_assessments").fetchone()[0] == 0


def test_every_finding_is_audited_with_the_assessment(mini):
    result = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    actions = [r[0] for r in mini.execute("SELECT action FROM audit_log WHERE entity IN"
                                          " ('control_assessments', 'control_findings') ORDER BY seq")]
    assert actions == ["control.run"] + ["control.finding"] * len(result["findings"])


def test_sign_off_by_a_controller(mini):
    run = controls.run(mini, "2026Q4", actor="admin", now=NOW)
    signed = controls.sign_off(mini, run["id"], "  Reviewed; dormant admin to be removed  ", actor="bob", now=NOW)
    assert (signed["status"], signed["signed_off_by"], signed["sign_off_note"]) == (
        "signed_off", "bob", "Reviewed; dormant admin to be removed")
    entry = mini.execute("SELECT action, reason, old, new FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry["action"] == "control.sign_off" and '"status":"open"' in entry["old"]


def test_sign_off_refusals(mini):
    run = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    with pytest.raises(PermissionDenied, match="'approve' group-wide or 'administer'"):
        controls.sign_off(mini, run["id"], "ok", actor="ann", now=NOW)
    with pytest.raises(PmError, match="four-eyes rule: an assessment cannot be signed off by the person who ran it"):
        controls.sign_off(mini, run["id"], "ok", actor="bob", now=NOW)
    refusals = mini.execute("SELECT actor, reason FROM audit_log WHERE action = 'refused.sign_off' ORDER BY seq")
    assert [r[0] for r in refusals] == ["ann", "bob"]
    with pytest.raises(PmError, match="needs a note"):
        controls.sign_off(mini, run["id"], "  ", actor="admin", now=NOW)
    with pytest.raises(PmError, match="spreadsheets run as a formula"):
        controls.sign_off(mini, run["id"], "=HYPERLINK()", actor="admin", now=NOW)
    with pytest.raises(NotFound, match="no control assessment 99"):
        controls.sign_off(mini, 99, "ok", actor="admin", now=NOW)
    with pytest.raises(PmError, match="must be a number"):
        controls.show(mini, "one")
    assert controls.show(mini, run["id"])["status"] == "open"


def test_signed_off_assessments_are_final_and_reruns_make_history(mini):
    first = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    controls.sign_off(mini, first["id"], "ok", actor="admin", now=NOW)
    with pytest.raises(PmError, match="already signed off by admin .* it is final"):
        controls.sign_off(mini, first["id"], "again", actor="admin", now=NOW)
    second = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    assert second["id"] != first["id"] and second["latest_for_quarter"]
    listed = controls.list_assessments(mini)
    assert [(a["id"], a["status"], a["latest_for_quarter"]) for a in listed] == [
        (second["id"], "open", True), (first["id"], "signed_off", False)]
    assert controls.list_assessments(mini, quarter="2026q4") == listed
    assert controls.list_assessments(mini, quarter="2026Q3") == []


@pytest.mark.parametrize("write", [
    lambda c, a, f: audit.update(c, "control_assessments", a, {"sign_off_note": "rewritten"}, actor="x", now=NOW),
    lambda c, a, f: audit.delete(c, "control_assessments", a, actor="x", now=NOW),
    lambda c, a, f: audit.update(c, "control_findings", f, {"severity": "info"}, actor="x", now=NOW),
    lambda c, a, f: audit.delete(c, "control_findings", f, actor="x", now=NOW),
    lambda c, a, f: audit.insert(c, "control_findings", {"assessment_id": a, "control": "x", "area": "access",
                                                         "severity": "info", "detail": "late"}, actor="x", now=NOW),
])
def test_the_database_refuses_changes_to_a_signed_off_assessment(mini, write):
    run = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    controls.sign_off(mini, run["id"], "ok", actor="admin", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="final|kept"):
        with atomic(mini):
            write(mini, run["id"], run["findings"][0]["id"])


def test_the_database_refuses_a_self_sign_off(mini):
    run = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="four-eyes"):
        with atomic(mini):
            audit.update(mini, "control_assessments", run["id"], {"status": "signed_off", "signed_off_by": "bob"},
                         actor="bob", now=NOW)


def test_findings_filter_by_severity(mini):
    run = controls.run(mini, "2026Q4", actor="bob", now=NOW)
    assert [f["severity"] for f in controls.findings(mini, run["id"], severity="high")] == ["high"]
    assert [f["severity"] for f in controls.findings(mini, run["id"])] == ["high", "medium", "info"]
