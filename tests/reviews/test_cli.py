"""``pmtui review ...`` on the review-ready company file: exit codes, JSON keys, messages, no partial writes."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from pmtui.cli import cli

KINDS = {"spc_concern", "red_kpi", "slipped_milestone", "overdue_action", "stale_data"}


@pytest.fixture
def run(co_db, monkeypatch):
    """Invoke ``pmtui`` on the company file: ``run(*args, user=None, input=None)``."""
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.setenv("PMTUI_DB", str(co_db))
    monkeypatch.delenv("PMTUI_USER", raising=False)
    runner = CliRunner()

    def invoke(*args, user=None, input=None):
        prefix = ["--user", user] if user else []
        return runner.invoke(cli, [*prefix, *args], catch_exceptions=False, input=input)
    return invoke


def digest(path) -> tuple:
    """The audit head and every review row: what a write would change (the file itself is in WAL mode)."""
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(q).fetchall() for q in (
            "SELECT max(seq) FROM audit_log", "SELECT * FROM meetings", "SELECT * FROM agenda_items",
            "SELECT * FROM meeting_participants", "SELECT * FROM actions"))
    finally:
        conn.close()


def test_agenda_json_contract(run):
    result = run("review", "agenda", "--unit", "BU_A", "--period", "2026-10", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert isinstance(items, list) and len(items) == 6
    for item in items:
        assert item["kind"] in KINDS and item["title"]
        assert {"kpi", "unit", "period", "milestone", "initiative", "action_id", "evidence"} <= set(item)
    assert [i["kind"] for i in items][:4] == ["spc_concern", "red_kpi", "slipped_milestone", "overdue_action"]
    assert (items[0]["kpi"], items[2]["milestone"], items[2]["initiative"], items[3]["action_id"]) == (
        "OTD", "M1", "LEAN", 1)


def test_agenda_text(run):
    result = run("review", "agenda", "--unit", "BU_A", "--period", "2026-10")
    assert result.exit_code == 0
    assert "SCRAP at BU_A is red in 2026-10: 2.3 against target 1.5" in result.output


@pytest.mark.parametrize("args, message", [
    (["--unit", "NOPE", "--period", "2026-10"], "Error: unknown unit 'NOPE'"),
    (["--unit", "BU_A", "--period", "10/2026"], "Error: period '10/2026' is not in the form YYYY-MM"),
])
def test_agenda_errors_exit_1(run, args, message):
    result = run("review", "agenda", *args, "--json")
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, user, message", [
    (["--unit", "NOPE", "--period", "2026-10", "--chair", "carl"], "bob", "unknown unit 'NOPE'"),
    (["--unit", "BU_A", "--period", "2026-1", "--chair", "carl"], "bob", "not in the form YYYY-MM"),
    (["--unit", "BU_A", "--period", "2026-10", "--chair", "carl"], "ghost", "unknown user 'ghost'"),
    (["--unit", "BU_A", "--period", "2026-10", "--chair", "carl"], None, "no acting user"),
    (["--unit", "BU_A", "--period", "2026-10", "--chair", "eve"], "bob", "chair eve may not view BU_A"),
])
def test_create_errors_exit_1_and_leave_the_file_unchanged(run, co_db, args, user, message):
    before = digest(co_db)
    result = run("review", "create", *args, user=user)
    assert result.exit_code == 1 and message in result.output
    assert digest(co_db) == before


def test_refused_user_is_audited_but_no_meeting_is_written(run, co_db):
    result = run("review", "create", "--unit", "BU_A", "--period", "2026-10", "--chair", "carl", user="ann")
    assert result.exit_code == 1 and "may not create reviews of BU_A" in result.output
    assert json.loads(run("review", "list", "--json").output) == []


def test_a_meeting_end_to_end(run):
    result = run("review", "create", "--unit", "BU_A", "--period", "2026-10", "--chair", "carl", user="bob")
    assert result.exit_code == 0 and "meeting BU_A-2026-10 created with 6 agenda item(s)" in result.output
    listed = json.loads(run("review", "list", "--unit", "BU_A", "--json").output)
    assert [(m["code"], m["status"], m["items"]) for m in listed] == [("BU_A-2026-10", "planned", 6)]

    result = run("review", "decide", "BU_A-2026-10", "1", "--decision", "act", "--note", "Find the OTD cause",
                 "--owner", "ann", "--due", "2026-12-15", "--json", user="carl")
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)
    assert (item["decision"], item["action"]["source"], item["action"]["owner"]) == ("act", "meeting", "ann")
    result = run("review", "decide", "BU_A-2026-10", "2", "--decision", "revise_target", "--note", "out of reach",
                 user="carl")
    assert "pmtui targets evidence --kpi SCRAP --unit BU_A --period 2026-10" in result.output
    assert "--agenda-item 2" in result.output
    for seq in range(2, 7):
        result = run("review", "decide", "BU_A-2026-10", str(seq), "--decision", "watch", "--note", "watch it",
                     user="carl")
        assert result.exit_code == 0 and f"item {seq} of BU_A-2026-10: watch" in result.output

    result = run("review", "finalise", "BU_A-2026-10", user="carl")
    assert result.exit_code == 1 and "without minutes" in result.output
    result = run("review", "minutes", "BU_A-2026-10", "--text", "-", input="OTD cause to be found.\n", user="carl")
    assert result.exit_code == 0

    rotation = json.loads(run("review", "rotation", "BU_A-2026-10", "--json").output)
    assert [s["user"] for s in rotation["suggested"]] == ["eve", "fred"]
    result = run("review", "rotation", "BU_A-2026-10", "--choose", "eve", "--json", user="carl")
    assert json.loads(result.output)["chosen"] == ["eve"]
    result = run("review", "participant", "BU_A-2026-10", "eve", "--absent", "--json", user="carl")
    assert [p["attended"] for p in json.loads(result.output)] == [None, False]

    result = run("review", "finalise", "BU_A-2026-10", user="carl")
    assert result.exit_code == 0 and "finalised by carl" in result.output
    shown = json.loads(run("review", "show", "BU_A-2026-10", "--json").output)
    assert shown["status"] == "finalised" and shown["minutes"] == "OTD cause to be found."
    assert [(p["user"], p["role"], p["attended"]) for p in shown["participants"]] == [
        ("carl", "chair", True), ("eve", "rotating", False)]
    assert shown["items"][0]["actions_created"] == [item["action"]["id"]]

    result = run("review", "decide", "BU_A-2026-10", "2", "--decision", "close", "--note", "x", user="carl")
    assert result.exit_code == 1 and "is finalised" in result.output


@pytest.mark.parametrize("args, message", [
    (["decide", "NOPE-2026-10", "1", "--decision", "watch", "--note", "x"], "unknown meeting 'NOPE-2026-10'"),
    (["decide", "BU_A-2026-10", "1", "--decision", "act", "--note", "x"], "give its owner"),
    (["decide", "BU_A-2026-10", "1", "--decision", "watch", "--note", "x", "--owner", "ann"],
     "--owner and --due only go with decision 'act'"),
    (["participant", "BU_A-2026-10", "ann"], "say what to do"),
    (["rotation", "BU_A-2026-10", "--choose", "bob"], "bob cannot take a rotating seat"),
])
def test_meeting_errors_exit_1_and_leave_the_file_unchanged(run, co_db, args, message):
    assert run("review", "create", "--unit", "BU_A", "--period", "2026-10", "--chair", "carl",
               user="bob").exit_code == 0
    before = digest(co_db)
    result = run("review", *args, user="carl")
    assert result.exit_code == 1 and message in result.output
    assert digest(co_db) == before


def test_a_bad_decision_is_a_usage_error(run):
    result = run("review", "decide", "X", "1", "--decision", "ignore", "--note", "x", user="carl")
    assert result.exit_code == 2 and "'ignore' is not one of" in result.output
