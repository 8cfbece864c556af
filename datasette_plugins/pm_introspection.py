"""Datasette plugin: ``/-/metadata``, ``/-/databases`` and ``/-/threads`` without server paths.

Plugin routes are matched before Datasette's own, so these take over the three pages:
metadata and databases keep their shape (JSON with ``.json``, Datasette's
``show_json.html`` otherwise) minus every path (see :mod:`pmtui.publish.introspection`);
``/-/threads``, a debugging page of task reprs, answers 404. The other ``/-/`` pages
(plugins, versions, settings, actor) hold no path.
"""

from __future__ import annotations

import json

from datasette import Response, hookimpl
from datasette.utils.asgi import Forbidden, NotFound

from pmtui.publish.introspection import public_databases, public_metadata


def _page(filename: str, data_of):
    async def view(datasette, request):
        # Datasette's own pages ask for view-instance too: a private instance stays private.
        if not await datasette.permission_allowed(request.actor, "view-instance", default=True):
            raise Forbidden("You do not have permission to view this instance")
        data = data_of(datasette)
        if request.url_vars.get("format"):
            return Response.json(data)
        html = await datasette.render_template(
            "show_json.html", {"filename": filename, "data_json": json.dumps(data, indent=4)}, request=request)
        return Response.html(html)

    return view


async def _no_threads(datasette, request):
    raise NotFound("Not available on this server")


@hookimpl
def register_routes():
    """Path-free metadata and databases pages; no threads page."""
    return [
        (r"^/-/metadata(\.(?P<format>json))?$", _page("metadata.json", lambda ds: public_metadata(ds.metadata()))),
        (r"^/-/databases(\.(?P<format>json))?$",
         _page("databases.json", lambda ds: public_databases(ds.databases.values()))),
        (r"^/-/threads(\.(?P<format>json))?$", _no_threads),
    ]
