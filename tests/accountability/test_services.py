"""Services on the mini company: ownership by roles, permissions, RACI, escalation, incentives, gaming."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.services import escalation, gaming, incentives, permissions, raci, roles, settings, users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.accountability.conftest import TODAY
from tests.builders import NOW


def audit_actions(conn, entity):
    return [r[0] for r in conn.execute("SELECT action FROM audit_log WHERE entity = ? ORDER BY seq", [entity])]


# --- ownership by roles -------------------------------------------------------------------

def test_holders_nearest_first_with_group_wide_last(gov):
    users.create_user(gov, "carl", "Carl Head", actor="admin", now=NOW)
    roles.assign(gov, "carl", "HEAD", "NORTH", date(2026, 1, 1), actor="admin", now=NOW)
    found = roles.holders(gov, "HEAD", "BU_A", TODAY)
    assert [(h["user"], h["held_at"], h["distance"]) for h in found] == [("carl", "NORTH", 1), ("bob", None, 3)]
    assert [h["user"] for h in roles.holders(gov, "HEAD", "BU_A", date(2025, 6, 1))] == ["bob"]
    assert [h["user"] for h in roles.holders(gov, "ANALYST", None, TODAY)] == ["ann"]


def test_end_assignment_keeps_history_and_leaves_the_role_unheld(gov):
    before = roles.unheld(gov, TODAY)
    row = users.end_assignment(gov, "ann", "ANALYST", "BU_A", date(2026, 10, 31), actor="admin", now=NOW,
                               reason="left the company")
    assert row["valid_to"] == "2026-10-31"
    assert audit_actions(gov, "role_assignments")[-1] == "role_assignments.end"
    history = roles.role_history(gov, "ANALYST", today=TODAY)
    assert [(h["user"], h["unit"], h["valid_from"], h["valid_to"], h["current"]) for h in history] == [
        ("ann", "BU_A", "2020-01-01", "2026-10-31", False)]
    # ann still held it on her last day: ownership on that day is intact
    assert [h["user"] for h in roles.holders(gov, "ANALYST", "BU_A", date(2026, 10, 31))] == ["ann"]
    after = {(u["kind"], u["element"], u["detail"], u["role"]): u["units"] for u in roles.unheld(gov, TODAY)}
    assert len(after) > len(before)
    assert after[("raci", "REV", "create R", "ANALYST")] == ["BU_A"]
    assert after[("escalation", "process step 1", "business_unit", "ANALYST")] == ["BU_A", "BU_B"]
    rev = next(u for u in roles.unheld(gov, TODAY) if u["element"] == "REV")
    assert rev["last_holder"] == {"user": "ann", "held_at": "BU_A", "valid_to": "2026-10-31"}


def test_end_assignment_refusals(gov):
    with pytest.raises(PermissionDenied, match="lacks permission 'administer'"):
        users.end_assignment(gov, "ann", "ANALYST", "BU_A", date(2026, 10, 31), actor="bob", now=NOW)
    assert audit_actions(gov, "role_assignments")[-1] == "refused.administer"
    with pytest.raises(NotFound, match="ann does not hold ANALYST at BU_B on 2026-10-31"):
        users.end_assignment(gov, "ann", "ANALYST", "BU_B", date(2026, 10, 31), actor="admin", now=NOW)
    with pytest.raises(NotFound, match="unknown unit"):
        users.end_assignment(gov, "ann", "ANALYST", "NOPE", date(2026, 10, 31), actor="admin", now=NOW)


def test_assign_refuses_an_overlap_and_needs_administer(gov):
    with pytest.raises(PmError, match="already holds ANALYST at BU_A from 2020-01-01"):
        roles.assign(gov, "ann", "ANALYST", "BU_A", date(2026, 12, 1), actor="admin", now=NOW)
    with pytest.raises(PermissionDenied):
        roles.assign(gov, "bob", "ANALYST", "BU_B", date(2026, 12, 1), actor="ann", now=NOW)
    users.end_assignment(gov, "ann", "ANALYST", "BU_A", date(2026, 10, 31), actor="admin", now=NOW)
    row = roles.assign(gov, "ann", "ANALYST", "BU_A", date(2026, 12, 1), actor="admin", now=NOW)
    assert row["valid_from"] == "2026-12-01"
    assert len(roles.role_history(gov, "ANALYST")) == 2


def test_unheld_kinds_and_published_filter(gov):
    found = roles.unheld(gov, TODAY)
    assert [(u["kind"], u["element"], u["role"], u["units"]) for u in found] == [
        ("escalation", "process step 1", "ANALYST", ["BU_B"])]
    assert roles.unheld(gov, TODAY, published=True) == []  # BU_B is confidential
    # A KPI and an objective owned by a role that nobody holds.
    users.create_role(gov, "NOBODY", "Vacant", ["view"], actor="admin", now=NOW)
    gov_kpi = gov.execute("SELECT id FROM roles WHERE code = 'NOBODY'").fetchone()[0]
    from pmtui.store import audit
    from pmtui.store.db import atomic
    with atomic(gov):
        audit.update(gov, "kpis", gov.execute("SELECT id FROM kpis WHERE code = 'REV'").fetchone()[0],
                     {"owner_role_id": gov_kpi}, actor="admin", now=NOW)
    kinds = {(u["kind"], u["element"]): u["units"] for u in roles.unheld(gov, TODAY)}
    assert kinds[("kpi", "REV")] == ["BU_A"]


# --- permissions matrix -------------------------------------------------------------------

def test_permissions_matrix_grant_and_revoke_are_audited(gov):
    matrix = permissions.matrix(gov, TODAY)
    analyst = next(r for r in matrix["roles"] if r["role"] == "ANALYST")
    assert matrix["permissions"] == list(users.PERMISSIONS)
    assert analyst["granted"] == {"view": True, "enter_data": True, "approve": False, "edit_definitions": False,
                                  "edit_targets": False, "administer": False} and analyst["holders"] == 1
    result = permissions.grant(gov, "ANALYST", "approve", actor="admin", now=NOW)
    assert result == {"role": "ANALYST", "permissions": ["view", "enter_data", "approve"], "changed": True}
    assert users.has_permission(gov, "ann", "approve", None, TODAY) is False  # ann holds it at BU_A only
    assert permissions.grant(gov, "ANALYST", "approve", actor="admin", now=NOW)["changed"] is False
    permissions.revoke(gov, "ANALYST", "approve", actor="admin", now=NOW)
    assert audit_actions(gov, "roles")[-2:] == ["roles.grant", "roles.revoke"]


def test_permission_changes_are_refused_and_recorded(gov):
    with pytest.raises(PermissionDenied, match="refused: user bob lacks permission 'administer'"):
        permissions.grant(gov, "HEAD", "administer", actor="bob", now=NOW)
    row = gov.execute("SELECT action, new FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert row["action"] == "refused.administer" and '"grant":"administer"' in row["new"].replace(" ", "")
    with pytest.raises(PmError, match="unknown permission 'fly'"):
        permissions.grant(gov, "HEAD", "fly", actor="admin", now=NOW)
    with pytest.raises(PmError, match="would leave nobody able to administer"):
        permissions.revoke(gov, "ADMIN", "administer", actor="admin", now=NOW)
    assert "administer" in gov.execute("SELECT permissions FROM roles WHERE code = 'ADMIN'").fetchone()[0]


# --- RACI ---------------------------------------------------------------------------------

def test_raci_matrix_page_and_violations(gov):
    page = raci.matrix(gov, limit=2, offset=0)
    assert page["total"] == 4 and [r["kpi"] for r in page["rows"]] == ["REV", "DEFECTS"]
    rev = page["rows"][0]
    assert rev["cells"]["validate"] == [{"role": "HEAD", "letter": "R"}, {"role": "ADMIN", "letter": "A"}]
    assert rev["violations"] == []
    assert [v["rule"] for v in page["rows"][1]["violations"]] == ["no_raci"]
    assert [r["kpi"] for r in raci.matrix(gov, unit="BU_A")["rows"]] == ["REV", "DEFECTS"]  # linked to BU_A objectives
    assert [(v.kpi, v.rule) for v in raci.check(gov)] == [
        ("DEFECTS", "no_raci"), ("SAND", "several_accountable"), ("SAND", "creator_validates")]


def test_raci_set_for_a_perspective_in_one_transaction(gov):
    result = raci.set_entry(gov, perspective="INT", activity="create", role="ANALYST", letter="R",
                            actor="admin", now=NOW)
    assert result["kpis"] == ["DEFECTS", "HUG", "SAND"] and result["changed"] == 1  # only DEFECTS was missing it
    reasons = [r[0] for r in gov.execute("SELECT reason FROM audit_log WHERE entity = 'raci' ORDER BY seq DESC LIMIT 1")]
    assert reasons == ["applied to every KPI of perspective INT"]
    cleared = raci.set_entry(gov, kpi="REV", activity="report", role="ANALYST", letter=None, actor="admin", now=NOW)
    assert cleared["changed"] == 1 and [v["rule"] for v in cleared["violations"]] == ["no_responsible"]
    assert audit_actions(gov, "raci")[-1] == "raci.clear"


@pytest.mark.parametrize("kwargs, message", [
    ({"kpi": "REV", "perspective": "FIN"}, "not both or neither"),
    ({}, "not both or neither"),
    ({"kpi": "REV", "activity": "approve"}, "activity must be one of"),
    ({"kpi": "REV", "letter": "X"}, "letter must be one of"),
    ({"kpi": "NOPE"}, "unknown KPI 'NOPE'"),
    ({"kpi": "REV", "role": "NOPE"}, "unknown role 'NOPE'"),
    ({"perspective": "LRN"}, "perspective LRN has no active KPI"),
])
def test_raci_set_errors(gov, kwargs, message):
    args = {"activity": "create", "role": "HEAD", "letter": "R"} | kwargs
    with pytest.raises(PmError, match=message):
        raci.set_entry(gov, actor="admin", now=NOW, **args)


def test_raci_set_needs_edit_definitions(gov):
    with pytest.raises(PermissionDenied):
        raci.set_entry(gov, kpi="REV", activity="create", role="HEAD", letter="R", actor="ann", now=NOW)
    assert audit_actions(gov, "raci")[-1] == "refused.edit_definitions"


# --- escalation -----------------------------------------------------------------------------

def test_escalation_path_with_holders_and_the_current_step(gov):
    path = escalation.path(gov, "process", "BU_A", 7, TODAY)
    assert path["current_step"] == 2 and path["opened_on"] == "2026-11-19"
    assert [(s["step"], s["unit"], s["role"], s["state"], s["due_on"], [h["user"] for h in s["holders"]])
            for s in path["steps"]] == [(1, "BU_A", "ANALYST", "passed", "2026-11-19", ["ann"]),
                                        (2, "NORTH", "HEAD", "now", "2026-11-24", ["bob"])]
    individual = escalation.path(gov, "individual", "BU_B", 1, TODAY)
    assert [(s["unit"], s["state"]) for s in individual["steps"]] == [("BU_B", "now"), ("GROUP", "next")]
    assert individual["steps"][0]["holders"][0]["held_at"] is None  # bob holds HEAD group-wide


def test_escalation_rules_must_form_a_chain(gov):
    with pytest.raises(PmError, match="without gaps"):
        escalation.set_rule(gov, "process", 4, 40, "group", "ADMIN", actor="admin", now=NOW)
    with pytest.raises(PmError, match="step 2 waits 5 days, less than step 1"):
        escalation.set_rule(gov, "process", 1, 9, "business_unit", "ANALYST", actor="admin", now=NOW)
    rows = escalation.set_rule(gov, "process", 3, 20, "group", "ADMIN", actor="admin", now=NOW)
    assert [(r["step"], r["level"]) for r in rows] == [(1, "business_unit"), (2, "region"), (3, "group")]
    with pytest.raises(PmError, match="only the last step"):
        escalation.remove_rule(gov, "process", 2, actor="admin", now=NOW)
    assert len(escalation.remove_rule(gov, "process", 3, actor="admin", now=NOW)) == 2
    with pytest.raises(PermissionDenied):
        escalation.set_rule(gov, "process", 3, 20, "group", "ADMIN", actor="bob", now=NOW)


def test_escalation_from_a_root_cause_record(gov):
    from pmtui.store import audit
    from pmtui.store.db import atomic
    ids = {c: gov.execute(f"SELECT id FROM {t} WHERE code = ?", [c]).fetchone()[0]
           for t, c in (("kpis", "REV"), ("units", "BU_A"))}
    with atomic(gov):
        rid = audit.insert(gov, "root_causes", {"kpi_id": ids["REV"], "unit_id": ids["BU_A"], "period": "2026-09",
                                                "template": "five_whys", "problem": "Revenue fell",
                                                "classification": "individual", "created_by": "bob",
                                                "created_at": "2026-11-20T10:00:00Z"}, actor="bob", now=NOW)
        unclassified = audit.insert(gov, "root_causes", {"kpi_id": ids["REV"], "unit_id": ids["BU_A"],
                                                         "period": "2026-08", "template": "fishbone",
                                                         "problem": "?", "created_by": "bob",
                                                         "created_at": "2026-11-20T10:00:00Z"}, actor="bob", now=NOW)
    path = escalation.path_for_root_cause(gov, rid, TODAY)
    assert (path["classification"], path["unit"], path["days_open"], path["current_step"]) == ("individual", "BU_A", 6, 2)
    with pytest.raises(PmError, match="not classified yet"):
        escalation.path_for_root_cause(gov, unclassified, TODAY)
    with pytest.raises(NotFound):
        escalation.path_for_root_cause(gov, 999, TODAY)


# --- incentives and gaming -------------------------------------------------------------------

def test_incentive_weights_add_up_to_at_most_one(gov):
    assert incentives.links(gov) == [{"role": "HEAD", "kpi": "HUG", "kpi_name": "Hugged cost", "weight": 0.5}]
    incentives.set_link(gov, "HEAD", "SAND", 0.5, actor="admin", now=NOW)
    with pytest.raises(PmError, match="would add up to 1.10"):
        incentives.set_link(gov, "HEAD", "REV", 0.1, actor="admin", now=NOW)
    with pytest.raises(PmError, match="above 0 and at most 1"):
        incentives.set_link(gov, "HEAD", "REV", 0, actor="admin", now=NOW)
    rows = incentives.set_link(gov, "HEAD", "SAND", None, actor="admin", now=NOW)
    assert [r["kpi"] for r in rows] == ["HUG"]
    with pytest.raises(PermissionDenied):
        incentives.set_link(gov, "HEAD", "REV", 0.1, actor="ann", now=NOW)


def test_gaming_scan_finds_both_cases_incentivised_first(gov):
    data = gaming.scan(gov, today=TODAY)
    assert [(f["kind"], f["kpi"], f["unit"], f["period"], f["incentivised"]) for f in data["findings"]] == [
        ("hugging", "HUG", "BU_A", "2026-09", True), ("sandbagging", "SAND", "BU_A", "2026-10", False)]
    hug, sand = data["findings"]
    assert hug["evidence"]["hits"] == 12 and hug["evidence"]["spread_from"] == "baseline"
    assert hug["incentives"] == [{"role": "HEAD", "weight": 0.5}]
    assert sand["evidence"]["mean"] == 100 and sand["evidence"]["easier_by"] == pytest.approx(0.2)
    assert data["pairs"] == 4  # REV, DEFECTS, SAND and HUG at BU_A: the pairs with a target
    only = gaming.scan(gov, today=TODAY, incentivised_only=True)
    assert [f["kpi"] for f in only["findings"]] == ["HUG"]
    assert gaming.scan(gov, today=TODAY, unit="BU_B")["findings"] == []
    assert [f["kind"] for f in gaming.scan(gov, today=TODAY, kpi="SAND")["findings"]] == ["sandbagging"]


def test_gaming_thresholds_come_from_settings(gov):
    settings.set_value(gov, "gaming_sandbag_margin", "0.25", actor="admin", now=NOW)
    limits = gaming.thresholds(gov)
    assert limits.sandbag_margin == 0.25 and limits.window == 12
    assert [f["kpi"] for f in gaming.scan(gov, today=TODAY)["findings"]] == ["HUG"]  # 20 % is within 25 %
    assert gaming.thresholds(gov, sandbag_margin="0.1").sandbag_margin == 0.1      # an override wins
    settings.set_value(gov, "gaming_window", "lots", actor="admin", now=NOW)
    with pytest.raises(PmError, match="setting gaming_window must be a number, not 'lots'"):
        gaming.thresholds(gov)
    with pytest.raises(PmError, match="gaming thresholds: hug_share must be"):
        gaming.thresholds(gov, window="12", hug_share="2")
