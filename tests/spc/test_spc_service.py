"""SPC settings, the result caches and intervention that follows SPC, on the mini company."""

from __future__ import annotations

import pytest

from pmtui.core import spc as core_spc
from pmtui.core import spc_status
from pmtui.services import scorecard, spc, spc_reads, verify
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services.errors import PermissionDenied, PmError
from tests.builders import NOW, explain

REV = [100, 101, 99, 102, 100, 98, 101, 100, 99, 103, 100, 101, 99, 100, 92, 91, 92, 90, 91, 92, 90, 91]
DEFECTS = [500, 520, 480, 510, 505, 495, 900, 500]


def _history(conn, kpi, values, unit="BU_A", first=(2024, 9)):
    year, month = first
    out = []
    for value in values:
        period = f"{year}-{month:02d}"
        ms.enter_value(conn, kpi, unit, period, str(value), submit=True, actor="admin", now=NOW)
        explain(conn, kpi, unit, period)  # signals need a commentary before approval (M7.5)
        ms.decide(conn, kpi, unit, period, approve=True, actor="bob", now=NOW)
        out.append(period)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def _series(conn, kpi, unit="BU_A"):
    return [tuple(r) for r in conn.execute(
        "SELECT r.period, r.value, r.mean, r.upl, r.lpl, r.special_cause, r.rule FROM spc_results r"
        " JOIN kpis k ON k.id = r.kpi_id JOIN units u ON u.id = r.unit_id WHERE k.code = ? AND u.code = ?"
        " ORDER BY r.period", [kpi, unit])]


def _approved(conn, kpi, unit="BU_A"):
    return [tuple(r) for r in conn.execute(
        "SELECT m.period, m.value FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id"
        " WHERE k.code = ? AND u.code = ? AND m.status = 'approved' ORDER BY m.period", [kpi, unit])]


def _expected(values, **options):
    result = core_spc.xmr(values, **options)
    return result, [(p.value, p.mean, p.upl, p.lpl, p.special_cause, p.rule) for p in result.points]


@pytest.fixture
def history(mini):
    _history(mini, "REV", REV)
    _history(mini, "DEFECTS", DEFECTS, first=(2025, 8))
    _history(mini, "REV", [100, 99, 101, 100, 102, 98, 100, 101, 99, 100, 100, 101, 99], unit="BU_B")
    return mini


def test_refresh_writes_what_core_xmr_computes_per_series(history):
    result = spc.refresh(history)
    assert result.series == 3 and result.points == len(REV) + 2 + len(DEFECTS) + 2 + 13
    for kpi, unit, improvement, target in (("REV", "BU_A", "increase", 100), ("DEFECTS", "BU_A", "decrease", 500),
                                           ("REV", "BU_B", "increase", None)):
        approved = _approved(history, kpi, unit)
        expected, rows = _expected([v for _, v in approved], improvement=improvement, target=target)
        got = _series(history, kpi, unit)
        assert [g[0] for g in got] == [p for p, _ in approved]
        for g, e in zip(got, rows):
            assert g[1:5] == pytest.approx(e[:4]) and g[5:] == e[4:]
        summary = {s["kpi"]: s for s in spc_reads.summary(history, unit)}[kpi]
        assert (summary["variation"], summary["assurance"], summary["last_rule"]) == \
            (expected.variation, expected.assurance, expected.points[-1].rule)
        assert summary["points"] == len(approved)


def test_short_series_warn_and_the_cache_is_not_audited(history):
    entries = history.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    spc.refresh(history)
    assert history.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries
    warnings = {s["kpi"]: s["warning"] for s in spc_reads.summary(history, "BU_A")}
    assert warnings["DEFECTS"] == spc.SHORT_WARNING and warnings["REV"] is None
    assert verify.verify(history).ok


