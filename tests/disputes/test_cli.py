"""``pmtui committees / disputes / commentary / minutes``: exit codes, JSON, messages, untouched files."""

from __future__ import annotations

import json

import pytest

from pmtui.store.db import connect

RAISE = ("disputes", "raise", "--kind", "ownership", "--kpi", "REV", "--claim", "Unit heads drive revenue, not analysts",
         "--proposed-role", "HEAD", "--committee", "GOV")
WRITE = ("commentary", "write", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09",
         "--what-happened", "Revenue fell to 80 against 100", "--why", "Two customers delayed their orders",
         "--what-next", "Sales confirms both orders in October")


def _state(path):
    """Everything a refused write could have touched."""
    conn = connect(path)
    try:
        return [tuple(r) for r in conn.execute(
            "SELECT 'audit', max(seq), count(*) FROM audit_log UNION ALL SELECT 'disputes', group_concat(code || status),"
            " count(*) FROM disputes UNION ALL SELECT 'commentaries', group_concat(why), count(*) FROM commentaries"
            " UNION ALL SELECT 'owner', group_concat(code || coalesce(owner_role_id, '-')), count(*) FROM kpis"
            " UNION ALL SELECT 'values', group_concat(status), count(*) FROM measurements")]
    finally:
        conn.close()


def _refused(run, path, *args, user, message):
    before = _state(path)
    result = run(*args, user=user)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    return before


def test_committees_list_and_add(run):
    [row] = json.loads(run("committees", "list", "--json").output)
    assert (row["code"], row["members"], row["open_disputes"]) == ("GOV", ["ann", "bob"], 0)
    result = run("committees", "add", "--code", "AUDIT", "--name", "Audit board", "--member", "bob",
                 "--member", "admin", user="admin")
    assert result.exit_code == 0 and "committee AUDIT added with 2 member(s)" in result.output
    assert "AUDIT" in run("committees", "list").output


@pytest.mark.parametrize("args, user, message", [
    (("committees", "add", "--code", "X", "--name", "X board"), "ann", "lacks permission 'edit_definitions'"),
    (("committees", "add", "--code", "X", "--name", "X board", "--member", "ghost"), "admin", "unknown member"),
    (("committees", "add", "--code", "X", "--name", "X board"), None, "no acting user"),
])
def test_committees_add_refusals_leave_the_file_unchanged(run, mini_db, args, user, message):
    before = _refused(run, mini_db, *args, user=user, message=message)
    after = _state(mini_db)
    assert after[1:] == before[1:]  # a permission refusal adds its audit entry, nothing else changes
    assert after[0][2] - before[0][2] == (1 if "permission" in message else 0)


def test_dispute_flow_raise_hear_decide(run):
    raised = json.loads(run(*RAISE, "--json", user="ann").output)
    assert (raised["code"], raised["status"]) == ("DSP-001", "raised")
    assert "dispute DSP-002 raised before GOV" in run(*RAISE, user="ann").output
    heard = run("disputes", "hear", "DSP-001", "--notes", "Both sides presented their data", user="bob")
    assert heard.exit_code == 0 and "Heard (bob, 2026-11-26): Both sides presented their data" in heard.output
    decided = run("disputes", "decide", "DSP-001", "--outcome", "upheld", "--decision", "Heads own revenue now",
                  user="bob")
    assert decided.exit_code == 0 and "Applied: owner role (none) -> HEAD" in decided.output
    rows = json.loads(run("disputes", "list", "--json").output)
    assert [(r["code"], r["status"]) for r in rows] == [("DSP-002", "raised"), ("DSP-001", "decided")]
    assert [r["code"] for r in json.loads(run("disputes", "list", "--status", "decided", "--json").output)] == [
        "DSP-001"]
    assert "DSP-002" in run("disputes", "list").output


