"""Collapsed limits: a series that hardly moves (a KPI at its ceiling) is not a wall of special causes.

The rule is pure (:func:`pmtui.core.spc.limits_collapsed`, applied by ``xmr`` and
``xmr_many``); the services store it as the summary warning, and ``pmtui spc summary``
and the chart say so.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner

from pmtui.cli import cli
from pmtui.core.spc import COLLAPSED_WARNING, limits_collapsed, xmr
from pmtui.core.spc_vector import xmr_many
from pmtui.services import spc, spc_reads
from tests.spc.test_spc_service import _history

#: PICK_ACCURACY at DC_NORTH in the demo: 100.0 but for two dips. The dips' moving ranges are
#: screened out as outliers, every other moving range is 0: the limits collapse onto the mean.
CEILING = [100.0] * 22 + [97.58] + [100.0] * 13 + [98.0]
#: A 12-point baseline alternating +-1 (mean 0, amr 2, limits +-5.32).
WOBBLE = [1.0, -1.0] * 6


@pytest.mark.parametrize(("amr", "collapsed"), [(0.0, True), (-0.0, True), (1e-12, False), (2.0, False),
                                                (math.nan, False)])
def test_limits_collapsed(amr, collapsed):
    assert limits_collapsed(amr) is collapsed


@pytest.mark.parametrize(
    ("values", "kwargs", "collapsed", "flagged", "variation", "assurance"),
    [
        # at the ceiling with two dips: before the rule, all 37 points were flagged (35 improvement, 2 concern)
        (CEILING, {"target": 99.5}, True, 0, "common_cause", None),
        # without screening the dips keep the amr above 0: ordinary limits, ordinary rules
        (CEILING, {"target": 99.5, "screen_outliers": False}, False, 37, "special_cause_concern", "inconsistent"),
        # a constant series: nothing moves, nothing to judge
        ([5.0] * 15, {"target": 4.0}, True, 0, "common_cause", None),
        # limits fixed on a flat baseline: the later movement cannot be judged against zero-width limits
        ([5.0] * 12 + [6.0, 7.0, 8.0], {"fix_after_n_points": 12}, True, 0, "common_cause", None),
        # an ordinary series is untouched
        (WOBBLE + [9.0], {"target": 0.0}, False, 1, "special_cause_improvement", "inconsistent"),
        # one point has no limits at all (NaN amr): not a collapse
        ([3.0], {}, False, 0, "common_cause", None),
        # rebased: only the collapsed segment goes unjudged; the assurance follows the last (ordinary) segment
        ([5.0] * 12 + WOBBLE + [9.0], {"rebase": [12], "target": -6.0}, True, 1, "special_cause_improvement",
         "consistent_pass"),
        # rebased the other way: the last segment collapsed, so no assurance
        (WOBBLE + [9.0] + [5.0] * 12, {"rebase": [13], "target": -6.0}, True, 1, "common_cause", None),
    ],
)
def test_collapsed_segments_flag_nothing(values, kwargs, collapsed, flagged, variation, assurance):
    result = xmr(values, **kwargs)
    assert result.limits_collapsed is collapsed
    assert sum(p.rule is not None for p in result.points) == flagged
    assert (result.variation, result.assurance) == (variation, assurance)
    assert result.to_dict()["limits_collapsed"] is collapsed
    # the vectorised evaluation applies the same rule
    target = kwargs.get("target")
    frame = pd.DataFrame({"series": "s", "value": values, "target": math.nan if target is None else target})
    if "rebase" in kwargs:
        frame["rebase"] = [i in kwargs["rebase"] for i in range(len(values))]
    many = xmr_many(frame, **{k: v for k, v in kwargs.items() if k not in ("target", "rebase")})
    row = many.series.loc["s"]
    assert bool(row["limits_collapsed"]) is collapsed
    assert int(many.points["rule"].notna().sum()) == flagged
    assert row["variation"] == variation
    assert (None if pd.isna(row["assurance"]) else row["assurance"]) == assurance


def test_collapsed_segment_keeps_its_mean_and_zero_width_limits():
    result = xmr(CEILING)
    assert result.amr == 0 and result.upl == result.lpl == result.mean == pytest.approx(sum(CEILING) / len(CEILING))
    assert result.warnings == []  # not trial limits: 37 points


@pytest.mark.parametrize(("short", "collapsed", "text"), [
    (False, False, None),
    (True, False, spc.SHORT_WARNING),
    (False, True, COLLAPSED_WARNING),
    (True, True, f"{COLLAPSED_WARNING}; {spc.SHORT_WARNING}"),
])
def test_summary_warning(short, collapsed, text):
    assert spc.summary_warning(short, collapsed) == text


@pytest.fixture
def ceiling(mini):
    """REV at BU_B stuck at one level but for a dip (REV at BU_A is ordinary history)."""
    _history(mini, "REV", [100, 101, 99, 102, 100, 98, 101, 100, 99, 103, 100, 101, 99])
    _history(mini, "REV", [100] * 8 + [96] + [100] * 6, unit="BU_B")
    return mini


def _summary(conn, unit):
    return {s["kpi"]: s for s in spc_reads.summary(conn, unit)}["REV"]


def test_services_store_the_warning_and_no_flag(ceiling):
    # approving each value refreshed the series one by one (core xmr) ...
    assert "limits collapsed" in _summary(ceiling, "BU_B")["warning"]
    assert spc_reads.chart(ceiling, "REV", "BU_B")["flagged"] == []
    assert _summary(ceiling, "BU_A")["warning"] is None
    # ... and the bulk refresh (xmr_many) agrees
    spc.refresh(ceiling)
    summary = _summary(ceiling, "BU_B")
    assert summary["warning"] == COLLAPSED_WARNING
    assert (summary["variation"], summary["assurance"], summary["last_rule"]) == ("common_cause", None, None)
    assert spc_reads.chart(ceiling, "REV", "BU_B")["flagged"] == []
    assert spc_reads.signals(ceiling, "BU_B") == []


def test_spc_summary_command_says_so(ceiling, tmp_path, monkeypatch):
    from pmtui.services import anchor
    from tests.builders import NOW

    path = tmp_path / "ceiling.db"
    ceiling.execute("VACUUM INTO ?", [str(path)])
    anchor.write(ceiling, path, NOW)
    monkeypatch.setenv("PMTUI_DB", str(path))
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    runner = CliRunner()
    text = runner.invoke(cli, ["spc", "summary", "--unit", "BU_B"])
    assert text.exit_code == 0, text.output
    assert "limits collapsed onto the mean" in text.output
    rows = json.loads(runner.invoke(cli, ["spc", "summary", "--unit", "BU_B", "--json"]).output)
    assert rows[0]["warning"] == COLLAPSED_WARNING
