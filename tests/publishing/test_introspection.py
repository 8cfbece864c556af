"""The ``/-/`` introspection pages of the published site show no server paths."""

from __future__ import annotations

import pytest

from pmtui.publish.introspection import public_databases, public_metadata
from tests.publishing.conftest import cookie_for

VISITORS = {"anonymous": (None, None), "internal": ("ann", "internal"), "live": ("lee", "live")}


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"plugins": {"pmtui": {"passwords": "/srv/x/passwords.json", "database": "public"}}},
     {"plugins": {"pmtui": {"database": "public"}}}),
    ({"title": "Acme", "databases": {"public": {"source_url": "/var/data/public.db", "description": "d"}}},
     {"title": "Acme", "databases": {"public": {"description": "d"}}}),
    ({"x": ["C:\\data\\a.db", "keep"], "y": "~/secret"}, {"x": ["keep"]}),
    ({}, {}),
])
def test_public_metadata_drops_paths(metadata, expected):
    assert public_metadata(metadata) == expected


def test_public_databases_leave_out_the_path_and_internal():
    class Db:
        def __init__(self, name):
            self.name, self.route, self.size, self.hash = name, name, 10, "h"
            self.is_mutable = self.is_memory = False
            self.path = f"/srv/{name}.db"

    rows = public_databases([Db("public"), Db("_internal")])
    assert rows == [{"name": "public", "route": "public", "size": 10, "is_mutable": False, "is_memory": False,
                     "hash": "h"}]


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("url", ["/-/metadata", "/-/metadata.json", "/-/databases", "/-/databases.json",
                                 "/-/plugins.json", "/-/versions.json", "/-/settings.json", "/-/actor.json",
                                 "/-/threads.json", "/", "/.json", "/public", "/public.json"])
async def test_no_server_path_on_any_introspection_page(site_ds, published_demo, visitor, url):
    live, folder = published_demo
    response = await site_ds.client.get(url, cookies=cookie_for(site_ds, *VISITORS[visitor]))
    assert response.status_code in (200, 404), response.text[:300]
    for path in {str(folder), str(live.parent), str(folder.resolve()), "passwords.json"}:
        assert path not in response.text


async def test_databases_page_keeps_names_and_hashes(site_ds):
    rows = (await site_ds.client.get("/-/databases.json")).json()
    assert {r["name"] for r in rows} == {"public", "internal", "demo"}
    assert all(set(r) == {"name", "route", "size", "is_mutable", "is_memory", "hash"} for r in rows)
    html = (await site_ds.client.get("/-/metadata")).text
    assert "metadata.json" in html and "Northwind Industries" in html


async def test_threads_page_is_gone(site_ds):
    assert (await site_ds.client.get("/-/threads.json")).status_code == 404
