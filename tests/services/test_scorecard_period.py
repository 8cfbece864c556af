"""The period a scorecard opens on: the latest one with enough of its weight scored."""

from __future__ import annotations

import pytest

from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services import scorecard, scorecard_period, settings, tui_reads
from tests.builders import NOW

A = {"actor": "system", "now": NOW}


def _value(conn, kpi: str, unit: str, period: str, value: float, *, approve: bool = True, target: bool = True):
    if target:
        fw.set_target(conn, kpi, unit, period, 100, 90, **A)
    ms.enter_value(conn, kpi, unit, period, str(value), submit=True, actor="ann", now=NOW)
    if approve:
        ms.decide(conn, kpi, unit, period, approve=True, actor="bob", now=NOW)


def test_mini_opens_on_the_latest_approved_month_not_the_latest_with_a_value(mini):
    # 2026-09 only holds submitted values: nothing scores, so its coverage is 0.
    assert scorecard.available_periods(mini, "GROUP")[0] == "2026-09"
    assert scorecard_period.coverage(mini, "GROUP", "2026-09") == 0.0
    assert scorecard_period.coverage(mini, "GROUP", "2026-08") == 1.0
    assert scorecard_period.opening_period(mini, "GROUP") == "2026-08"
    assert scorecard_period.opening_period(mini, "BU_A") == "2026-08"
    assert scorecard_period.opening_period(mini, "NORTH") is None  # no objectives of its own: no data to show


def test_one_stray_value_in_a_later_period_is_ignored(mini):
    # A second KPI under GROW_A, scored in the months that are complete.
    fw.create_kpi(mini, "MARGIN", name="Margin", uom="%", direction="higher", perspective="FIN", **A)
    fw.link_kpi(mini, "GROW_A", "MARGIN", **A)
    for period in ("2026-07", "2026-08"):
        _value(mini, "MARGIN", "BU_A", period, 95)
    # One approved value with a target in 2026-10: a quarter of BU_A's weight.
    _value(mini, "REV", "BU_A", "2026-10", 120)
    assert scorecard.available_periods(mini, "BU_A")[0] == "2026-10"
    assert scorecard_period.coverage(mini, "BU_A", "2026-10") == pytest.approx(0.25)
    assert scorecard_period.opening_period(mini, "BU_A") == "2026-08"
    # The setting decides what is meaningful.
    settings.set_value(mini, "scorecard_min_coverage", "0.2", actor="admin", now=NOW)
    assert scorecard_period.min_coverage(mini) == 0.2
    assert scorecard_period.opening_period(mini, "BU_A") == "2026-10"


def test_exactly_half_is_enough_and_an_unset_or_broken_setting_means_half(mini):
    _value(mini, "REV", "BU_A", "2026-10", 120)  # FIN scored, INT not: half of BU_A
    assert scorecard_period.coverage(mini, "BU_A", "2026-10") == pytest.approx(0.5)
    assert scorecard_period.min_coverage(mini) == 0.5
    assert scorecard_period.opening_period(mini, "BU_A") == "2026-10"
    fw.set_setting(mini, "scorecard_min_coverage", "lots", **A)  # written around the validation
    assert scorecard_period.min_coverage(mini) == 0.5
    assert scorecard_period.opening_period(mini, "BU_A", threshold=0.6) == "2026-08"


def test_values_without_target_or_approval_do_not_count(mini):
    _value(mini, "REV", "BU_A", "2026-10", 120, target=False)
    fw.set_target(mini, "DEFECTS", "BU_A", "2026-10", 500, 700, **A)
    _value(mini, "DEFECTS", "BU_A", "2026-10", 400, approve=False, target=False)
    assert scorecard_period.coverage(mini, "BU_A", "2026-10") == 0.0
    assert scorecard_period.opening_period(mini, "BU_A") == "2026-08"


def test_nothing_ever_covered_enough_opens_on_the_best_covered_period(mini):
    assert scorecard_period.opening_period(mini, "BU_A", threshold=1.01) == "2026-08"  # 07 and 08 tie: the latest


def test_the_setting_is_validated():
    with pytest.raises(ValueError, match="share from 0 to 1"):
        settings.KNOWN["scorecard_min_coverage"][0]("1.5")
    assert settings.KNOWN["scorecard_min_coverage"][0]("0.75") == "0.75"


def test_coverage_equals_the_scorecard_headline_on_the_demo(demo_db):
    from pmtui.store.db import connect

    conn = connect(demo_db)
    checked = 0
    for (unit,) in conn.execute("SELECT code FROM units ORDER BY code").fetchall():
        for period in scorecard.available_periods(conn, unit)[:6]:
            headline = tui_reads.coverage(scorecard.build(conn, unit, period))
            assert scorecard_period.coverage(conn, unit, period) == pytest.approx(headline), (unit, period)
            checked += 1
    conn.close()
    assert checked > 50
