"""Commands of the measurement area on the mini company: exit codes, messages, JSON."""

from __future__ import annotations

import json


def _add_sources(run):
    for code, system in (("ERP", "SAP S/4HANA"), ("DWH", "Snowflake")):
        result = run("sources", "add", "--code", code, "--name", code, "--system", system, "--domain", "Finance",
                     "--reliability", "high", "--latency-hours", "24", "--refresh", "daily", user="admin")
        assert result.exit_code == 0, result.output


def test_sources_add_link_and_list(run):
    _add_sources(run)
    assert run("sources", "link", "--kpi", "REV", "--source", "ERP", user="admin").exit_code == 0
    rows = json.loads(run("sources", "list", "--json").output)
    assert [(r["code"], r["kpis"]) for r in rows] == [("DWH", []), ("ERP", ["REV"])]
    assert run("sources", "reporting", "--kpi", "REV", "--mode", "feed", user="admin").exit_code == 0


def test_sources_link_needs_edit_definitions(run):
    _add_sources(run)
    result = run("sources", "link", "--kpi", "REV", "--source", "ERP", user="ann")
    assert result.exit_code == 1 and "Error: refused" in result.output


def test_variants_add_and_list_with_diff(run):
    result = run("variants", "add", "--kpi", "REV", "--unit", "NORTH", "--definition", "Sales net of VAT",
                 "--regulation", "Local GAAP", user="admin")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("variants", "list", "--kpi", "REV", "--json").output)
    assert rows[0]["diff"] == "{+Sales net of VAT+}" and rows[0]["regulation"] == "Local GAAP"


def test_freshness_json_lists_stale_and_conflicting(run):
    result = run("freshness", "--unit", "BU_A", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["today"] == "2026-11-26" and data["conflicting"] == []
    assert {(s["kpi"], s["period"]) for s in data["stale"]} == {("REV", "2026-10"), ("DEFECTS", "2026-10")}


def test_freshness_of_an_unknown_unit_is_a_user_error(run):
    result = run("freshness", "--unit", "NOPE")
    assert result.exit_code == 1 and "Error: unknown unit 'NOPE'" in result.output


def test_readings_import_and_conflicts(run, tmp_path):
    _add_sources(run)
    csv = tmp_path / "readings.csv"
    csv.write_text("kpi,unit,period,source,value\nREV,BU_A,2026-08,ERP,95\nREV,BU_A,2026-08,DWH,99\n")
    result = run("readings", "import", str(csv), "--json", user="ann")
    assert result.exit_code == 0 and json.loads(result.output)["added"] == 2
    conflicts = json.loads(run("freshness", "--json").output)["conflicting"]
    assert [(c["first"], c["second"]) for c in conflicts] == [("DWH", "ERP"), ("DWH", "stored")]


def test_broken_readings_csv_names_row_and_column_and_changes_nothing(run, tmp_path, mini_db):
    _add_sources(run)
    def state():
        import sqlite3
        raw = sqlite3.connect(mini_db)
        try:
            return raw.execute("SELECT (SELECT count(*) FROM audit_log),"
                               " (SELECT count(*) FROM source_readings)").fetchone()
        finally:
            raw.close()
    before = state()
    csv = tmp_path / "bad.csv"
    csv.write_text("kpi,unit,period,source,value\nREV,BU_A,2026-08,ERP,95\nREV,BU_A,2026-13,ERP,95\n"
                   "REV,BU_X,2026-08,ERP,9,5\nREV,BU_A,2026-08,DWH,1e999\n")
    result = run("readings", "import", str(csv), user="ann")
    assert result.exit_code == 1
    assert "bad.csv refused, nothing imported" in result.output
    assert "row 3, column period" in result.output and "row 4: has 6 fields" in result.output
    assert "row 5, column value" in result.output
    assert state() == before


def test_calendar_set_and_show(run):
    result = run("calendar", "set", "--unit", "BU_A", "--pattern", "4-4-5", "--month", "12", "--year-end", "last",
                 "--weekday", "saturday", user="admin")
    assert result.exit_code == 0, result.output
    data = json.loads(run("calendar", "show", "--unit", "BU_A", "--json").output)
    assert data["calendar"] == "4-4-5" and data["fiscal_year"]["periods"][9]["end"] == "2026-10-24"
    assert json.loads(run("calendar", "show", "--unit", "NORTH", "--json").output)["calendar"] == "calendar months"


def test_assess(run):
    result = run("assess", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--rating", "2",
                 "--comment", "Price war in the north", "--json", user="ann")
    assert result.exit_code == 0 and json.loads(result.output)["label"] == "concern"
    bad = run("assess", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--rating", "9",
              "--comment", "x", user="ann")
    assert bad.exit_code == 1 and "Error: rating" in bad.output


def test_settings_get_and_set(run):
    assert run("settings", "get", "scorecard_cap").output.strip() == "(not set)"
    assert run("settings", "set", "scorecard_cap", "25", user="admin").output.strip() == "scorecard_cap = 25"
    assert run("settings", "get", "scorecard_cap").output.strip() == "25"
    refused = run("settings", "set", "scorecard_cap", "25", user="ann")
    assert refused.exit_code == 1 and "administer" in refused.output
    names = [r["name"] for r in json.loads(run("settings", "get", "--json").output)]
    assert {"scorecard_cap", "conflict_tolerance"} <= set(names)
