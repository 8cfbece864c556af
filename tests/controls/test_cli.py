"""``pmtui controls ...``, ``pmtui audit history`` and ``pmtui auditor-pack`` on the mini company file."""

from __future__ import annotations

import json

import pytest

from pmtui.services import anchor
from pmtui.store.db import connect


def _state(path):
    conn = connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM audit_log").fetchone()[0],
                conn.execute("SELECT count(*) FROM control_assessments").fetchone()[0])
    finally:
        conn.close()


def test_run_list_show_and_sign_off(run, mini_db):
    result = run("controls", "run", "--quarter", "2026Q4", "--json", user="bob")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["id"], data["quarter"], data["status"], data["run_by"]) == (1, "2026Q4", "open", "bob")
    assert {"controls", "findings", "summary", "high", "audit_seq", "audit_head"} <= set(data)
    assert anchor.read(mini_db)["seq"] == _state(mini_db)[0]  # the anchor follows the write
    listed = json.loads(run("controls", "list", "--json").output)
    assert [(a["id"], a["status"], a["latest_for_quarter"]) for a in listed] == [(1, "open", True)]
    shown = run("controls", "show", "1")
    assert shown.exit_code == 0
    assert "Assessment 1 of 2026Q4, run by bob" in shown.output and "open: awaiting sign-off" in shown.output
    assert "segregation_of_duties" in shown.output and "Controls:" in shown.output
    signed = run("controls", "sign-off", "1", "--note", "Reviewed with the committee", user="admin")
    assert signed.exit_code == 0 and "assessment 1 (2026Q4) signed off by admin" in signed.output
    again = run("controls", "sign-off", "1", "--note", "again", user="admin")
    assert again.exit_code == 1 and "it is final" in again.output and "Traceback" not in again.output
    assert json.loads(run("controls", "show", "1", "--json").output)["sign_off_note"] == "Reviewed with the committee"


@pytest.mark.parametrize(("args", "user", "message"), [
    (("controls", "run", "--quarter", "2026Q9"), "bob", "must look like 2026Q3"),
    (("controls", "run", "--quarter", "2027Q2"), "bob", "has not started yet"),
    (("controls", "run", "--quarter", "2026Q4"), None, "no acting user"),
    (("controls", "show", "7"), None, "no control assessment 7"),
    (("controls", "sign-off", "7", "--note", "x"), "admin", "no control assessment 7"),
])
def test_user_errors_exit_1_and_leave_the_file_unchanged(run, mini_db, args, user, message):
    before = _state(mini_db)
    result = run(*args, user=user)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert _state(mini_db) == before


def test_refusals_are_recorded_and_anchored(run, mini_db):
    refused = run("controls", "run", "--quarter", "2026Q4", user="ann")
    assert refused.exit_code == 1 and "lacks permission 'view'" in refused.output
    assert _state(mini_db)[1] == 0
    run("controls", "run", "--quarter", "2026Q4", user="bob")
    self_sign = run("controls", "sign-off", "1", "--note", "mine", user="bob")
    assert self_sign.exit_code == 1 and "four-eyes rule" in self_sign.output
    assert anchor.read(mini_db)["seq"] == _state(mini_db)[0]


def test_audit_history_text_markdown_html_and_json(run, tmp_path):
    text = run("audit", "history", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-07")
    assert text.exit_code == 0
    assert "History of measurement REV at BU_A for 2026-07" in text.output
    assert "status: submitted -> approved" in text.output
    out = tmp_path / "rev.md"
    written = run("audit", "history", "--kpi", "REV", "--out", str(out))
    assert written.exit_code == 0 and f"written to {out}" in written.output
    assert out.read_text().startswith("# History of KPI REV (Revenue)")
    html = run("audit", "history", "--entity", "units", "--key", "3", "--format", "html")
    assert html.output.startswith("<!DOCTYPE html>") and "History of unit BU_A (Unit A)" in html.output
    data = json.loads(run("audit", "history", "--unit", "BU_B", "--json").output)
    assert data["entity"] == "units" and data["entries"][0]["action"] == "units.insert"


@pytest.mark.parametrize(("args", "message"), [
    (("--entity", "users"), "name an element"),
    (("--kpi", "REV", "--unit", "BU_A"), "go together"),
    (("--entity", "secrets", "--key", "1"), "not an audited table"),
    (("--kpi", "NOPE"), "unknown KPI 'NOPE'"),
])
def test_audit_history_errors(run, args, message):
    result = run("audit", "history", *args)
    assert result.exit_code == 1 and message in result.output


def test_auditor_pack(run, tmp_path):
    out = tmp_path / "pack"
    result = run("auditor-pack", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["path"] == str(out) and len(data["files"]) == 10 and data["verified"]
    assert (out / "index.html").exists() and (out / "kpis.md").exists()
    again = run("auditor-pack", str(out))
    assert again.exit_code == 1 and "exists and is not empty" in again.output
    forced = run("auditor-pack", str(out), "--force", "--include-confidential")
    assert forced.exit_code == 0 and "auditor pack written to" in forced.output
    assert "Confidential KPIs are included" in (out / "index.md").read_text()


@pytest.mark.parametrize("args", [("controls", "run"), ("controls", "list"), ("controls", "show"),
                                  ("controls", "sign-off"), ("audit", "history"), ("auditor-pack",)])
def test_every_command_has_help_with_an_example(run, args):
    result = run(*args, "--help")
    assert result.exit_code == 0 and "Example: pmtui" in result.output
