"""Datasette plugin: the stakeholders' KPI page with a trend chart drawn in the browser.

``/-/pmtui/kpi?kpi=CODE&unit=CODE[&db=NAME]`` shows the definition, owner role, latest
target, a Vega-Lite chart (values, target and, where the SPC area published them, the
process limits with the special causes marked), which rule fired where and the values
table. The chart libraries are the vendored builds served by ``pm_publish.py``; the page
needs no network. Thin hook over :mod:`pmtui.publish.pages`.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import BadRequest, NotFound
from markupsafe import Markup

from pmtui.publish import pages
from pmtui.publish.web import compiled, pick_database, stamp, with_rows

TEMPLATE_FILE = Path(__file__).parent / "templates" / "pmtui_kpi.html"
VENDOR_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


def spec_json(spec: dict) -> Markup:
    """The chart spec as JSON safe inside a ``<script>`` element (no ``</script>`` break-out)."""
    text = json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


async def kpi_page(datasette, request):
    """The ``/-/pmtui/kpi`` view."""
    kpi = (request.args.get("kpi") or "").strip()
    if not kpi:
        raise BadRequest("Pass ?kpi=CODE (and &unit=CODE)")
    unit = (request.args.get("unit") or "").strip() or None
    db, _ = await pick_database(datasette, request)
    try:
        data = await db.execute_fn(with_rows(lambda conn: pages.load_kpi(conn, kpi, unit)))
    except pages.NotPublished as exc:
        raise NotFound(str(exc)[:1].upper() + str(exc)[1:]) from None
    path = datasette.urls.path("/-/pmtui/kpi")
    company = data.get("company") or "pmtui"
    context = data | {
        "title": f"{company}: {data['kpi']['name']} at {data['unit'] or 'no unit'}"
                 + (f", published {data['published_at'][:10]}" if data.get("published_at") else ""),
        "published_at": stamp(data.get("published_at")),
        "units": [{"code": u, "current": u == data["unit"],
                   "href": path + "?" + urlencode({"db": db.name, "kpi": kpi, "unit": u})} for u in data["units"]],
        "home_href": datasette.urls.path("/-/pmtui/home") + "?" + urlencode({"db": db.name, "unit": data["unit"] or ""}),
        "scripts": [datasette.urls.path(f"/-/pmtui/vendor/{name}") for name in VENDOR_FILES],
        "spec_json": spec_json(pages.chart_spec(data)),
    }
    template = compiled(datasette, TEMPLATE_FILE)
    return Response.html(await datasette.render_template(template, context, request=request))


@hookimpl
def register_routes():
    """The KPI page."""
    return [(r"^/-/pmtui/kpi$", kpi_page)]
