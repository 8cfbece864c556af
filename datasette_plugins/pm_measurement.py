"""Datasette plugin: regional KPI variants with their word-level differences.

``/-/pmtui/variants`` (optionally ``?kpi=CODE``) lists each published variant beside the
standard definition, removed words struck through and added words underlined, computed
by :func:`pmtui.core.textdiff.word_changes`. Confidential KPIs and units are left out,
as in the ``pub_kpi_variants`` view the page reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from datasette import Response, hookimpl

from pmtui.publish.web import compiled
from pmtui.core import textdiff

PAGE_PATH = "/-/pmtui/variants"
TEMPLATE_FILE = Path(__file__).parent / "templates" / "pmtui_variants.html"


def load(conn: sqlite3.Connection, kpi: str | None = None) -> list[dict]:
    """Published variants (of one KPI) with their diff as ``(op, words)`` runs."""
    rows = conn.execute(
        """SELECT kpi, kpi_name, unit, unit_name, standard_definition, variant_definition, regulation,
                  approved_by, approved_on FROM pub_kpi_variants WHERE (:kpi IS NULL OR kpi = :kpi)
           ORDER BY kpi, unit LIMIT 500""", {"kpi": kpi}).fetchall()
    columns = ("kpi", "kpi_name", "unit", "unit_name", "standard", "variant", "regulation", "approved_by",
               "approved_on")
    out = []
    for row in rows:
        item = dict(zip(columns, row))
        item["changes"] = textdiff.word_changes(item["standard"], item["variant"])
        item["summary"] = textdiff.summary(item["standard"], item["variant"])
        out.append(item)
    return out


def parse_query(args: Mapping[str, str]) -> str | None:
    """The ``kpi`` parameter, blank as None."""
    return (args.get("kpi") or "").strip() or None


def _database(datasette):
    name = (datasette.plugin_config("pmtui") or {}).get("database")
    return datasette.get_database(name if name in datasette.databases else None)


async def variants_page(datasette, request):
    """The ``/-/pmtui/variants`` view."""
    kpi = parse_query(request.args)
    db = _database(datasette)
    items = await db.execute_fn(lambda conn: load(conn, kpi))
    template = compiled(datasette, TEMPLATE_FILE)
    context = {"title": "Regional KPI variants", "items": items, "kpi": kpi,
               "view_url": datasette.urls.table(db.name, "pub_kpi_variants")}
    return Response.html(await datasette.render_template(template, context, request=request))


@hookimpl
def register_routes():
    """The variants page."""
    return [(r"^/-/pmtui/variants$", variants_page)]


@hookimpl
def menu_links(datasette):
    """A menu entry for the variants page."""
    return [{"href": datasette.urls.path(PAGE_PATH), "label": "KPI variants"}]
