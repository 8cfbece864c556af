"""The initiatives service: writes, permissions, validation, alerts raised and cleared, reads."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pmtui.core import scoring
from pmtui.services import framework as fw
from pmtui.services import initiatives, verify
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW
from tests.initiatives.conftest import A

TODAY = NOW.date()


def _alerts(conn, milestone=None):
    sql = ("SELECT m.code, a.rule, a.severity, a.cleared_on FROM execution_alerts a JOIN milestones m"
           " ON m.id = a.milestone_id")
    rows = conn.execute(sql + (" WHERE m.code = ?" if milestone else "") + " ORDER BY a.id",
                        [milestone] if milestone else []).fetchall()
    return [tuple(r) for r in rows]


def test_add_initiative_returns_it_as_listed(mini):
    row = initiatives.add_initiative(mini, "LEAN_A", "Lean line A", unit="BU_A", owner_role="HEAD", budget=120,
                                     status="active", **A)
    assert row == {"code": "LEAN_A", "name": "Lean line A", "description": "", "unit": "BU_A", "unit_name": "Unit A",
                   "owner_role": "HEAD", "budget": 120.0, "status": "active", "confidentiality": "public",
                   "late_start_grace_days": 0, "slip_amber_days": 5, "slip_red_days": 20, "milestones": 0,
                   "open_alerts": 0, "kpis": [], "objectives": [], "worst_severity": None}
    entry = mini.execute("SELECT actor, action FROM audit_log WHERE entity = 'initiatives'").fetchone()
    assert tuple(entry) == ("admin", "initiative.add")


def test_edits_need_edit_targets_and_refusals_are_audited(ini):
    with pytest.raises(PermissionDenied, match="edit_targets"):
        initiatives.add_initiative(ini, "ANN_1", "Mine", unit="BU_A", actor="ann", now=NOW)
    with pytest.raises(PermissionDenied):
        initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start="2026-11-20", actor="bob", now=NOW)
    refusals = ini.execute("SELECT actor, action, entity FROM audit_log WHERE action LIKE 'refused.%' ORDER BY seq")
    assert [tuple(r) for r in refusals] == [("ann", "refused.edit_targets", "initiatives"),
                                            ("bob", "refused.edit_targets", "milestones")]
    assert ini.execute("SELECT actual_start FROM milestones WHERE code = 'M2'").fetchone()[0] is None


@pytest.mark.parametrize("kwargs, message", [
    ({"code": "lean"}, "initiative code 'lean'"),
    ({"status": "started"}, "status must be one of"),
    ({"slip_amber_days": 10, "slip_red_days": 5}, "slip_red_days (5) must be at least slip_amber_days (10)"),
    ({"late_start_grace_days": -1}, "late_start_grace_days must be a whole number"),
    ({"budget": -5}, "budget must be a finite number >= 0"),
    ({"name": "=HYPERLINK()"}, "spreadsheets run as a formula"),
    ({"name": "  "}, "name must not be empty"),
    ({"unit": "NOPE"}, "unknown unit 'NOPE'"),
    ({"owner_role": "NOPE"}, "unknown role 'NOPE'"),
    ({"confidentiality": "secret"}, "confidentiality must be one of"),
])
def test_initiative_validation(mini, kwargs, message):
    args = {"code": "X1", "name": "Name", "unit": "BU_A"} | kwargs
    with pytest.raises(PmError, match=message.replace("(", r"\(").replace(")", r"\)")):
        initiatives.add_initiative(mini, args.pop("code"), args.pop("name"), **args, **A)
    assert mini.execute("SELECT count(*) FROM initiatives").fetchone()[0] == 0


def test_duplicate_initiative_refused(ini):
    with pytest.raises(PmError, match="initiative LEAN_A already exists"):
        initiatives.add_initiative(ini, "LEAN_A", "Again", unit="BU_A", **A)


def test_links_and_latest_kpi_status(ini):
    detail = initiatives.detail(ini, "LEAN_A", today=TODAY)
    assert (detail["kpis"], detail["objectives"]) == (["DEFECTS"], ["QUALITY_A"])
    [status] = detail["kpi_status"]
    expected = scoring.status_for_score(scoring.kpi_score("lower", 650, 500, 700, None, None))
    # 2026-09 is only submitted: the latest *approved* value is 2026-08's 650 ppm.
    assert (status["kpi"], status["period"], status["value"], status["target"], status["status"]) == (
        "DEFECTS", "2026-08", 650.0, 500.0, expected)
    assert detail["objective_links"] == [{"objective": "QUALITY_A", "name": "Fewer defects in A"}]
    with pytest.raises(PmError, match="already linked to KPI DEFECTS"):
        initiatives.link(ini, "LEAN_A", kpi="DEFECTS", **A)
    with pytest.raises(PmError, match="exactly one"):
        initiatives.link(ini, "LEAN_A", kpi="REV", objective="GROW_A", **A)
    assert initiatives.unlink(ini, "LEAN_A", objective="QUALITY_A", **A)["objectives"] == []
    with pytest.raises(NotFound, match="not linked to objective QUALITY_A"):
        initiatives.unlink(ini, "LEAN_A", objective="QUALITY_A", **A)


@pytest.mark.parametrize("kwargs, message", [
    ({"planned_start": "2026-13-01"}, "planned_start '2026-13-01' is not a calendar date"),
    ({"planned_finish": "1/12/2026"}, "planned_finish '1/12/2026' is not a date: use YYYY-MM-DD"),
    ({"planned_start": "2026-12-01", "planned_finish": "2026-11-01"}, "planned finish 2026-11-01 is before planned start"),
    ({"actual_finish": "2026-11-01"}, "an actual finish needs an actual start"),
    ({"actual_start": "2026-11-10", "actual_finish": "2026-11-01"}, "actual finish 2026-11-01 is before actual start"),
    ({"actual_start": "2026-12-01"}, "actual start 2026-12-01 is in the future"),
    ({"actual_start": "2026-11-01", "percent_complete": 140}, "between 0 and 100"),
    ({"percent_complete": 10}, "percent complete 10 needs an actual start"),
])
def test_milestone_validation(ini, kwargs, message):
    before = ini.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(PmError, match=message):
        initiatives.add_milestone(ini, "LEAN_A", "M9", "Bad", **kwargs, **A)
    assert ini.execute("SELECT count(*) FROM milestones WHERE code = 'M9'").fetchone()[0] == 0
    assert ini.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_alerts_are_raised_updated_and_cleared_as_data_changes(ini):
    # M2 (planned 2026-10-01 .. 2026-11-30) has not started on 2026-11-26: late start and slip, both red.
    assert _alerts(ini, "M2") == [("M2", "late_start", "red", None), ("M2", "slip", "red", None)]
    started = initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start="2026-11-20", percent_complete=5, **A)
    assert (started["forecast_finish"], started["slip_days"], started["colour"]) == ("2027-01-19", 50, "red")
    assert _alerts(ini, "M2") == [("M2", "late_start", "red", "2026-11-26"), ("M2", "slip", "red", None)]
    # A re-baseline that matches the actual start clears the slip.
    later = NOW + timedelta(days=1)
    rebased = initiatives.update_milestone(ini, "LEAN_A", "M2", planned_start="2026-11-20",
                                           planned_finish="2027-01-19", reason="re-planned", actor="admin", now=later)
    assert (rebased["slip_days"], rebased["colour"], rebased["alerts"]) == (0, "green", [])
    assert _alerts(ini, "M2")[-1] == ("M2", "slip", "red", "2026-11-27")
    actions = [r[0] for r in ini.execute("SELECT action FROM audit_log WHERE entity = 'execution_alerts' ORDER BY seq")]
    assert actions.count("execution_alert.raise") == 3  # M2 late start and slip, SECRET_B/S1 slip
    assert actions.count("execution_alert.clear") == 2
    assert verify.verify(ini).ok


def test_threshold_change_updates_the_open_alert(ini):
    initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start="2026-11-01", **A)  # slip 31 days: red
    assert _alerts(ini, "M2")[-1] == ("M2", "slip", "red", None)
    initiatives.update_initiative(ini, "LEAN_A", slip_red_days=45, **A)
    assert _alerts(ini, "M2")[-1] == ("M2", "slip", "amber", None)
    entry = ini.execute("SELECT reason FROM audit_log WHERE action = 'execution_alert.update'"
                        " ORDER BY seq DESC").fetchone()[0]
    assert entry == "forecast finish 2026-12-31 is 31 days after the planned finish 2026-11-30 (amber from 5 days)"


def test_closing_the_initiative_clears_its_alerts(ini):
    initiatives.update_initiative(ini, "LEAN_A", status="cancelled", reason="stopped", **A)
    assert all(cleared == "2026-11-26" for _, _, _, cleared in _alerts(ini, "M2"))
    reason = ini.execute("SELECT reason FROM audit_log WHERE action = 'execution_alert.clear'").fetchone()[0]
    assert reason == "late_start cleared: initiative closed"


def test_refresh_raises_alerts_when_the_date_moves_on(ini):
    # M3 (2027-01-04 .. 2027-02-26): nothing on 2026-11-26; by 2027-01-10 it starts 6 days late and its
    # forecast finish (today + 53 days planned) is 6 days late: both amber.
    assert _alerts(ini, "M3") == []
    result = initiatives.refresh_alerts(ini, today=date(2027, 1, 10), actor="ann", now=NOW)
    assert result == {"today": "2027-01-10", "initiatives": 2, "raised": 2, "cleared": 0, "updated": 3, "open": 5}
    assert _alerts(ini, "M3") == [("M3", "late_start", "amber", None), ("M3", "slip", "amber", None)]
    evidence = json.loads(ini.execute("SELECT evidence FROM execution_alerts WHERE rule = 'late_start'"
                                      " AND cleared_on IS NULL AND milestone_id = (SELECT id FROM milestones"
                                      " WHERE code = 'M3')").fetchone()[0])
    assert (evidence["days_late"], evidence["today"], evidence["planned_start"]) == (6, "2027-01-10", "2027-01-04")
    again = initiatives.refresh_alerts(ini, today=date(2027, 1, 10), actor="ann", now=NOW)
    assert (again["raised"], again["updated"], again["cleared"]) == (0, 0, 0)
    with pytest.raises(NotFound, match="unknown user"):
        initiatives.refresh_alerts(ini, today=TODAY, actor="nobody", now=NOW)


def test_dependencies_refuse_cycles_and_raise_the_dependency_rule(ini):
    with pytest.raises(PmError, match=r"refused: M3 already depends on M1 \(M3 -> M2 -> M1\)"):
        initiatives.add_dependency(ini, "LEAN_A", "M1", "M3", **A)
    with pytest.raises(PmError, match="cannot depend on itself"):
        initiatives.add_dependency(ini, "LEAN_A", "M2", "M2", **A)
    with pytest.raises(PmError, match="already depends on M1"):
        initiatives.add_dependency(ini, "LEAN_A", "M2", "M1", **A)
    with pytest.raises(NotFound, match="has no milestone 'M7'"):
        initiatives.add_dependency(ini, "LEAN_A", "M2", "M7", **A)
    initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start="2026-11-20", **A)
    m3 = initiatives.update_milestone(ini, "LEAN_A", "M3", actual_start="2026-11-25", **A)
    dependency = next(a for a in m3["alerts"] if a["rule"] == "dependency")
    assert dependency["evidence"]["depends_on"] == [{"milestone": "M2", "actual_finish": None}]
    assert m3["depends_on"] == ["M2"]


def test_actual_finish_sets_percent_and_none_clears_a_date(ini):
    done = initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start="2026-10-01", **A)
    done = initiatives.update_milestone(ini, "LEAN_A", "M2", actual_finish="2026-11-25", **A)
    assert (done["percent_complete"], done["state"], done["slip_days"]) == (100.0, "done", -5)
    with pytest.raises(PmError, match="an actual finish needs an actual start"):
        initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start=None, **A)
    cleared = initiatives.update_milestone(ini, "LEAN_A", "M2", actual_start=None, actual_finish=None,
                                           percent_complete=0, **A)
    assert (cleared["actual_start"], cleared["actual_finish"], cleared["state"]) == (None, None, "not_started")
    with pytest.raises(PmError, match="nothing to change"):
        initiatives.update_milestone(ini, "LEAN_A", "M2", **A)
    with pytest.raises(PmError, match="unknown field"):
        initiatives.update_milestone(ini, "LEAN_A", "M2", colour="red", **A)


def test_slipped_is_one_row_per_milestone_worst_first(ini):
    rows = initiatives.slipped(ini, today=TODAY)
    assert [(r["initiative"], r["milestone"], r["severity"], r["rule"], r["rules"]) for r in rows] == [
        ("LEAN_A", "M2", "red", "slip", ["slip", "late_start"]),
        ("SECRET_B", "S1", "red", "slip", ["slip"])]
    first = rows[0]
    assert set(first) >= {"initiative", "milestone", "milestone_id", "name", "rule", "severity", "message",
                          "evidence", "unit", "confidentiality"}
    assert (first["name"], first["unit"], first["evidence"]["slip_days"]) == ("Build", "BU_A", 56)
    assert rows[1]["confidentiality"] == "confidential"
    assert [r["milestone"] for r in initiatives.slipped(ini, unit="BU_A", today=TODAY)] == ["M2"]
    assert len(initiatives.slipped(ini, unit="GROUP", today=TODAY)) == 2
    assert initiatives.slipped(ini, today=TODAY - timedelta(days=1)) == []  # raised on 2026-11-26


def test_reads_filter_by_unit_subtree_and_kpi(ini):
    assert [r["code"] for r in initiatives.list_initiatives(ini)] == ["LEAN_A", "SECRET_B"]
    assert [r["code"] for r in initiatives.list_initiatives(ini, unit="NORTH")] == ["LEAN_A", "SECRET_B"]
    assert [r["code"] for r in initiatives.list_initiatives(ini, unit="BU_B")] == ["SECRET_B"]
    assert [r["code"] for r in initiatives.list_initiatives(ini, kpi="DEFECTS")] == ["LEAN_A"]
    assert initiatives.list_initiatives(ini, kpi="REV") == []
    initiatives.link(ini, "SECRET_B", objective="GROW_A", **A)  # GROW_A is measured by REV
    assert [r["code"] for r in initiatives.list_initiatives(ini, kpi="REV")] == ["SECRET_B"]
    page = initiatives.timeline(ini, today=TODAY, limit=1, offset=1)
    assert (page["total"], [i["code"] for i in page["initiatives"]]) == (2, ["SECRET_B"])
    with pytest.raises(NotFound, match="unknown unit"):
        initiatives.list_initiatives(ini, unit="NOWHERE")


def test_published_views_leave_out_confidential_initiatives_and_kpis(ini):
    fw.create_kpi(ini, "SECRET_KPI", name="Secret", direction="higher", confidentiality="confidential", **A)
    initiatives.link(ini, "LEAN_A", kpi="SECRET_KPI", **A)
    initiatives.add_initiative(ini, "CONF_A", "Confidential in A", unit="BU_A", confidentiality="confidential", **A)
    rows = [dict(r) for r in ini.execute("SELECT * FROM pub_initiatives")]
    assert [r["initiative"] for r in rows] == ["LEAN_A"]
    assert (rows[0]["kpis"], rows[0]["objectives"], rows[0]["open_alerts"], rows[0]["red_alerts"]) == (
        "DEFECTS", "QUALITY_A", 2, 2)
    milestones = {r["milestone"]: dict(r) for r in ini.execute("SELECT * FROM pub_milestones")}
    assert set(milestones) == {"M1", "M2", "M3"}
    live = {m["code"]: m for m in initiatives.detail(ini, "LEAN_A", today=TODAY)["milestones"]}
    for code, row in milestones.items():
        assert (row["forecast_finish"], row["slip_days"], row["colour"], row["state"]) == (
            live[code]["forecast_finish"], live[code]["slip_days"], live[code]["colour"], live[code]["state"])
    assert milestones["M3"]["depends_on"] == "M2"
    alerts = [r["initiative"] for r in ini.execute("SELECT initiative FROM pub_execution_alerts")]
    assert alerts == ["LEAN_A", "LEAN_A"]
