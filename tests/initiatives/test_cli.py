"""``pmtui initiatives ...`` and ``pmtui milestones ...`` with CliRunner on the mini company file."""

from __future__ import annotations

import json

import pytest

from pmtui.store.db import connect

LIST_KEYS = {"code", "name", "description", "unit", "unit_name", "owner_role", "budget", "status", "confidentiality",
             "late_start_grace_days", "slip_amber_days", "slip_red_days", "milestones", "open_alerts", "kpis",
             "objectives", "worst_severity"}
MILESTONE_KEYS = {"id", "code", "name", "planned_start", "planned_finish", "actual_start", "actual_finish",
                  "percent_complete", "depends_on", "state", "planned_duration_days", "forecast_start",
                  "forecast_finish", "slip_days", "colour", "alerts"}


def _setup(run):
    steps = [
        ("initiatives", "add", "--code", "LEAN_A", "--name", "Lean line A", "--unit", "BU_A", "--owner-role", "HEAD",
         "--budget", "120", "--status", "active", "--grace-days", "2"),
        ("initiatives", "link", "LEAN_A", "--kpi", "DEFECTS"),
        ("initiatives", "link", "LEAN_A", "--objective", "QUALITY_A"),
        ("milestones", "add", "LEAN_A", "M1", "--name", "Design", "--planned-start", "2026-09-01",
         "--planned-finish", "2026-10-01", "--actual-start", "2026-09-01", "--actual-finish", "2026-10-01"),
        ("milestones", "add", "LEAN_A", "M2", "--name", "Build", "--planned-start", "2026-10-01",
         "--planned-finish", "2026-11-30", "--depends-on", "M1"),
    ]
    for args in steps:
        result = run(*args, user="admin")
        assert result.exit_code == 0, result.output


def _counts(path):
    conn = connect(path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("audit_log", "initiatives", "milestones", "execution_alerts", "initiative_links"))
    finally:
        conn.close()


def test_list_and_show_json(run):
    _setup(run)
    [row] = json.loads(run("initiatives", "list", "--json").output)
    assert set(row) == LIST_KEYS
    assert (row["code"], row["kpis"], row["objectives"], row["milestones"], row["open_alerts"],
            row["worst_severity"]) == ("LEAN_A", ["DEFECTS"], ["QUALITY_A"], 2, 2, "red")
    assert json.loads(run("initiatives", "list", "--unit", "BU_B", "--json").output) == []
    data = json.loads(run("initiatives", "show", "LEAN_A", "--json").output)
    assert data["today"] == "2026-11-26"
    m2 = data["milestones"][1]
    assert set(m2) == MILESTONE_KEYS
    assert (m2["forecast_finish"], m2["slip_days"], m2["colour"], m2["depends_on"]) == ("2027-01-25", 56, "red", ["M1"])
    assert [(a["rule"], a["severity"]) for a in m2["alerts"]] == [("slip", "red"), ("late_start", "red")]
    assert data["kpi_status"][0]["kpi"] == "DEFECTS" and data["kpi_status"][0]["period"] == "2026-08"
    text = run("initiatives", "show", "LEAN_A").output
    assert "LEAN_A Lean line A (BU_A, active, owner HEAD, budget 120, public)" in text
    assert "late start after 2 days" in text and "Linked objectives: QUALITY_A" in text


