"""Status badges: the pure helper, the hook, and badges on real pages."""

from __future__ import annotations

import pytest

from tests.plugins.helpers import load_plugin

badges = load_plugin("pm_badges")


@pytest.mark.parametrize("value", ["green", "amber", "red", "draft", "submitted", "approved", "rejected"])
def test_known_statuses_get_a_badge_with_their_class(value):
    html = str(badges.badge_html(value))
    assert html == f'<span class="pm-badge pm-badge-{value}">{value}</span>'


@pytest.mark.parametrize("value", [None, "", "GREEN", " green", "unknown", "<b>red</b>", 1, 6.5, b"red"])
def test_other_values_are_left_to_datasette(value):
    assert badges.badge_html(value) is None


@pytest.mark.parametrize(("column", "value", "badge"), [
    ("status", "amber", True),
    ("status", "pending", False),
    ("rag", "amber", False),
    ("comment", "red", False),
])
def test_render_cell_only_touches_status_columns(column, value, badge):
    assert (badges.render_cell(value=value, column=column) is not None) is badge


async def test_view_statuses_render_as_badges(ds):
    response = await ds.client.get("/mini/pub_kpi_results?period=2026-08")
    assert response.status_code == 200
    assert '<span class="pm-badge pm-badge-amber">amber</span>' in response.text


async def test_measurement_workflow_statuses_render_as_badges(ds):
    response = await ds.client.get("/mini/measurements?period=2026-09")
    assert '<span class="pm-badge pm-badge-submitted">submitted</span>' in response.text


async def test_stylesheet_is_served_and_linked(ds):
    css = await ds.client.get("/-/pmtui/pmtui.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert ".pm-badge-green" in css.text
    page = await ds.client.get("/mini/pub_kpi_results")
    assert 'href="/-/pmtui/pmtui.css"' in page.text
