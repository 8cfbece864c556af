"""The strategy-map page (pure SVG helper, then through Datasette) and the published views."""

from __future__ import annotations

import re

import pytest

from pmtui.core.strategy_map import Edge, Lane, Node, StrategyMap
from pmtui.services import excluded
from pmtui.services import framework as fw
from pmtui.store.db import connect
from tests.builders import NOW
from tests.plugins.helpers import load_plugin, make_datasette

page = load_plugin("pm_strategy")


def _model(name="Grow <revenue> & \"margin\""):
    return StrategyMap("GROUP", "Group", "2026-08", [Lane("FIN", "Financial"), Lane("INT", "Internal")],
                       [Node("GROW", name, "FIN", "corporate", 5.0, "amber"),
                        Node("OPS", "Run lean", "INT", "corporate", None, None)], [Edge("OPS", "GROW")])


def test_svg_draws_boxes_lanes_and_an_arrow_with_escaped_text():
    svg = str(page.svg(_model()))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="pm-node') == 2 and svg.count('class="pm-link"') == 1
    assert "Grow &lt;revenue&gt; &amp;" in svg and "<revenue>" not in svg
    assert "amber 5.0" in svg and "no data" in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched


@pytest.mark.parametrize(("args", "expected"), [({}, ("GROUP", None)), ({"unit": " BU_A ", "period": "2026-08"},
                                                                       ("BU_A", "2026-08"))])
def test_parse_query(args, expected):
    assert page.parse_query(args) == expected


@pytest.fixture
def secret_db(mini_db):
    conn = connect(mini_db)
    a = {"actor": "admin", "now": NOW}
    fw.create_objective(conn, "SECRET_PLAN", "Project Nightingale", level="corporate", unit="GROUP",
                        perspective="CUS", confidentiality="confidential", **a)
    fw.link_objectives(conn, "SECRET_PLAN", "GROW", **a)
    fw.link_objectives(conn, "QUALITY", "GROW", **a)
    excluded.add(conn, "Website visits", "vanity metric", **a)
    excluded.add(conn, "Bonus pool size", "sensitive", confidentiality="confidential", **a)
    conn.close()
    return mini_db


async def test_page_renders_svg_without_confidential_objectives(secret_db):
    ds = make_datasette(secret_db)
    response = await ds.client.get("/-/pmtui/strategy-map?unit=GROUP&period=2026-08")
    assert response.status_code == 200
    html = response.text
    assert "<svg" in html and 'class="pm-link"' in html and "Strategy map: Mini Co" in html
    assert "GROW" in html and "QUALITY" in html
    assert "SECRET_PLAN" not in html and "Nightingale" not in html
    assert "<script" not in html.split("<svg")[1].split("</svg>")[0]


@pytest.mark.parametrize(("query", "status"), [("unit=BU_B", 404), ("unit=NOPE", 404), ("period=2026-13", 400)])
async def test_bad_requests(secret_db, query, status):
    response = await make_datasette(secret_db).client.get(f"/-/pmtui/strategy-map?{query}")
    assert response.status_code == status


async def test_menu_links_and_published_excluded_view(secret_db):
    ds = make_datasette(secret_db)
    html = (await ds.client.get("/")).text
    assert '<a href="/-/pmtui/strategy-map">Strategy map</a>' in html
    rows = (await ds.client.get("/mini/pub_excluded_metrics.json?_shape=array")).json()
    assert [r["name"] for r in rows] == ["Website visits"]


async def test_demo_views_have_findings_and_hide_confidential_rows(demo_db):
    ds = make_datasette(demo_db, company="Northwind Industries")
    unaligned = (await ds.client.get("/demo/pub_alignment.json?_shape=array&alignment=unaligned")).json()
    assert {r["objective"] for r in unaligned} >= {"U_WEB_ECOMMERCE", "U_STORE_EXP_RETAIL"}
    revisions = (await ds.client.get("/demo/pub_target_revisions.json?_shape=array")).json()
    assert {r["status"] for r in revisions} == {"approved", "rejected"}  # the pending one is not published
    assert all(r["unit"] != "PACKAGING" for r in revisions)
    html = (await ds.client.get("/-/pmtui/strategy-map")).text
    assert len(re.findall('class="pm-node', html)) >= 8
