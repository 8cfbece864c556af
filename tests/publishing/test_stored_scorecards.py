"""Scorecards stored at publish time: the same cards as the live read model, read per page view."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from pmtui.publish import stored_scorecards
from pmtui.services import scorecard
from pmtui.services.scorecard import KpiLine, ObjectiveLine, PerspectiveLine, Scorecard
from tests.plugins.helpers import load_plugin

page = load_plugin("pm_scorecard")


def _conn(path):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def _units(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT unit FROM pub_home_units ORDER BY sort_order")]


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_stored_card_equals_the_live_read_model_on_the_published_file(published_demo, audience):
    _, folder = published_demo
    conn = _conn(folder / f"{audience}.db")
    units = _units(conn)
    assert len(units) > 5
    compared = 0
    for unit in units:
        live = scorecard.build(conn, unit, None, published=True)
        stored = stored_scorecards.load(conn, unit, None)
        if live.period is None:
            assert stored is None
            continue
        assert stored.periods == live.periods[:stored_scorecards.STORED_PERIODS]
        assert dataclasses.replace(stored, periods=[]) == dataclasses.replace(live, periods=[])
        older = live.periods[3]
        assert stored_scorecards.load(conn, unit, older) == dataclasses.replace(
            scorecard.build(conn, unit, older, published=True), periods=stored.periods)
        compared += 1
    assert compared > 5


def test_periods_older_than_the_stored_ones_are_not_stored(published_demo):
    _, folder = published_demo
    conn = _conn(folder / "public.db")
    card = stored_scorecards.load(conn, "PLANT_A", None)
    assert len(card.periods) == stored_scorecards.STORED_PERIODS
    old = sorted(card.periods)[0]
    assert stored_scorecards.load(conn, "PLANT_A", old) is not None
    assert stored_scorecards.load(conn, "PLANT_A", "2020-01") is None
    # the page then rolls the card up from the redacted tables
    assert page.load(conn, "PLANT_A", "2024-01")["scorecard"].period == "2024-01"


def test_line_rows_round_trip():
    kpi = KpiLine("REV", "Revenue", "EUR", 1, 1.0, 12.5, "approved", 10.0, 8.0, "green", "SPC: common cause")
    objective = ObjectiveLine("GROW", "Grow", "unit", 2.0, "HEAD", "FIN", 8.0, "green", 1.0, [kpi])
    card = Scorecard("BU_A", "Unit A", "2026-08", ["2026-08"], 8.0, "green",
                     [PerspectiveLine("FIN", "Financial", 1.0, 8.0, "green", [objective]),
                      PerspectiveLine("CUS", "Customer", 1.0, None, None, [])], 2)
    conn = sqlite3.connect(":memory:")
    stored_scorecards.create_tables(conn)
    stored_scorecards.store(conn, card, latest=True)
    assert [r[3] for r in stored_scorecards.line_rows(card)] == ["perspective", "objective", "kpi", "perspective"]
    assert stored_scorecards.load(conn, "BU_A", None) == card
    assert stored_scorecards.load(conn, "BU_A", "2026-08") == card
    assert conn.execute("SELECT kpis, latest FROM pub_scorecards").fetchall() == [(1, 1)]


def _card(kpis_per_objective: int) -> Scorecard:
    objectives = [ObjectiveLine(f"O{o}", f"Objective {o}", "unit", 1.0, None, "FIN", 5.0, "amber", 1.0,
                                [KpiLine(f"K{o}_{k}", f"KPI {k}", "", 0, 1.0, 1.0, "approved", 1.0, 5.0, "amber")
                                 for k in range(kpis_per_objective)]) for o in range(2)]
    return Scorecard("BU_A", "Unit A", "2026-08", ["2026-08"], 5.0, "amber",
                     [PerspectiveLine("FIN", "Financial", 1.0, 5.0, "amber", objectives)], 0)


@pytest.mark.parametrize(("per_objective", "objective", "kinds", "collapsed"), [
    (3, None, ["perspective", "objective", "kpi", "kpi", "kpi", "objective", "kpi", "kpi", "kpi"], False),
    (15, None, ["perspective", "objective", "objective"], True),
    (15, "O1", ["perspective", "objective", "objective"] + ["kpi"] * 15, True),
    (15, "NOPE", ["perspective", "objective", "objective"], True),
])
def test_over_the_cap_the_page_lists_objectives_with_drill_down(per_objective, objective, kinds, collapsed):
    data = {"company": "Mini Co", "units": [], "scorecard": _card(per_objective), "cap": 20}
    context = page.page_context(data, "/-/pmtui/scorecard", "/x", "public", objective)
    assert [r["kind"] for r in context["rows"]] == kinds
    assert context["collapsed"] is collapsed
    objectives = [r for r in context["rows"] if r["kind"] == "objective"]
    if collapsed:
        assert objectives[0]["href"] == "/-/pmtui/scorecard?db=public&unit=BU_A&period=2026-08&objective=O0"
        assert objectives[1]["expanded"] is (objective == "O1")
        assert "30 KPIs in this view, above the cap of 20" in context["cap_warning"]
    else:
        assert "href" not in objectives[0] and context["cap_warning"] is None


async def test_published_scorecard_page_reads_the_stored_card(site_ds):
    html = (await site_ds.client.get("/-/pmtui/scorecard?unit=PLANT_A")).text
    assert "Northwind Industries: scorecard of Plant A" in html and "published 2026-11-26" in html
    assert "above the cap of" in html and "objective=U_" in html
    drill = (await site_ds.client.get("/-/pmtui/scorecard?unit=PLANT_A&objective=U_SAFE_PLANT_A")).text
    assert drill.count('class="pm-kpi') > 0 and drill.count('class="pm-kpi') < html.count('class="pm-objective') + 20


async def test_home_lists_the_group_objectives_rolled_up(site_ds):
    html = (await site_ds.client.get("/-/pmtui/home")).text
    assert 'aria-label="Objectives"' in html
    assert "No KPI is measured at GROUP itself" in html
