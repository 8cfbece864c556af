"""``pmtui spc ...`` and ``pmtui kpis formula|recompute`` with CliRunner on the mini company."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pmtui.cli import cli
from pmtui.services import framework as fw
from pmtui.store.db import connect
from tests.builders import NOW


@pytest.fixture
def run(mini_db, monkeypatch):
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.setenv("PMTUI_DB", str(mini_db))
    monkeypatch.delenv("PMTUI_USER", raising=False)
    runner = CliRunner()

    def invoke(*args, user=None, input=None):
        prefix = ["--user", user] if user else []
        return runner.invoke(cli, [*prefix, *args], input=input)
    return invoke


def test_refresh_summary_and_signals(run):
    result = run("spc", "refresh", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["series"] == 2
    rows = json.loads(run("spc", "summary", "--unit", "BU_A", "--json").output)
    assert {r["kpi"] for r in rows} == {"REV", "DEFECTS"}
    assert all(r["warning"] for r in rows)  # two points each: trial limits
    assert json.loads(run("spc", "signals", "--json").output) == []
    assert "REV" in run("spc", "summary", "--unit", "BU_A").output


def test_settings_and_mode_need_a_user_and_permission(run):
    result = run("spc", "settings", "--kpi", "REV", "--unit", "BU_A", "--rebase", "2026-08", "--json", user="admin")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rebase_periods"] == "2026-08"
    shown = json.loads(run("spc", "settings", "--kpi", "REV", "--unit", "BU_A", "--json").output)
    assert shown["rebase_periods"] == "2026-08" and shown["shift_length"] == 7
    refused = run("spc", "mode", "--kpi", "REV", "--on", user="ann")
    assert refused.exit_code == 1 and refused.output.startswith("Error: refused")
    assert json.loads(run("spc", "mode", "--kpi", "REV", "--on", "--json", user="admin").output)["spc_mode"] == 1
    bad = run("spc", "settings", "--kpi", "REV", "--unit", "BU_A", "--rebase", "2026-13", user="admin")
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output


def test_old_command_lines_still_work(run):
    chart = run("spc", "-", "--json", input="value\n1\n2\n3\n")
    assert chart.exit_code == 0 and json.loads(chart.output)["mean"] == 2
    assert {k["code"] for k in json.loads(run("kpis", "--json").output)} == {"REV", "DEFECTS"}
    assert run("kpis").exit_code == 0


def test_formula_and_recompute(run, mini_db):
    conn = connect(mini_db)
    fw.create_kpi(conn, "RATIO", name="Ratio", direction="lower", actor="system", now=NOW)
    conn.close()
    bad = run("kpis", "formula", "--kpi", "RATIO", "--set", "DEFECTS / (REV", user="admin")
    assert bad.exit_code == 1 and "position 15" in bad.output and "Traceback" not in bad.output
    ok = run("kpis", "formula", "--kpi", "RATIO", "--set", "DEFECTS / REV", "--json", user="admin")
    assert json.loads(ok.output) == {"kpi": "RATIO", "formula": "DEFECTS / REV"}
    data = json.loads(run("kpis", "recompute", "--json", user="admin").output)
    assert data["inserted"] == 2 and data["kpis"] == ["RATIO"]
    assert run("kpis", "formula", "--kpi", "RATIO", user="admin").exit_code == 1
    assert "formula cleared" in run("kpis", "formula", "--kpi", "RATIO", "--clear", user="admin").output
    assert run("audit", "verify").exit_code == 0
