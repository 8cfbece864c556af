"""Datasette plugin: the stakeholders' home page over a published database.

``/-/pmtui/home?unit=CODE[&db=NAME]`` reads like a performance report: every published
unit with its score, status and perspectives (stored at publish time in
``pub_home_units`` / ``pub_home_perspectives``), then the chosen unit's objectives and
KPIs with SPC icons, and links to the registers, logs and canned queries. ``db`` picks
the database; by default the most detailed one the visitor may view (internal when
signed in, else public). The vendored Vega builds are served from
``/-/pmtui/vendor/`` (no CDN). Thin hooks over :mod:`pmtui.publish.pages`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import NotFound

from pmtui.publish import pages
from pmtui.publish.web import audiences, compiled, pick_database, render_fragment, stamp, with_rows

TEMPLATE_FILE = Path(__file__).parent / "templates" / "pmtui_home.html"
UNITS_FILE = Path(__file__).parent / "templates" / "pmtui_home_units.html"
KPIS_FILE = Path(__file__).parent / "templates" / "pmtui_home_kpis.html"
VENDOR = Path(__file__).parent / "static" / "vendor"
VENDOR_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")

def home_context(datasette, data: dict, db_name: str, audience: str | None) -> dict:
    """The template context: links for units, KPIs, registers and logs."""
    urls = datasette.urls
    home = urls.path("/-/pmtui/home")
    unit = data["current"]["unit"]

    def q(**params) -> str:
        return "?" + urlencode({k: v for k, v in params.items() if v is not None})

    for u in data["units"]:
        u["href"] = home + q(db=db_name, unit=u["unit"])
    for k in data["kpis"]:
        k["href"] = urls.path("/-/pmtui/kpi") + q(db=db_name, kpi=k["kpi"], unit=unit)
    links = [{"href": urls.table(db_name, "pub_audit_log"), "label": "Audit log (newest first)"},
             {"href": urls.query(db_name, "audit_log_search"), "label": "Audit log: search by element, user, date"}]
    optional = data["optional"]
    if optional.get("pub_actions"):
        links += [{"href": urls.path("/-/pmtui/actions") + q(db=db_name), "label": "Action register"},
                  {"href": urls.path("/-/pmtui/overdue") + q(db=db_name),
                   "label": "Overdue items (actions, milestones, stale data)"}]
    for table, query, label in (("pub_pending_approvals", "pending_approvals", "Approvals pending (never a value)"),
                                ("pub_reporting_status", "stale_data", "Stale data"),
                                ("pub_excluded_metrics", "excluded_metrics", "Excluded-metrics register"),
                                ("pub_spc_summary", None, "SPC summary of every KPI and unit")):
        if optional.get(table):
            links.append({"href": urls.query(db_name, query) if query else urls.table(db_name, table),
                          "label": label})
    links.append({"href": urls.database(db_name), "label": "Every published table and SQL"})
    company = data.get("company") or "pmtui"
    published = stamp(data.get("published_at"))
    return data | {
        "title": f"{company} performance report" + (f", published {published}" if published else ""),
        "database": db_name, "audience_label": (audience or "published").capitalize(),
        "published_at": published, "links": links, "icons": pages.VARIATION_ICONS,
        "scorecard_href": urls.path("/-/pmtui/scorecard") + q(db=db_name, unit=unit, period=data["current"]["period"]),
        "objectives_href": urls.table(db_name, "pub_unit_scorecard") + q(unit=unit),
        "results_href": urls.table(db_name, "pub_kpi_results") + q(unit=unit),
    }


async def home_page(datasette, request):
    """The ``/-/pmtui/home`` view."""
    db, audience = await pick_database(datasette, request)
    unit = (request.args.get("unit") or "").strip() or None
    try:
        data = await db.execute_fn(with_rows(lambda conn: pages.load_home(conn, unit)))
    except pages.NotPublished as exc:
        raise NotFound(str(exc)[:1].upper() + str(exc)[1:]) from None
    context = home_context(datasette, data, db.name, audience)
    # The long tables render with synchronous Jinja (see pmtui.publish.web.render_fragment).
    context["units_html"] = render_fragment(UNITS_FILE, context)
    context["kpis_html"] = render_fragment(KPIS_FILE, context)
    template = compiled(datasette, TEMPLATE_FILE)
    return Response.html(await datasette.render_template(template, context, request=request))


async def vendor_file(datasette, request):
    """One of the vendored Vega builds (long cache: the names carry no version, the files never change)."""
    name = request.url_vars["name"]
    if name not in VENDOR_FILES:
        raise NotFound("No such file")
    body = (VENDOR / name).read_text(encoding="utf-8")
    return Response(body, content_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "max-age=86400"})


@hookimpl
def register_routes():
    """The home page and the vendored chart libraries."""
    return [(r"^/-/pmtui/home$", home_page), (r"^/-/pmtui/vendor/(?P<name>[a-z.-]+\.js)$", vendor_file)]


def report_label(company: str | None, published_at: str | None) -> str:
    """The menu label of the report: names the company and the snapshot date."""
    label = f"{company.strip()} performance report" if company and company.strip() else "Performance report"
    return label + (f", {published_at[:10]}" if published_at else "")


@hookimpl
def menu_links(datasette):
    """The report (naming company and snapshot date) and the registers, first in the menu.

    Only where published databases are served (``pmtui serve``).
    """
    if not audiences(datasette):
        return []
    config = datasette.plugin_config("pmtui") or {}
    return [{"href": datasette.urls.path("/-/pmtui/home"),
             "label": report_label(config.get("company"), config.get("published_at"))},
            {"href": datasette.urls.path("/-/pmtui/actions"), "label": "Action register"},
            {"href": datasette.urls.path("/-/pmtui/overdue"), "label": "Overdue items"}]
