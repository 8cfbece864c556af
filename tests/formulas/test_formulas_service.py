"""Calculated KPIs on the mini company: validation, audit, recomputation on approval."""

from __future__ import annotations

import pytest

from pmtui.services import formulas, verify
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services.errors import PermissionDenied, PmError
from tests.builders import NOW, explain


def _kpi(conn, code, formula=None):
    fw.create_kpi(conn, code, name=code.title(), direction="lower", perspective="INT", actor="system", now=NOW)
    if formula:
        formulas.set_formula(conn, code, formula, actor="admin", now=NOW)


def _value(conn, kpi, period, value, unit="BU_A"):
    ms.enter_value(conn, kpi, unit, period, str(value), submit=True, actor="ann", now=NOW)
    ms.decide(conn, kpi, unit, period, approve=True, actor="bob", now=NOW)


def _calc(conn, kpi, period, unit="BU_A"):
    row = conn.execute("SELECT m.* FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id"
                       " WHERE k.code = ? AND u.code = ? AND m.period = ?", [kpi, unit, period]).fetchone()
    return dict(row) if row else None


@pytest.mark.parametrize(("text", "message"), [
    ("DEFECTS / ", "position 10"),
    ("DEFECTS / NOPE", "unknown KPI code(s) NOPE"),
    ("RATIO * 2", "dependency cycle: RATIO -> RATIO"),
])
def test_set_formula_refuses_bad_formulas(mini, text, message):
    _kpi(mini, "RATIO")
    with pytest.raises(PmError, match=message.replace("(", r"\(").replace(")", r"\)")):
        formulas.set_formula(mini, "RATIO", text, actor="admin", now=NOW)


def test_cycle_through_another_kpi_is_named(mini):
    _kpi(mini, "RATIO", "DEFECTS / REV")
    with pytest.raises(PmError, match="RATIO -> REV -> RATIO"):
        formulas.set_formula(mini, "REV", "RATIO * 2", actor="admin", now=NOW)


def test_set_formula_needs_edit_definitions_and_is_audited(mini):
    _kpi(mini, "RATIO")
    with pytest.raises(PermissionDenied):
        formulas.set_formula(mini, "RATIO", "DEFECTS / REV", actor="ann", now=NOW)
    formulas.set_formula(mini, "RATIO", "DEFECTS / REV", actor="admin", now=NOW)
    entry = mini.execute("SELECT action, actor FROM audit_log WHERE action LIKE 'kpi.formula%'").fetchall()
    assert [tuple(e) for e in entry] == [("kpi.formula", "admin")]
    formulas.set_formula(mini, "RATIO", None, actor="admin", now=NOW)
    assert mini.execute("SELECT formula FROM kpis WHERE code = 'RATIO'").fetchone()[0] is None


def test_recompute_fills_history_as_approved_calc_values(mini):
    _kpi(mini, "RATIO", "DEFECTS / REV")
    result = formulas.recompute(mini, actor="admin", now=NOW)
    assert result["inserted"] == 2 and result["incomplete"] == 0  # 2026-07 and -08 (09 is only submitted)
    row = _calc(mini, "RATIO", "2026-08")
    assert row["value"] == pytest.approx(650 / 95, abs=0.01)
    assert (row["status"], row["entered_by"], row["decided_by"]) == ("approved", "calc", "system")
    assert row["comment"] == "calculated: DEFECTS / REV"
    assert formulas.recompute(mini, actor="admin", now=NOW)["unchanged"] == 2
    assert verify.verify(mini).ok


def test_approval_recomputes_dependents_transitively(mini):
    _kpi(mini, "RATIO", "DEFECTS / REV")
    _kpi(mini, "RATIO2", "RATIO * 2")
    for kpi in ("REV", "DEFECTS"):  # both are red: approval needs a commentary (M7.5)
        explain(mini, kpi, "BU_A", "2026-09")
    ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)
    assert _calc(mini, "RATIO", "2026-09") is None  # DEFECTS still waits for approval
    ms.decide(mini, "DEFECTS", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)
    assert _calc(mini, "RATIO", "2026-09")["value"] == pytest.approx(900 / 80)
    assert _calc(mini, "RATIO2", "2026-09")["value"] == pytest.approx(2 * 900 / 80)
    actions = [r[0] for r in mini.execute("SELECT action FROM audit_log WHERE action LIKE 'measurement.%calc%'")]
    assert actions == ["measurement.calculate", "measurement.calculate"]


def test_changed_input_updates_the_calculated_value(mini):
    _kpi(mini, "RATIO", "DEFECTS / REV")
    _value(mini, "REV", "2026-10", 100)
    _value(mini, "DEFECTS", "2026-10", 500)
    assert _calc(mini, "RATIO", "2026-10")["value"] == 5
    # a rejected-and-reentered input is the way values change: approve a new period's value instead
    formulas.set_formula(mini, "RATIO", "DEFECTS / REV * 10", actor="admin", now=NOW)
    result = formulas.recompute(mini, kpi="RATIO", period="2026-10", actor="admin", now=NOW)
    assert result["updated"] == 1 and _calc(mini, "RATIO", "2026-10")["value"] == 50
    assert mini.execute("SELECT count(*) FROM audit_log WHERE action = 'measurement.recalculate'").fetchone()[0] == 1
    assert verify.verify(mini).ok


def test_hand_entered_approved_value_is_kept_when_a_formula_arrives(mini):
    _kpi(mini, "RATIO")
    _value(mini, "RATIO", "2026-10", 7)
    formulas.set_formula(mini, "RATIO", "DEFECTS / REV", actor="admin", now=NOW)
    # approving the formula's inputs recomputes it: the locked hand-entered value is left alone
    _value(mini, "REV", "2026-10", 100)
    _value(mini, "DEFECTS", "2026-10", 500)
    assert _calc(mini, "RATIO", "2026-10")["value"] == 7
    result = formulas.recompute(mini, kpi="RATIO", period="2026-10", actor="admin", now=NOW)
    assert result["manual"] == 1 and result["updated"] == 0
    assert verify.verify(mini).ok


def test_division_by_zero_gives_no_value_with_reason(mini):
    _kpi(mini, "RATIO", "DEFECTS / REV")
    _value(mini, "REV", "2026-10", 0)
    _value(mini, "DEFECTS", "2026-10", 500)
    assert _calc(mini, "RATIO", "2026-10") is None
    result = formulas.recompute(mini, kpi="RATIO", period="2026-10", actor="admin", now=NOW)
    assert result["no value"] == 1 and result["problems"][0]["reason"] == "division by zero"


def test_recompute_of_a_plain_kpi_is_refused(mini):
    with pytest.raises(PmError, match="REV has no formula"):
        formulas.recompute(mini, kpi="REV", actor="admin", now=NOW)
