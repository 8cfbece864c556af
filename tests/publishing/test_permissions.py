"""Permission matrix: every URL kind, for anonymous visitors and each signed-in audience.

Whatever the URL, no response may carry a code or name of an element above the
visitor's audience; databases the visitor may not open answer 403 (Datasette's own
permission check, from the ``allow`` blocks of :mod:`pmtui.publish.site`).
"""

from __future__ import annotations

import pytest

from tests.publishing.conftest import cookie_for, hidden_tokens

#: Visitor -> (user, audience, databases it may open).
VISITORS = {
    "anonymous": (None, None, {"public"}),
    "internal": ("ann", "internal", {"public", "internal"}),
    "live": ("lee", "live", {"public", "internal", "demo"}),
}

#: Levels whose elements each visitor may see in responses.
LEVELS = {"anonymous": ("public",), "internal": ("public", "internal"), "live": None}

#: URL kinds per database (``{db}`` is the database name).
URLS = [
    "/{db}",
    "/{db}/pub_kpi_results",
    "/{db}/pub_kpi_results.json?_shape=array&_size=max",
    "/{db}/pub_kpi_results.csv?_size=max",
    "/{db}/pub_kpi_results?_facet=kpi&_facet=unit",
    "/{db}/kpis.json?_shape=array",
    "/{db}/kpis/1",
    "/{db}/units.json?_shape=array&_where=code like '%'",
    "/{db}.json?sql=select code, name from kpis",
    "/{db}.json?sql=select old, new from audit_log where entity = 'kpis'",
    "/{db}/pub_audit_log.json?_shape=array&entity=kpis",
    "/{db}/audit_log_search.json?_shape=array&entity=&key=&actor=&date_from=&date_to=",
    "/{db}/pending_approvals.json?_shape=array",
    "/{db}.db",
    "/{db}/pub_actions.json?_shape=array&_size=max",
    "/{db}/overdue_actions.json?_shape=array",
    "/{db}/action_register.json?_shape=array&unit=&status=&owner=",
    "/{db}.json?sql=select * from minutes_fts",
    "/{db}.json?sql=select code, title, minutes from meetings",
    "/{db}.json?sql=select title from actions",
    "/{db}/pub_scorecard_lines.json?_shape=array&_size=max",
    "/{db}/pub_pending_approvals.json?_shape=array&_size=max",
    "/-/pmtui/home?db={db}",
    "/-/pmtui/actions?db={db}",
    "/-/pmtui/actions?db={db}&status=overdue",
    "/-/pmtui/overdue?db={db}",
    "/-/pmtui/scorecard?db={db}&unit=GROUP",
    "/-/pmtui/kpi?db={db}&kpi=RESTRUCT_COST",
    "/-/pmtui/kpi?db={db}&kpi=OTD_PCT&unit=PLANT_B",
]

#: Instance pages that carry no data of a database (allowed to everyone; checked for leaks).
INSTANCE_URLS = ["/", "/-/metadata.json", "/-/databases.json", "/-/plugins.json", "/-/versions.json",
                 "/-/pmtui/home", "/-/pmtui/scorecard", "/-/pmtui/login", "/-/pmtui/actions", "/-/pmtui/overdue"]


def _leaks(text: str, tokens: list[str]) -> list[str]:
    return [t for t in tokens if (t in text if t.isupper() else t.lower() in text.lower())]


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("db", ["public", "internal", "demo"])
@pytest.mark.parametrize("url", URLS)
async def test_database_urls(site_ds, published_demo, visitor, db, url):
    user, audience, allowed = VISITORS[visitor]
    response = await site_ds.client.get(url.format(db=db), cookies=cookie_for(site_ds, user, audience))
    if db not in allowed:
        assert response.status_code in (403, 404), response.text[:300]
    elif url.endswith(".db"):
        assert response.status_code == 403  # downloads are off everywhere (allow_download)
    else:
        assert response.status_code in (200, 404), response.text[:300]
    if LEVELS[visitor] is not None:
        assert _leaks(response.text, hidden_tokens(published_demo[0], LEVELS[visitor])) == []


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("url", INSTANCE_URLS)
async def test_instance_urls_leak_nothing(site_ds, published_demo, visitor, url):
    user, audience, _ = VISITORS[visitor]
    response = await site_ds.client.get(url, cookies=cookie_for(site_ds, user, audience))
    assert response.status_code == 200, response.text[:300]
    if LEVELS[visitor] is not None:
        assert _leaks(response.text, hidden_tokens(published_demo[0], LEVELS[visitor])) == []


async def test_confidential_kpi_is_visible_to_live_users_only(site_ds):
    url = "/demo/kpis.json?_shape=array&code=RESTRUCT_COST"
    assert (await site_ds.client.get(url)).status_code == 403
    live = await site_ds.client.get(url, cookies=cookie_for(site_ds, "lee", "live"))
    assert [r["name"] for r in live.json()] == ["Restructuring cost"]


async def test_internal_kpi_visible_signed_in_and_unreachable_anonymously(site_ds):
    url = "/-/pmtui/kpi?kpi=EBITDA_MARGIN&unit=GROUP"
    anonymous = await site_ds.client.get(url)
    assert anonymous.status_code == 404 and "EBITDA margin" not in anonymous.text
    signed_in = await site_ds.client.get(url, cookies=cookie_for(site_ds, "ann", "internal"))
    assert signed_in.status_code in (200, 404)
    rows = (await site_ds.client.get("/internal/kpis.json?_shape=array&code=EBITDA_MARGIN",
                                     cookies=cookie_for(site_ds, "ann", "internal"))).json()
    assert [r["name"] for r in rows] == ["EBITDA margin %"]


async def test_a_forged_or_reclassified_cookie_is_anonymous(site_ds):
    forged = {"pmtui_actor": "not-signed"}
    assert (await site_ds.client.get("/internal", cookies=forged)).status_code == 403
    promoted = cookie_for(site_ds, "ann", "live")  # ann's file entry says internal
    assert (await site_ds.client.get("/demo", cookies=promoted)).status_code == 403
    unknown = cookie_for(site_ds, "mallory", "internal")
    assert (await site_ds.client.get("/internal", cookies=unknown)).status_code == 403


@pytest.mark.parametrize("visitor", ["anonymous", "internal"])
@pytest.mark.parametrize("db", ["public", "internal"])
@pytest.mark.parametrize("url", [u for u in URLS if "kpi=" not in u] + INSTANCE_URLS)
async def test_execution_rows_above_the_level_are_unreachable(execution_ds, execution_published, visitor, db, url):
    """The same matrix over a file whose actions, meetings and minutes are known (tests.publishing.conftest)."""
    user, audience, allowed = VISITORS[visitor]
    response = await execution_ds.client.get(url.format(db=db), cookies=cookie_for(execution_ds, user, audience))
    if db not in allowed and "{db}" in url:
        assert response.status_code in (403, 404)
    tokens = hidden_tokens(execution_published[0], LEVELS[visitor])
    assert {"Prepare Falcon layoffs", "Sell unit B machinery"} <= set(tokens)
    assert _leaks(response.text, tokens) == []
    assert "Contoso" not in response.text
