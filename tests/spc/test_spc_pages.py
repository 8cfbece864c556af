"""The SPC pages and published views through Datasette, over the mini company with SPC caches."""

from __future__ import annotations

import pytest

from pmtui.publish.spc_svg import xmr_svg
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services import spc
from pmtui.store.db import connect
from tests.builders import NOW
from tests.plugins.helpers import load_plugin, make_datasette

page = load_plugin("pm_spc")


@pytest.fixture
def ds(mini_db):
    conn = connect(mini_db)
    fw.create_kpi(conn, "SECRET", name="Secret margin", direction="higher", perspective="FIN",
                  confidentiality="confidential", actor="system", now=NOW)
    for i, value in enumerate([10, 11, 10, 12, 30]):
        period = f"2025-0{i + 1}"
        for kpi, unit in (("SECRET", "BU_A"), ("REV", "BU_B")):
            ms.enter_value(conn, kpi, unit, period, str(value), submit=True, actor="admin", now=NOW)
            ms.decide(conn, kpi, unit, period, approve=True, actor="bob", now=NOW)
    spc.refresh(conn)
    conn.close()
    instance = make_datasette(mini_db)
    yield instance
    for db in instance.databases.values():
        db.close()


async def test_portfolio_page_has_icons_and_chart_links(ds):
    response = await ds.client.get("/-/pmtui/spc?unit=BU_A")
    assert response.status_code == 200
    html = response.text
    assert "pm-spc-icon" in html and "/-/pmtui/spc/chart?kpi=REV&amp;unit=BU_A" in html
    assert "SECRET" not in html


async def test_chart_page_draws_svg_with_rules(ds):
    response = await ds.client.get("/-/pmtui/spc/chart?kpi=REV&unit=BU_A")
    assert response.status_code == 200
    assert "<svg" in response.text and 'class="pm-upl"' in response.text
    assert "http://" not in response.text.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", "")


@pytest.mark.parametrize("url", ["/-/pmtui/spc/chart?kpi=SECRET&unit=BU_A", "/-/pmtui/spc?unit=BU_B",
                                 "/-/pmtui/spc/chart?kpi=REV&unit=BU_B"])
async def test_confidential_kpis_and_units_are_not_published(ds, url):
    assert (await ds.client.get(url)).status_code == 404


async def test_missing_argument_is_a_bad_request(ds):
    assert (await ds.client.get("/-/pmtui/spc")).status_code == 400


async def test_published_views_leave_out_confidential_rows(ds):
    rows = (await ds.client.get("/mini/pub_spc_summary.json?_shape=array")).json()
    assert {(r["unit"], r["kpi"]) for r in rows} == {("BU_A", "REV"), ("BU_A", "DEFECTS")}
    points = (await ds.client.get("/mini/pub_spc_points.json?_shape=array&kpi=REV")).json()
    assert [p["period"] for p in points] == ["2026-07", "2026-08"]


def test_chart_context_lists_rules_and_marks_special_causes():
    chart = {"kpi": "K", "name": "Kpi", "unit": "U", "decimals": 1, "spc_mode": 1,
             "settings": {"baseline_points": None, "rebase_periods": "2025-11", "shift_length": 7,
                          "trend_length": 7},
             "summary": {"variation": "special_cause_concern", "assurance": None, "warning": "few points"},
             "points": [{"period": f"2025-{m:02d}", "value": v, "mean": 10.0, "upl": 13.0, "lpl": 7.0,
                         "special_cause": "concern" if v > 13 else None, "rule": "outside_limits" if v > 13 else None}
                        for m, v in ((10, 10.0), (11, 9.0), (12, 20.0))]}
    chart["flagged"] = [p for p in chart["points"] if p["rule"]]
    context = page.chart_context(chart, "/back")
    assert context["rules"] == [{"n": 1, "period": "2025-12", "value": "20.0", "special_cause": "concern",
                                 "rule": "outside limits"}]
    assert "rebased at: 2025-11" in context["facts"] and context["warning"] == "few points"
    svg = xmr_svg(chart)
    assert svg.count("<rect") == 2  # the frame and the one concern (a square)
