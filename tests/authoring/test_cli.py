"""The authoring commands and ``approve --all`` / ``reject --all`` on the mini company file."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest


def query(sql: str, *params):
    conn = sqlite3.connect(os.environ["PMTUI_DB"])
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def head() -> int:
    return query("SELECT max(seq) FROM audit_log")[0][0]


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_units_add_edit_list(run):
    out = ok(run("units", "add", "BU_C", "--name", "Unit C", "--kind", "business_unit", "--parent", "NORTH",
                 user="admin"))
    assert out == "unit BU_C: Unit C (business_unit) below NORTH, public\n"
    row = json.loads(ok(run("units", "edit", "BU_C", "--name", "Unit C (Lyon)", "--parent", "GROUP",
                            "--confidentiality", "internal", "--json", user="admin")))
    assert row == {"code": "BU_C", "name": "Unit C (Lyon)", "kind": "business_unit", "parent": "GROUP",
                   "confidentiality": "internal", "active": True}
    listed = json.loads(ok(run("units", "list", "--json")))
    assert [(u["code"], u["depth"]) for u in listed] == [("GROUP", 0), ("BU_C", 1), ("NORTH", 1), ("BU_A", 2),
                                                         ("BU_B", 2)]
    text = ok(run("units", "list")).splitlines()
    assert text[0].split() == ["code", "name", "kind", "confidentiality", "active"]
    assert text[4].startswith("    BU_A  Unit A")


def test_unit_cycle_and_unknown_codes_exit_1_and_write_nothing(run):
    before = head()
    for args, message in ((("units", "edit", "NORTH", "--parent", "BU_A"), "unit NORTH cannot go below BU_A"),
                          (("units", "edit", "NOPE", "--name", "x"), "unknown unit 'NOPE'"),
                          (("units", "add", "BU_C", "--name", "C", "--kind", "team", "--parent", "NOPE"),
                           "unknown unit 'NOPE'")):
        result = run(*args, user="admin")
        assert result.exit_code == 1 and f"Error: {message}" in result.output and "Traceback" not in result.output
    assert head() == before
    assert run("units", "add", "BU_C", "--name", "C", "--kind", "plant", user="admin").exit_code == 2
    assert run("units", "add", "BU_C", "--name", "C", "--kind", "team").exit_code == 1  # no acting user
    assert head() == before


def test_users_add_edit_deactivate_and_the_list_contract(run):
    assert ok(run("roles", "create", "AUDITOR", "--name", "Auditor", "--permission", "view", "--permission",
                  "approve", user="admin")) == "role AUDITOR created: Auditor (view, approve)\n"
    out = ok(run("users", "add", "carl", "--display-name", "Carl C", "--email", "carl@example.com", "--role",
                 "AUDITOR@BU_A", "--role", "ANALYST", user="admin"))
    assert out == "user carl: Carl C <carl@example.com>, holds ANALYST, AUDITOR@BU_A\n"
    row = json.loads(ok(run("users", "edit", "carl", "--display-name", "Carl Cole", "--json", user="admin")))
    assert (row["display_name"], row["email"]) == ("Carl Cole", "carl@example.com")
    listed = json.loads(ok(run("users", "--json")))
    assert {"name": "carl", "display_name": "Carl Cole", "email": "carl@example.com",
            "roles": ["ANALYST", "AUDITOR@BU_A"]} in listed
    assert json.loads(ok(run("users", "list", "--json"))) == listed
    assert ok(run("users")).splitlines()[0].split() == ["name", "display_name", "roles"]
    out = ok(run("users", "deactivate", "carl", "--reason", "left", user="admin"))
    assert out.startswith("user carl deactivated; their role assignments end 2026-11-26")
    assert "carl" not in {u["name"] for u in json.loads(ok(run("users", "--json")))}
    assert query("SELECT DISTINCT valid_to FROM role_assignments a JOIN users p ON p.id = a.user_id"
                 " WHERE p.name = 'carl'") == [("2026-11-26",)]


def test_deactivated_user_cannot_act(run):
    ok(run("users", "deactivate", "bob", user="admin"))
    before = head()
    result = run("approve", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", user="bob")
    assert result.exit_code == 1 and "Error: user 'bob' is deactivated" in result.output
    assert run("approve", "--all", user="bob").exit_code == 1
    assert head() == before
    result = run("users", "deactivate", "admin", user="admin")
    assert result.exit_code == 1 and "you cannot deactivate yourself" in result.output


def test_roles_grant(run):
    out = ok(run("roles", "grant", "ann", "HEAD", "--unit", "BU_B", "--from", "2026-12-01", user="admin"))
    assert out == "ann holds HEAD at BU_B from 2026-12-01\n"
    row = json.loads(ok(run("roles", "grant", "ann", "HEAD", "--json", user="admin")))
    assert (row["unit"], row["valid_from"]) == (None, "2026-11-26")  # today by default
    before = head()
    refused = run("roles", "grant", "bob", "ADMIN", user="ann")
    assert refused.exit_code == 1 and "lacks permission 'administer'" in refused.output
    assert head() == before + 1  # only the audited refusal
    assert run("roles", "grant", "ann", "HEAD", "--from", "1.12.2026", user="admin").exit_code == 1


def test_kpis_add_edit_and_the_list_contract(run):
    out = ok(run("kpis", "add", "MARGIN", "--name", "Margin", "--direction", "higher", "--uom", "EUR k",
                 "--perspective", "FIN", "--owner-role", "HEAD", "--decimals", "2", "--financial",
                 "--formula", "REV - DEFECTS", user="admin"))
    assert out == "KPI MARGIN: Margin (higher, EUR k, monthly, perspective FIN, owner HEAD, = REV - DEFECTS)\n"
    row = json.loads(ok(run("kpis", "edit", "MARGIN", "--direction", "band", "--not-financial", "--formula", "",
                            "--json", user="admin")))
    assert (row["direction"], row["financial"], row["formula"], row["decimals"]) == ("band", False, None, 2)
    kpis = json.loads(ok(run("kpis", "--json")))
    assert [k["code"] for k in kpis] == ["DEFECTS", "MARGIN", "REV"]
    assert json.loads(ok(run("kpis", "list", "--json"))) == kpis


def test_kpi_scoring_field_with_approved_values_is_refused_and_audited(run):
    before = head()
    result = run("kpis", "edit", "REV", "--direction", "lower", "--name", "Revenue (net)", user="admin")
    assert result.exit_code == 1
    assert ("Error: KPI REV has 2 approved value(s): changing its direction 'higher' -> 'lower' would change how"
            " they score; not an edit, use a change request") in result.output
    assert head() == before + 1
    assert query("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1") == [("refused.edit_definitions",)]
    assert query("SELECT name, direction FROM kpis WHERE code = 'REV'") == [("Revenue", "higher")]
    assert ok(run("kpis", "edit", "REV", "--name", "Revenue (net)", user="admin")).startswith("KPI REV: Revenue (net)")


def test_objectives_add_edit_link_cause_list(run):
    out = ok(run("objectives", "add", "SHARE_A", "--name", "Market share", "--level", "unit", "--unit", "BU_A",
                 "--perspective", "CUS", "--parent", "GROW", user="admin"))
    assert out == ("objective SHARE_A: Market share (unit, unit BU_A, perspective CUS, cascaded from GROW);"
                   " measured by no KPI yet\n")
    assert ok(run("objectives", "link", "SHARE_A", "REV", user="admin")) == \
        "SHARE_A is measured by REV with weight 1\n"
    assert ok(run("objectives", "link", "SHARE_A", "REV", "--weight", "2.5", user="admin")) == \
        "SHARE_A is measured by REV with weight 2.5\n"
    ok(run("objectives", "link", "SHARE_A", "DEFECTS", "--weight", "0.5", user="admin"))
    assert ok(run("objectives", "unlink", "SHARE_A", "DEFECTS", user="admin")) == \
        "SHARE_A is no longer measured by DEFECTS\n"
    assert ok(run("objectives", "cause", "QUALITY_A", "SHARE_A", user="admin")) == "QUALITY_A is a cause of SHARE_A\n"
    ok(run("objectives", "cause", "GROW_A", "SHARE_A", user="admin"))
    assert ok(run("objectives", "cause", "GROW_A", "SHARE_A", "--remove", user="admin")) == \
        "GROW_A is no longer a cause of SHARE_A\n"
    ok(run("objectives", "edit", "SHARE_A", "--weight", "2", "--owner-role", "HEAD", user="admin"))
    listed = json.loads(ok(run("objectives", "list", "--unit", "BU_A", "--json")))
    assert [o["code"] for o in listed] == ["GROW_A", "QUALITY_A", "SHARE_A"]
    assert listed[2] == {"code": "SHARE_A", "name": "Market share", "description": "", "level": "unit",
                         "unit": "BU_A", "perspective": "CUS", "parent": "GROW", "owner_role": "HEAD", "weight": 2.0,
                         "confidentiality": "public", "kpis": [{"code": "REV", "weight": 2.5}],
                         "causes": ["QUALITY_A"]}
    text = ok(run("objectives", "list")).splitlines()
    assert text[0].split() == ["code", "name", "unit", "perspective", "level", "parent", "kpis", "causes"]


@pytest.mark.parametrize("args, message", [
    (("objectives", "edit", "GROW", "--parent", "GROW_A"), "objective GROW cannot go below GROW_A"),
    (("objectives", "link", "GROW_A", "NOPE"), "unknown KPI 'NOPE'"),
    (("objectives", "link", "NOPE", "REV"), "unknown objective 'NOPE'"),
    (("objectives", "unlink", "GROW_A", "DEFECTS"), "KPI DEFECTS is not linked to objective GROW_A"),
    (("objectives", "cause", "GROW", "GROW_A", "--remove"), "GROW is not a cause of GROW_A"),
    (("objectives", "add", "X", "--name", "X", "--level", "unit", "--unit", "BU_A", "--perspective", "NOPE"),
     "unknown perspective 'NOPE'"),
    (("objectives", "list", "--unit", "NOPE"), "unknown unit 'NOPE'"),
])
def test_objective_errors_exit_1_and_write_nothing(run, args, message):
    before = head()
    result = run(*args, user="admin")
    assert result.exit_code == 1 and f"Error: {message}" in result.output and "Traceback" not in result.output
    assert head() == before


def _queue(run) -> None:
    """Two of ann's values at BU_A for 2026-10 beside the two red ones of 2026-09; bob submits one himself."""
    ok(run("roles", "grant", "bob", "ANALYST", "--unit", "BU_B", user="admin"))
    ok(run("enter", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-10", "--value", "97", "--submit", user="ann"))
    ok(run("enter", "--kpi", "DEFECTS", "--unit", "BU_A", "--period", "2026-10", "--value", "560", "--submit",
           user="ann"))
    ok(run("enter", "--kpi", "REV", "--unit", "BU_B", "--period", "2026-10", "--value", "40", "--submit", user="bob"))


def test_approve_all_by_a_second_user(run):
    _queue(run)
    before = head()
    out = ok(run("approve", "--all", user="bob")).splitlines()
    assert out[:4] == ["approved 2 value(s)", "skipped 1 of your own (four-eyes: someone else decides them):",
                       "  REV BU_B 2026-10", "skipped 2 refused by another rule:"]
    assert out[4].startswith("  DEFECTS BU_A 2026-09: DEFECTS BU_A 2026-09 is red against its target")
    assert head() == before + 2
    assert query("SELECT count(*) FROM measurements WHERE status = 'approved' AND decided_by = 'bob'"
                 " AND period = '2026-10'") == [(2,)]
    data = json.loads(ok(run("approve", "--all", "--json", user="admin")))  # admin approves bob's own
    assert (data["approved"], data["skipped_own"], len(data["skipped"])) == (1, [], 2)


def test_reject_all_needs_a_reason(run):
    _queue(run)
    before = head()
    result = run("reject", "--all", "--unit", "BU_A", user="bob")
    assert result.exit_code == 1 and "Error: a rejection needs a reason (--reason)" in result.output
    assert head() == before
    data = json.loads(ok(run("reject", "--all", "--unit", "BU_A", "--period", "2026-10", "--reason", "meter fault",
                             "--json", user="bob")))
    assert data == {"rejected": 2, "skipped_own": [], "skipped": []}


def test_single_value_usage_is_unchanged(run):
    result = run("approve", "--kpi", "REV", "--unit", "BU_A", user="bob")
    assert result.exit_code == 2 and "Missing option(s) --period" in result.output
    assert run("approve", "--all", "REV", user="bob").exit_code == 2  # no positional locator
    ok(run("commentary", "write", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--what-happened",
           "Revenue fell to 80 against 100", "--why", "Two customers delayed their orders",
           "--what-next", "Sales confirms the orders in October", user="ann"))
    assert ok(run("approve", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", user="bob")) == \
        "REV BU_A 2026-09 approved by bob\n"
