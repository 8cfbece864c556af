"""The unit scorecard page: pure helpers first, then the page through Datasette."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from pmtui.services import framework
from pmtui.services.errors import PmError
from pmtui.services.scorecard import KpiLine, ObjectiveLine, PerspectiveLine, Scorecard
from tests.builders import NOW
from tests.plugins.helpers import load_plugin, make_datasette

page = load_plugin("pm_scorecard")


@pytest.mark.parametrize(("args", "expected"), [
    ({}, (None, None)),
    ({"unit": "BU_A"}, ("BU_A", None)),
    ({"unit": " BU_A ", "period": "2026-08"}, ("BU_A", "2026-08")),
    ({"unit": "", "period": ""}, (None, None)),
])
def test_parse_query(args, expected):
    assert page.parse_query(args) == expected


@pytest.mark.parametrize("period", ["2026-13", "26-01", "2026/01", "<script>"])
def test_parse_query_refuses_bad_periods(period):
    with pytest.raises(ValueError, match="YYYY-MM"):
        page.parse_query({"period": period})


def _kpi(code, status_of_value="approved", score=8.0, status="green", value=12.5):
    return KpiLine(code, f"KPI {code}", "EUR", 1, 1.0, value, status_of_value, 10.0, score, status)


def _card(objectives, kpis):
    lines = [ObjectiveLine(code, f"Objective {code}", "unit", 1.0, None, "FIN", 8.0, "green", 1.0,
                           list(kpis)) for code in objectives]
    return Scorecard("BU_A", "Unit A", "2026-08", ["2026-08"], 8.0, "green",
                     [PerspectiveLine("FIN", "Financial", 1.0, 8.0, "green", lines)], 0)


def test_rows_nest_perspective_objective_kpi():
    rows = page.rows(_card(["GROW"], [_kpi("REV")]))
    assert [(r["kind"], r["code"]) for r in rows] == [("perspective", "FIN"), ("objective", "GROW"), ("kpi", "REV")]
    expected = {"value": "12.5 EUR", "target": "10.0 EUR", "score": "8.0", "status": "green", "workflow": None}
    assert {key: rows[2][key] for key in expected} == expected


def test_published_card_leaves_out_confidential_kpis(mini):
    framework.create_kpi(mini, "SALARY", name="Executive pay", direction="lower", perspective="FIN",
                         confidentiality="confidential", actor="system", now=NOW)
    framework.link_kpi(mini, "GROW_A", "SALARY", actor="system", now=NOW)
    codes = [r["code"] for r in page.rows(page.load(mini, "BU_A", "2026-08")["scorecard"])]
    assert "SALARY" not in codes and "REV" in codes


@pytest.mark.parametrize("workflow", ["draft", "submitted", "rejected"])
def test_rows_never_show_unapproved_values(workflow):
    row = page.rows(_card(["GROW"], [_kpi("REV", workflow, None, None, 99.0)]))[-1]
    assert row["value"] is None and row["workflow"] == workflow
    assert "99" not in str(row)


def test_load_defaults_to_the_top_unit_and_lists_published_units_only(mini):
    data = page.load(mini, None, None)
    assert data["scorecard"].unit == "GROUP"
    assert data["company"] == "Mini Co"
    assert [u["code"] for u in data["units"]] == ["GROUP", "NORTH", "BU_A"]


@pytest.mark.parametrize("unit", ["NOPE", "BU_B"])
def test_load_refuses_unknown_and_confidential_units_alike(mini, unit):
    with pytest.raises(PmError, match=f"unknown or unpublished unit '{unit}'"):
        page.load(mini, unit, None)


def test_load_hides_confidential_objectives(mini):
    framework.create_objective(mini, "SECRET_A", "Secret plan", level="unit", unit="BU_A", perspective="FIN",
                               confidentiality="confidential", actor="system", now=NOW)
    framework.link_kpi(mini, "SECRET_A", "DEFECTS", actor="system", now=NOW)  # red in 2026-09? amber in 08
    data = page.load(mini, "BU_A", "2026-08")
    assert "SECRET_A" not in [r["code"] for r in page.rows(data["scorecard"])]
    # and the secret objective does not move the published roll-up
    finance = next(p for p in data["scorecard"].perspectives if p.code == "FIN")
    assert finance.score == pytest.approx(5.0)


def test_page_context_links_keep_the_period():
    data = {"company": "Mini Co", "units": [{"code": "BU_A", "name": "Unit A", "depth": 0}],
            "scorecard": _card(["GROW"], [_kpi("REV")])}
    context = page.page_context(data, "/-/pmtui/scorecard", "/mini/pub_audit_log")
    assert context["title"] == "Mini Co: scorecard of Unit A"
    assert context["units"][0]["href"] == "/-/pmtui/scorecard?unit=BU_A&period=2026-08"
    assert context["units"][0]["current"] is True


# --- through Datasette -------------------------------------------------------------------

def _badges(html: str) -> list[str]:
    return re.findall(r'class="pm-badge pm-badge-(\w+)"', html)


@pytest.mark.parametrize(("period", "status"), [("2026-07", "green"), ("2026-08", "amber")])
async def test_page_shows_status_colours(ds, period, status):
    response = await ds.client.get(f"/-/pmtui/scorecard?unit=BU_A&period={period}")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Mini Co: scorecard of Unit A</h1>" in html
    assert set(_badges(html)) == {status}
    assert "Grow revenue in A" in html and "Defect rate" in html
    assert 'href="/-/pmtui/pmtui.css"' in html


async def test_page_hides_values_awaiting_approval(ds):
    html = (await ds.client.get("/-/pmtui/scorecard?unit=BU_A&period=2026-09")).text
    assert "pm-badge-submitted" in html
    assert "80.0" not in html and "900" not in html  # the submitted values
    assert "2 values awaiting approval" in html


async def test_unit_picker_links_published_units(ds):
    html = (await ds.client.get("/-/pmtui/scorecard")).text
    assert "<strong>GROUP</strong>" in html
    # the default period is the latest with an approved value (2026-09 is only submitted)
    assert 'href="/-/pmtui/scorecard?unit=BU_A&amp;period=2026-08"' in html
    assert "BU_B" not in html


@pytest.mark.parametrize("unit", ["NOPE", "BU_B"])
async def test_unknown_or_confidential_unit_is_404_with_a_clear_message(ds, unit):
    response = await ds.client.get(f"/-/pmtui/scorecard?unit={unit}")
    assert response.status_code == 404
    assert f"Unknown or unpublished unit &#39;{unit}&#39;: pick a unit on /-/pmtui/scorecard" in response.text


async def test_hostile_unit_parameter_is_escaped(ds):
    response = await ds.client.get("/-/pmtui/scorecard", params={"unit": '<script>alert("x")</script>'})
    assert response.status_code == 404
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text


async def test_bad_period_is_400(ds):
    response = await ds.client.get("/-/pmtui/scorecard?unit=BU_A&period=2026-13")
    assert response.status_code == 400
    assert "is not in the form YYYY-MM" in response.text


async def test_menu_links_scorecard_audit_log_and_pending_approvals(ds):
    html = (await ds.client.get("/")).text
    assert '<a href="/-/pmtui/scorecard">Unit scorecard</a>' in html
    assert '<a href="/mini/pub_audit_log">Audit log</a>' in html
    assert '<a href="/mini/pending_approvals">Pending approvals</a>' in html


async def test_every_published_demo_unit_has_a_scorecard(demo_db):
    ds = make_datasette(demo_db, company="Northwind Industries")
    units = (await ds.client.get("/demo.json?_shape=array&sql=" + quote(
        "select code, confidentiality from units order by code"))).json()
    for unit in units:
        response = await ds.client.get(f"/-/pmtui/scorecard?unit={unit['code']}")
        expected = 404 if unit["confidentiality"] == "confidential" else 200
        assert response.status_code == expected, unit
        if expected == 200:
            assert set(_badges(response.text)) <= {"green", "amber", "red", "none", "draft", "submitted", "rejected"}
            assert "confidential" not in response.text