@pytest.mark.parametrize("steps, args, user, message", [
    ((), ("disputes", "hear", "DSP-001", "--notes", "Both sides presented"), "admin",
     "does not sit on the committee"),
    ((), ("disputes", "decide", "DSP-001", "--outcome", "upheld", "--decision", "Heads own revenue"), "bob",
     "only a heard dispute can be decided"),
    ((("disputes", "hear", "DSP-001", "--notes", "Both sides presented"),),
     ("disputes", "decide", "DSP-001", "--outcome", "upheld", "--decision", "I decide my own case"), "ann",
     "the person who raised a dispute cannot decide it"),
    ((), ("disputes", "hear", "DSP-404", "--notes", "Both sides presented"), "bob", "unknown dispute 'DSP-404'"),
    ((), (*RAISE[:-2], "--committee", "NOPE"), "ann", "unknown committee 'NOPE'"),
    ((), ("disputes", "raise", "--kind", "attribution", *RAISE[4:]), "ann", "--unit"),
])
def test_dispute_refusals_exit_1_and_change_nothing(run, mini_db, steps, args, user, message):
    assert run(*RAISE, user="ann").exit_code == 0
    for step in steps:
        assert run(*step, user="bob").exit_code == 0
    before = _refused(run, mini_db, *args, user=user, message=message)
    after = _state(mini_db)
    assert after[1:] == before[1:]


def test_usage_errors_exit_2(run):
    assert run("disputes", "raise", "--kind", "blame", *RAISE[4:], user="ann").exit_code == 2
    assert run("disputes", "decide", "DSP-001", "--outcome", "maybe", "--decision", "x" * 12, user="bob").exit_code == 2


def test_commentary_write_show_missing_and_the_approval_gate(run):
    missing = json.loads(run("commentary", "missing", "--unit", "BU_A", "--period", "2026-09", "--json").output)
    assert [(m["kpi"], m["commentary"]) for m in missing] == [("DEFECTS", "none"), ("REV", "none")]
    refused = run("approve", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", user="bob")
    assert refused.exit_code == 1
    assert "'what happened', 'why' and 'what next'" in refused.output and "pmtui commentary write" in refused.output
    written = json.loads(run(*WRITE, "--json", user="ann").output)
    assert (written["complete"], written["required"], written["written_by"]) == (True, True, "ann")
    shown = run("commentary", "show", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09")
    assert "required: red against its target; complete" in shown.output and "Why: Two customers" in shown.output
    assert run("approve", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", user="bob").exit_code == 0
    text = run("commentary", "missing", "--unit", "BU_A", "--period", "2026-09").output
    assert "DEFECTS" in text and "REV" not in text


@pytest.mark.parametrize("replace, message", [
    (("--why", "tbd"), "why is 3 characters long"),
    (("--what-next", "=1+1 is what comes next"), "formula"),
    (("--why", "Revenue fell to 80 against 100"), "why repeats what happened"),
])
def test_commentary_refusals_name_the_parts(run, mini_db, replace, message):
    args = list(WRITE)
    args[args.index(replace[0]) + 1] = replace[1]
    before = _refused(run, mini_db, *args, user="ann", message=message)
    assert _state(mini_db) == before


def test_commentary_show_without_one(run):
    data = json.loads(run("commentary", "show", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-08",
                          "--json").output)
    assert (data["exists"], data["required"], data["status"]) == (False, False, "amber")
    assert "no commentary yet" in run("commentary", "show", "--kpi", "REV", "--unit", "BU_A",
                                      "--period", "2026-08").output


def test_minutes_search_and_show(run):
    data = json.loads(run("minutes", "search", '"supplier audit"', "--json").output)
    assert data["total"] == 1 and data["results"][0]["meeting"] == "BU_A-2026-08"
    assert "[supplier audit]" in data["results"][0]["snippet"].lower()
    text = run("minutes", "search", "carrier", "--limit", "2").output
    assert text.startswith("4 match(es), showing 1-2")
    for hostile in ('"', "NEAR(", "a:b", "((("):
        result = run("minutes", "search", hostile, "--json")
        assert result.exit_code == 0 and "results" in json.loads(result.output)
    shown = run("minutes", "show", "BU_A-2026-09")
    assert "Carrier capacity stayed tight" in shown.output and "2. Carrier contract: act" in shown.output
    assert run("minutes", "show", "NOPE").exit_code == 1
