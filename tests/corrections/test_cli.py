"""``pmtui correct``, ``corrections ...``, ``history``, ``inbox`` and ``whoami`` with CliRunner on the mini file.

``admin`` holds every permission, so a self-approval by admin is refused by the four-eyes
rule alone; ``bob`` approves, ``ann`` enters data for BU_A.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

CORRECT = ("correct", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-08", "--value", "97",
           "--reason", "late invoice")


def _rows(mini_db) -> tuple:
    """What a refused write must leave alone: corrections and values."""
    conn = sqlite3.connect(mini_db)
    try:
        return (conn.execute("SELECT * FROM measurement_corrections ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM measurements ORDER BY id").fetchall())
    finally:
        conn.close()


def test_correct_approve_and_history(run):
    result = run(*CORRECT, "--json", user="ann")
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert (row["old_value"], row["value"], row["status"], row["entered_by"]) == (95.0, 97.0, "submitted", "ann")
    listed = json.loads(run("corrections", "list", "--status", "submitted", "--json").output)
    assert [(r["id"], r["kpi"], r["period"]) for r in listed] == [(row["id"], "REV", "2026-08")]
    result = run("corrections", "approve", str(row["id"]), user="bob")
    assert result.exit_code == 0, result.output
    assert f"correction {row['id']} approved by bob: REV BU_A 2026-08 is 97" in result.output
    history = json.loads(run("history", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-08", "--json").output)
    assert [(v["version"], v["value"], v["status"], v["current"]) for v in history["versions"]] == [
        (1, 95.0, "approved", False), (2, 97.0, "approved", True)]
    text = run("history", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-08").output
    assert text.startswith("REV BU_A 2026-08: 97 (approved)") and "late invoice" in text
    assert run("audit", "verify").exit_code == 0  # the anchor followed every write


def test_self_approval_exits_1_naming_the_four_eyes_rule_and_changes_nothing(run, mini_db):
    cid = json.loads(run(*CORRECT, "--json", user="admin").output)["id"]
    before = _rows(mini_db)
    result = run("corrections", "approve", str(cid), user="admin")
    assert result.exit_code == 1
    assert "four-eyes rule" in result.output and "Traceback" not in result.output
    assert _rows(mini_db) == before
    conn = sqlite3.connect(mini_db)
    last = conn.execute("SELECT actor, action, entity FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    assert last == ("admin", "refused.approve", "measurement_corrections")
    assert run("audit", "verify").exit_code == 0


def test_reject_needs_a_reason(run):
    cid = json.loads(run(*CORRECT, "--json", user="ann").output)["id"]
    refused = run("corrections", "reject", str(cid), user="bob")
    assert refused.exit_code == 1 and "a rejection needs a reason" in refused.output
    result = run("corrections", "reject", str(cid), "--reason", "belongs to October", "--json", user="bob")
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "rejected"
    assert json.loads(run("corrections", "list", "--json").output)[0]["decision_reason"] == "belongs to October"


@pytest.mark.parametrize("args, user, message", [
    (CORRECT, None, "no acting user"),
    (CORRECT, "bob", "lacks permission 'enter_data'"),
    (("correct", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--value", "1", "--reason", "x"), "ann",
     "not approved"),
    (("correct", "--kpi", "NOPE", "--unit", "BU_A", "--period", "2026-08", "--value", "1", "--reason", "x"), "ann",
     "unknown KPI 'NOPE'"),
    (("corrections", "approve", "99"), "bob", "no correction 99"),
    (("history", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-10"), None, "no value for REV BU_A 2026-10"),
    (("inbox",), None, "no acting user"),
    (("whoami",), "nobody", "unknown user 'nobody'"),
])
def test_user_errors_exit_1_and_leave_the_data_alone(run, mini_db, args, user, message):
    before = _rows(mini_db)
    result = run(*args, user=user)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert _rows(mini_db) == before


def test_inbox_and_whoami(run):
    run(*CORRECT, user="ann")
    data = json.loads(run("inbox", "--json", user="bob").output)
    assert set(data) == {"user", "for_you", "yours", "total", "limit", "offset", "items"}
    assert (data["for_you"], data["yours"]) == (3, 0)
    assert {i["kind"] for i in data["items"]} == {"value", "correction"}
    assert "value" in data["items"][0] and "submitted_by" in data["items"][0]
    ann = json.loads(run("inbox", "--json", user="ann").output)
    assert (ann["for_you"], ann["yours"]) == (0, 3) and {i["waits_on"] for i in ann["items"]} == {"others"}
    assert "3 waiting for you" in run("inbox", user="bob").output
    me = json.loads(run("whoami", "--json", user="ann").output)
    assert (me["user"], me["roles"], me["permissions"], me["yours"]) == (
        "ann", ["ANALYST@BU_A"], ["enter_data", "view"], 3)
    assert run("whoami", user="ann").output.startswith("ann (Ann Analyst): ANALYST@BU_A")
