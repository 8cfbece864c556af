"""``pmtui drivers ...`` and ``pmtui kpi-assess`` with CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pmtui.cli import cli
from pmtui.store.db import connect
from tests.drivers.conftest import TRUE_LAG, build_driver_history


@pytest.fixture
def run(mini_db, monkeypatch):
    conn = connect(mini_db)
    build_driver_history(conn)
    conn.close()
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.setenv("PMTUI_DB", str(mini_db))
    monkeypatch.delenv("PMTUI_USER", raising=False)
    runner = CliRunner()

    def invoke(*args, user=None):
        prefix = ["--user", user] if user else []
        return runner.invoke(cli, [*prefix, *args], catch_exceptions=False)
    return invoke


def test_add_list_and_show(run):
    result = run("drivers", "add", "--leading", "TRAIN", "--lagging", "YIELD", "--max-lag", "4", user="admin")
    assert result.exit_code == 0, result.output
    [row] = json.loads(run("drivers", "list", "--json").output)
    assert (row["leading"], row["best_lag"], row["strength"], row["sign_ok"], row["units"]) == (
        "TRAIN", TRUE_LAG, "strong", True, ["BU_A", "BU_B"])
    assert "strong" in run("drivers", "list").output
    shown = json.loads(run("drivers", "show", "--leading", "TRAIN", "--lagging", "YIELD", "--json").output)
    assert len(shown["by_lag"]) == 5 and [u["unit"] for u in shown["by_unit"]] == ["BU_A", "BU_B"]
    assert "pooled_r" in run("drivers", "show", "--leading", "TRAIN", "--lagging", "YIELD").output


def test_kpi_assess_and_list(run):
    result = run("kpi-assess", "--kpi", "TRAIN", "--availability", "3", "--predictability", "4",
                 "--actionability", "5", "--regulated", "--notes", "LMS", "--json", user="admin")
    assert result.exit_code == 0, result.output
    rows = {r["kpi"]: r for r in json.loads(run("drivers", "assessments", "--json").output)}
    assert (rows["TRAIN"]["predictability"], rows["TRAIN"]["regulated"], rows["TRAIN"]["notes"]) == (4, True, "LMS")


@pytest.mark.parametrize("args, user, code, message", [
    (("drivers", "add", "--leading", "TRAIN", "--lagging", "NOPE"), "admin", 1, "unknown KPI"),
    (("drivers", "add", "--leading", "TRAIN", "--lagging", "YIELD"), "ann", 1, "lacks permission"),
    (("drivers", "add", "--leading", "TRAIN", "--lagging", "YIELD", "--max-lag", "30"), "admin", 2, "30"),
    (("kpi-assess", "--kpi", "TRAIN", "--availability", "6", "--predictability", "1", "--actionability", "1"),
     "admin", 2, "6"),
    (("kpi-assess", "--kpi", "TRAIN", "--availability", "2", "--predictability", "1", "--actionability", "1"),
     None, 1, "no acting user"),
])
def test_errors(run, args, user, code, message):
    result = run(*args, user=user)
    assert result.exit_code == code and message in result.output and "Traceback" not in result.output
