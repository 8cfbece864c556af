"""The raci, roles, permissions, escalation, incentives and gaming commands on the mini company."""

from __future__ import annotations

import json
import sqlite3

import pytest


def count(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_raci_show_json_and_text(grun):
    rows = json.loads(grun("raci", "show", "--kpi", "SAND", "--json").output)
    assert [r["kpi"] for r in rows] == ["SAND"]
    assert rows[0]["cells"]["validate"] == [{"role": "HEAD", "letter": "R"}, {"role": "ADMIN", "letter": "A"},
                                            {"role": "ANALYST", "letter": "A"}]
    text = grun("raci", "show", "--perspective", "FIN").output
    assert text.splitlines()[0].split() == ["kpi", "activity", "R", "A", "C", "I", "problems"]
    assert any(line.split() == ["REV", "create", "ANALYST", "HEAD", "-", "-", "ok"] for line in text.splitlines())


def test_raci_check_lists_violations_and_strict_fails(grun):
    result = grun("raci", "check", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["ok"] is False
    assert [(v["kpi"], v["rule"]) for v in data["violations"]] == [
        ("DEFECTS", "no_raci"), ("SAND", "several_accountable"), ("SAND", "creator_validates")]
    assert grun("raci", "check", "--strict").exit_code == 1


def test_raci_set_group_and_perspective(grun, gov_db):
    result = grun("raci", "set", "--kpi", "DEFECTS", "--kpi", "REV", "--activity", "create", "--role", "ANALYST",
                  "--letter", "R", "--json", user="admin")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kpis"] == ["DEFECTS", "REV"] and data["changed"] == 1
    text = grun("raci", "set", "--perspective", "INT", "--activity", "validate", "--role", "ANALYST",
                "--letter", "-", user="admin").output
    assert text.startswith("ANALYST removed from validate of 3 KPI(s): 1 changed")  # only SAND had it (as A)
    assert "still broken" in text


def test_raci_set_refused_and_invalid(grun, gov_db):
    entries, audits = count(gov_db, "SELECT count(*) FROM raci"), count(gov_db, "SELECT count(*) FROM audit_log")
    bad = grun("raci", "set", "--kpi", "REV", "--activity", "create", "--role", "NOPE", "--letter", "R", user="admin")
    assert bad.exit_code == 1 and "Error: unknown role 'NOPE'" in bad.output and "Traceback" not in bad.output
    assert count(gov_db, "SELECT count(*) FROM audit_log") == audits  # nothing written
    refused = grun("raci", "set", "--kpi", "REV", "--activity", "create", "--role", "HEAD", "--letter", "C",
                   user="ann")
    assert refused.exit_code == 1 and "lacks permission 'edit_definitions'" in refused.output
    assert count(gov_db, "SELECT count(*) FROM raci") == entries
    assert count(gov_db, "SELECT count(*) FROM audit_log") == audits + 1  # only the refusal
    assert grun("raci", "set", "--kpi", "REV", "--activity", "create", "--role", "HEAD",
                "--letter", "R").exit_code == 1  # no acting user
    assert grun("raci", "set", "--kpi", "REV", "--activity", "approve", "--role", "HEAD", "--letter", "R",
                user="admin").exit_code == 2


def test_roles_unheld_history_holders(grun):
    unheld = json.loads(grun("roles", "unheld", "--json").output)
    assert unheld == [{"kind": "escalation", "element": "process step 1", "detail": "business_unit",
                       "role": "ANALYST", "units": ["BU_B"], "last_holder": None}]
    history = json.loads(grun("roles", "history", "ANALYST", "--json").output)
    assert [(h["user"], h["unit"], h["current"]) for h in history] == [("ann", "BU_A", True)]
    holders = json.loads(grun("roles", "holders", "HEAD", "--unit", "BU_A", "--json").output)
    assert [(h["user"], h["held_at"]) for h in holders] == [("bob", None)]
    assert "unknown role 'NOPE'" in grun("roles", "history", "NOPE").output


def test_roles_end_then_assign(grun, gov_db):
    ended = grun("roles", "end", "--user", "ann", "--role", "ANALYST", "--unit", "BU_A", "--on", "2026-10-31",
                 "--reason", "left", user="admin")
    assert ended.exit_code == 0 and "ann held ANALYST at BU_A until 2026-10-31" in ended.output
    unheld = json.loads(grun("roles", "unheld", "--json").output)
    assert any(u["kind"] == "raci" and u["units"] == ["BU_A"] for u in unheld)
    again = grun("roles", "end", "--user", "ann", "--role", "ANALYST", "--unit", "BU_A", "--on", "2026-11-15",
                 user="admin")
    assert again.exit_code == 1 and "does not hold ANALYST at BU_A on 2026-11-15" in again.output
    bad_day = grun("roles", "end", "--user", "ann", "--role", "ANALYST", "--on", "31/10/2026", user="admin")
    assert bad_day.exit_code == 1 and "--on must be a date YYYY-MM-DD" in bad_day.output
    assigned = grun("roles", "assign", "--user", "bob", "--role", "ANALYST", "--unit", "BU_A", "--from",
                    "2026-11-01", "--json", user="admin")
    assert json.loads(assigned.output)["valid_from"] == "2026-11-01"
    assert [u["kind"] for u in json.loads(grun("roles", "unheld", "--json").output)] == ["escalation"]


def test_permissions_matrix_and_changes(grun):
    text = grun("permissions").output
    assert text.splitlines()[0].split() == ["role", "holders", "view", "enter_data", "approve", "edit_definitions",
                                            "edit_targets", "administer"]
    assert any(line.split() == ["ANALYST", "1", "x", "x", ".", ".", ".", "."] for line in text.splitlines())
    data = json.loads(grun("permissions", "show", "--json").output)
    assert {r["role"] for r in data["roles"]} == {"ADMIN", "ANALYST", "HEAD"}
    refused = grun("permissions", "grant", "--role", "HEAD", "--permission", "administer", user="bob")
    assert refused.exit_code == 1 and "refused: user bob lacks permission 'administer'" in refused.output
    granted = grun("permissions", "grant", "--role", "ANALYST", "--permission", "approve", user="admin")
    assert granted.exit_code == 0 and granted.output.strip() == "approve granted to ANALYST"
    assert "nothing to do" in grun("permissions", "grant", "--role", "ANALYST", "--permission", "approve",
                                   user="admin").output
    last = grun("permissions", "revoke", "--role", "ADMIN", "--permission", "administer", user="admin")
    assert last.exit_code == 1 and "nobody able to administer" in last.output


def test_escalation_commands(grun):
    rules = json.loads(grun("escalation", "rules", "--json").output)
    assert [(r["classification"], r["step"], r["level"]) for r in rules] == [
        ("individual", 1, "business_unit"), ("individual", 2, "group"), ("process", 1, "business_unit"),
        ("process", 2, "region")]
    path = json.loads(grun("escalation", "path", "--classification", "process", "--unit", "BU_A", "--days", "7",
                           "--json").output)
    assert path["current_step"] == 2 and [s["unit"] for s in path["steps"]] == ["BU_A", "NORTH"]
    text = grun("escalation", "path", "--classification", "process", "--unit", "BU_B", "--days", "0").output
    assert text.startswith("process problem at BU_B, open 0 days: step 1 applies") and "NOBODY" in text
    missing = grun("escalation", "path", "--unit", "BU_A")
    assert missing.exit_code == 1 and "give --classification, --unit and --days, or --root-cause" in missing.output
    changed = grun("escalation", "set", "--classification", "process", "--step", "3", "--after-days", "20",
                   "--level", "group", "--role", "ADMIN", "--json", user="admin")
    assert [r["step"] for r in json.loads(changed.output)] == [1, 2, 3]
    wrong = grun("escalation", "set", "--classification", "process", "--step", "5", "--after-days", "20",
                 "--level", "group", "--role", "ADMIN", user="admin")
    assert wrong.exit_code == 1 and "without gaps" in wrong.output


def test_incentives_commands(grun):
    assert json.loads(grun("incentives", "list", "--json").output) == [
        {"role": "HEAD", "kpi": "HUG", "kpi_name": "Hugged cost", "weight": 0.5}]
    result = grun("incentives", "set", "--role", "HEAD", "--kpi", "REV", "--weight", "0.3", "--json", user="admin")
    assert [r["kpi"] for r in json.loads(result.output)] == ["HUG", "REV"]
    both = grun("incentives", "set", "--role", "HEAD", "--kpi", "REV", user="admin")
    assert both.exit_code == 1 and "give --weight" in both.output
    too_much = grun("incentives", "set", "--role", "HEAD", "--kpi", "SAND", "--weight", "0.5", user="admin")
    assert too_much.exit_code == 1 and "would add up to 1.30" in too_much.output
    assert grun("incentives", "set", "--role", "HEAD", "--kpi", "REV", "--remove", user="admin").exit_code == 0


def test_gaming_command(grun):
    data = json.loads(grun("gaming", "--json").output)
    assert [(f["kind"], f["kpi"]) for f in data["findings"]] == [("hugging", "HUG"), ("sandbagging", "SAND")]
    assert data["thresholds"]["window"] == 12
    text = grun("gaming").output
    assert text.startswith("2 finding(s) in 4 KPI x unit pairs with targets")
    assert "HEAD 0.5" in text and "easier by 20%" in text and "12/12 hug" in text
    loose = json.loads(grun("gaming", "--sandbag-margin", "0.3", "--json").output)
    assert [f["kpi"] for f in loose["findings"]] == ["HUG"]
    assert [f["kpi"] for f in json.loads(grun("gaming", "--incentivised", "--json").output)["findings"]] == ["HUG"]
    bad = grun("gaming", "--window", "x")
    assert bad.exit_code == 1 and "--window must be a number, not 'x'" in bad.output


@pytest.mark.parametrize("args", [["raci", "--help"], ["roles", "--help"], ["permissions", "--help"],
                                  ["escalation", "--help"], ["incentives", "--help"], ["gaming", "--help"]])
def test_help_texts(grun, args):
    result = grun(*args)
    assert result.exit_code == 0 and "Usage:" in result.output