def test_progress_and_alerts(run):
    _setup(run)
    result = run("milestones", "update", "LEAN_A", "M2", "--actual-start", "2026-11-24", "--percent", "10",
                 "--json", user="admin")
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert (row["initiative"], row["actual_start"], row["percent_complete"], row["slip_days"]) == (
        "LEAN_A", "2026-11-24", 10.0, 54)
    text = run("milestones", "update", "LEAN_A", "M2", "--planned-start", "2026-11-24", "--planned-finish",
               "2027-01-23", "--reason", "re-planned", user="admin").output
    assert "slip +0 days (green); no alerts" in text
    alerts = json.loads(run("initiatives", "alerts", "--json").output)
    assert alerts == {"today": "2026-11-26", "refreshed": None, "alerts": []}
    cleared = run("milestones", "update", "LEAN_A", "M2", "--actual-start", "none", "--percent", "0", "--json",
                  user="admin")
    assert json.loads(cleared.output)["actual_start"] is None
    refreshed = json.loads(run("initiatives", "alerts", "--refresh", "--json", user="ann").output)
    assert refreshed["refreshed"] == {"today": "2026-11-26", "initiatives": 1, "raised": 0, "cleared": 0,
                                      "updated": 0, "open": 0}
    result = run("milestones", "depend", "LEAN_A", "M1", "--on", "M2", user="admin")
    assert result.exit_code == 1 and "would create a cycle" in result.output


def test_alerts_text_and_unit_filter(run):
    _setup(run)
    text = run("initiatives", "alerts", "--unit", "BU_A").output
    assert "red       slip" in text and "LEAN_A" in text and "M2" in text
    assert json.loads(run("initiatives", "alerts", "--unit", "BU_B", "--json").output)["alerts"] == []


def test_update_initiative_and_unlink(run):
    _setup(run)
    row = json.loads(run("initiatives", "update", "LEAN_A", "--status", "on_hold", "--red-days", "60",
                         "--json", user="admin").output)
    assert (row["status"], row["slip_red_days"], row["worst_severity"]) == ("on_hold", 60, "amber")
    row = json.loads(run("initiatives", "unlink", "LEAN_A", "--kpi", "DEFECTS", "--json", user="admin").output)
    assert row["kpis"] == []


@pytest.mark.parametrize("args, user, message", [
    (("initiatives", "add", "--code", "X1", "--name", "x", "--unit", "BU_A"), None, "no acting user"),
    (("initiatives", "add", "--code", "X1", "--name", "x", "--unit", "BU_A"), "ann", "lacks permission 'edit_targets'"),
    (("initiatives", "add", "--code", "X1", "--name", "x", "--unit", "BU_A", "--amber-days", "30"), "admin",
     "slip_red_days (20) must be at least slip_amber_days (30)"),
    (("initiatives", "show", "NOPE"), None, "unknown initiative 'NOPE'"),
    (("initiatives", "link", "LEAN_A", "--kpi", "NOPE"), "admin", "unknown KPI 'NOPE'"),
    (("initiatives", "link", "LEAN_A"), "admin", "give exactly one of a KPI (--kpi) or an objective"),
    (("milestones", "add", "LEAN_A", "M3", "--name", "x", "--planned-start", "2026-02-30"), "admin",
     "planned_start '2026-02-30' is not a calendar date"),
    (("milestones", "add", "LEAN_A", "M3", "--name", "x", "--planned-start", "2026-03-01", "--planned-finish",
      "2026-02-01"), "admin", "planned finish 2026-02-01 is before planned start 2026-03-01"),
    (("milestones", "update", "LEAN_A", "M2", "--actual-finish", "2026-11-01"), "admin",
     "an actual finish needs an actual start"),
    (("milestones", "update", "LEAN_A", "M2", "--actual-start", "2026-11-01", "--percent", "101"), "admin",
     "between 0 and 100"),
    (("milestones", "update", "LEAN_A", "M2", "--actual-start", "2027-01-01"), "admin", "is in the future"),
    (("milestones", "update", "LEAN_A", "M9", "--percent", "5"), "admin", "has no milestone 'M9'"),
    (("milestones", "update", "LEAN_A", "M2"), "admin", "nothing to change"),
    (("milestones", "depend", "LEAN_A", "M1", "--on", "M2"), "admin", "would create a cycle"),
])
def test_user_errors_exit_1_and_leave_the_file_unchanged(run, mini_db, args, user, message):
    _setup(run)
    before = _counts(mini_db)
    result = run(*args, user=user)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    after = _counts(mini_db)
    # A refused permission adds its audit entry, nothing else changes.
    assert after[1:] == before[1:]
    assert after[0] == before[0] + (1 if "lacks permission" in message else 0)