def test_settings_are_honoured_and_audited(history):
    spc.refresh(history)
    row = spc.set_settings(history, "REV", "BU_A", baseline_points=12, rebase="2025-11", screen_outliers=False,
                           shift_length=6, trend_length=8, actor="admin", now=NOW)
    assert (row["baseline_points"], row["rebase_periods"], row["shift_length"]) == (12, "2025-11", 6)
    approved = _approved(history, "REV")
    periods = [p for p, _ in approved]
    options = {"improvement": "increase", "target": 100, "fix_after_n_points": 12, "screen_outliers": False,
               "shift_length": 6, "trend_length": 8, "rebase": [periods.index("2025-11")]}
    _, rows = _expected([v for _, v in approved], **options)
    single = _series(history, "REV")  # refreshed for this series right away
    spc.refresh(history)  # and the bulk refresh agrees with it
    for got in (single, _series(history, "REV")):
        for g, e in zip(got, rows):
            assert g[1:5] == pytest.approx(e[:4]) and g[5:] == e[4:]
    assert history.execute("SELECT count(*) FROM audit_log WHERE action = 'spc.settings'").fetchone()[0] == 1
    assert verify.verify(history).ok


@pytest.mark.parametrize(("changes", "message"), [
    ({"rebase": "2025-13"}, "YYYY-MM"),
    ({"shift_length": 5}, "6, 7 or 8"),
    ({"baseline_points": 1}, "at least 2"),
])
def test_bad_settings_are_refused(mini, changes, message):
    with pytest.raises(PmError, match=message):
        spc.set_settings(mini, "REV", "BU_A", actor="admin", now=NOW, **changes)


def test_settings_and_mode_need_edit_definitions(mini):
    with pytest.raises(PermissionDenied):
        spc.set_settings(mini, "REV", "BU_A", shift_length=8, actor="ann", now=NOW)
    with pytest.raises(PermissionDenied):
        spc.set_mode(mini, "REV", True, actor="bob", now=NOW)


def test_approval_refreshes_the_series(history):
    spc.refresh(history)
    before = len(_series(history, "REV"))
    _history(history, "REV", [60], first=(2026, 10))
    assert len(_series(history, "REV")) == before + 1
    summary = {s["kpi"]: s for s in spc_reads.summary(history, "BU_A")}["REV"]
    assert (summary["variation"], summary["last_rule"]) == ("special_cause_concern", "outside_limits")
    assert [s["kpi"] for s in spc_reads.signals(history, "BU_A")] == ["REV"]


@pytest.mark.parametrize(("cause", "rule", "assurance", "status"), [
    ("concern", "shift", "consistent_pass", "red"),
    (None, None, "consistent_fail", "red"),
    ("improvement", "trend", "consistent_fail", "red"),
    ("improvement", "trend", "inconsistent", "green"),
    (None, None, "consistent_pass", "green"),
    (None, None, "inconsistent", "amber"),
    ("neutral", "outside_limits", None, "amber"),
    (None, None, None, "amber"),
])
def test_intervention_mapping(cause, rule, assurance, status):
    verdict = spc_status.verdict(cause, rule, assurance)
    assert verdict.status == status
    if rule and status != "amber" and assurance != "consistent_fail":
        assert rule.replace("_", " ") in verdict.reason


@pytest.mark.parametrize(("target", "improvement", "expected"), [
    (120, "increase", "consistent_fail"), (80, "increase", "consistent_pass"), (100, "increase", "inconsistent"),
    (120, "decrease", "consistent_pass"), (80, "decrease", "consistent_fail"), (100, "neutral", None),
    (None, "increase", None),
])
def test_assurance(target, improvement, expected):
    assert spc_status.assurance(target, 90.0, 110.0, improvement) == expected


def test_scorecard_status_follows_spc_in_spc_mode(history):
    spc.refresh(history)
    _history(history, "REV", [60], first=(2026, 10))
    fw.set_target(history, "REV", "BU_A", "2026-10", 100, 90, actor="system", now=NOW)
    line = _rev_line(scorecard.build(history, "BU_A", "2026-10"))
    assert line.status == "red" and line.spc is None  # thresholds: 60 against 100 / 90
    spc.set_mode(history, "REV", True, actor="admin", now=NOW)
    line = _rev_line(scorecard.build(history, "BU_A", "2026-10"))
    assert (line.status, line.spc) == ("red", "SPC: special cause concern (outside limits)")
    line = _rev_line(scorecard.build(history, "BU_A", "2025-06"))
    # 103 is above the upper limit: an improvement for a higher-is-better KPI
    assert (line.status, line.spc) == ("green", "SPC: special cause improvement (outside limits)")
    assert line.score == spc_status.STATUS_SCORE["green"]


def _rev_line(card):
    return next(k for p in card.perspectives for o in p.objectives for k in o.kpis if k.code == "REV")
