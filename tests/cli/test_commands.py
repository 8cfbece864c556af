"""The click commands, driven with CliRunner: exit codes, messages, JSON contracts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pmtui.cli import cli


def test_audit_verify_ok_and_json(run):
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    data = json.loads(run("audit", "verify", "--json").output)
    assert data["ok"] is True and data["findings"] == []


def test_audit_verify_fails_naming_the_entry(run, mini_db):
    import sqlite3
    raw = sqlite3.connect(mini_db, isolation_level=None)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET actor = 'eve' WHERE seq = 3")
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "entry 3 was altered" in result.output


def test_import_bad_file_exit_1_lists_row_and_column(run, tmp_path, mini_db):
    path = tmp_path / "bad.csv"
    path.write_text("unit,kpi,period,value\nBU_A,REV,2026-10,100\nBU_A,DEFECTS,2026-10,lots\n")
    before = mini_db.read_bytes()
    result = run("import", "measurements", str(path), user="ann")
    assert result.exit_code == 1
    assert "row 3, column value: 'lots' is not a number" in result.output
    assert "Traceback" not in result.output
    assert mini_db.read_bytes() == before


def test_import_good_file_json(run, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("unit,kpi,period,value\nBU_A,REV,2026-10,100\n")
    result = run("import", "measurements", str(path), "--json", user="ann")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == 1


def test_missing_user_and_missing_file_are_clear(run, tmp_path):
    result = run("enter", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-10", "--value", "1")
    assert result.exit_code == 1 and "no acting user" in result.output
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "nope.db"), "users"])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_approve_own_submission_exit_1_four_eyes(run):
    from pmtui.services import users
    from pmtui.store.db import connect
    import os
    conn = connect(os.environ["PMTUI_DB"])
    from datetime import date, datetime, timezone
    users.assign_role(conn, "ann", "HEAD", "BU_A", date(2020, 1, 1), actor="admin",
                      now=datetime(2026, 11, 26, tzinfo=timezone.utc))
    conn.close()
    result = run("approve", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", user="ann")
    assert result.exit_code == 1 and "four-eyes" in result.output
    queue = json.loads(run("submissions", "--status", "submitted", "--json").output)
    assert {"kpi", "unit", "period", "value", "status", "submitted_by"} <= set(queue[0])
    assert any(q["kpi"] == "REV" and q["period"] == "2026-09" for q in queue)


def test_approve_and_reject_by_another_user(run):
    # REV is red: approving it needs a commentary first (M7.5)
    assert run("commentary", "write", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--what-happened",
               "Revenue fell to 80 against 100", "--why", "Two customers delayed their orders",
               "--what-next", "Sales confirms the orders in October", user="ann").exit_code == 0
    assert run("approve", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", user="bob").exit_code == 0
    result = run("reject", "--kpi", "DEFECTS", "--unit", "BU_A", "--period", "2026-09", "--reason", "meter", user="bob")
    assert result.exit_code == 0 and "rejected" in result.output
    assert run("submissions", "--json").output.strip() == "[]"


def test_users_and_kpis_json(run):
    users = json.loads(run("users", "--json").output)
    assert {"name": "ann", "display_name": "Ann Analyst", "email": None, "roles": ["ANALYST@BU_A"]} in users
    kpis = json.loads(run("kpis", "--json").output)
    assert {k["code"] for k in kpis} == {"REV", "DEFECTS"}
    assert "confidentiality" in kpis[0]


def test_scorecard_json(run):
    data = json.loads(run("scorecard", "--unit", "BU_A", "--period", "2026-08", "--json").output)
    assert data["status"] == "amber" and data["unit"] == "BU_A"


def test_snapshot_writes_copy_anchor_and_manifest(run, tmp_path):
    out = tmp_path / "share" / "snap.db"
    result = run("snapshot", str(out), "--json")
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert out.exists() and (tmp_path / "share" / "snap.db.anchor.json").exists()
    assert manifest["audit_entries"] > 0
    again = run("snapshot", str(out))
    assert again.exit_code == 1 and "already exists" in again.output
    verified = CliRunner().invoke(cli, ["--db", str(out), "audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_init_creates_a_verified_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    path = tmp_path / "new.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(path), "init", "--company", "Acme", "--admin", "jdoe"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["--db", str(path), "audit", "verify"]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(path), "init"]).exit_code == 1


def test_bad_period_in_enter_is_a_clear_error(run):
    result = run("enter", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-13", "--value", "1", user="ann")
    assert result.exit_code == 1 and "YYYY-MM" in result.output
