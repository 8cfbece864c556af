"""Datasette plugin: the SPC portfolio of a unit (icons) and XmR charts as inline SVG.

* ``/-/pmtui/spc?unit=CODE``: variation and assurance icons for every published KPI of
  the unit, each linking to its chart;
* ``/-/pmtui/spc/chart?kpi=K&unit=U``: the XmR chart drawn server-side
  (:func:`pmtui.publish.spc_svg.xmr_svg`) with the rule per flagged point.

Both read the SPC caches through :mod:`pmtui.services.spc_reads` with
``published=True`` (no confidential unit or KPI). Hooks stay thin over
:func:`portfolio_context` and :func:`chart_context`, tested without a server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import BadRequest, NotFound
from markupsafe import Markup

from pmtui.publish.web import compiled
from pmtui.core.spc_status import ASSURANCE_ICONS, VARIATION_ICONS
from pmtui.publish.spc_svg import xmr_svg
from pmtui.services import spc_reads
from pmtui.services.errors import PmError

PAGE_PATH, CHART_PATH, PLUGIN_KEY = "/-/pmtui/spc", "/-/pmtui/spc/chart", "pmtui"
CSS = {"special_cause_improvement": "pm-spc-imp", "special_cause_concern": "pm-spc-con",
       "special_cause_neutral": "pm-spc-neu", "consistent_pass": "pm-spc-imp", "consistent_fail": "pm-spc-con"}

STYLE = """<style>
.pm-spc-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(13em,1fr));gap:.4em;margin:1em 0}
.pm-spc-cell{border:1px solid #ccc;padding:.3em .5em;font-family:monospace}
.pm-spc-icon{display:inline-block;min-width:1.6em;text-align:center;border-radius:50%;font-weight:bold;
 border:2px solid #6b6b6b;color:#6b6b6b}
.pm-spc-imp{border-color:#1f77d0;color:#1f77d0}.pm-spc-con{border-color:#e8740c;color:#e8740c}
.pm-spc-neu{border-color:#8e5cc4;color:#8e5cc4}
.pm-spc-rules td,.pm-spc-rules th{padding:.1em .6em}
</style>"""

PORTFOLIO_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}""" + STYLE + """
<h1>{{ title }}</h1>
<p>Icons (NHS Making Data Count): variation
{% for v in legend_variation %}<span class="pm-spc-icon {{ v.css }}">{{ v.glyph }}</span> {{ v.label }}{% if not loop.last %}, {% endif %}{% endfor %};
assurance {% for a in legend_assurance %}<span class="pm-spc-icon {{ a.css }}">{{ a.glyph }}</span> {{ a.label }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>
{% if cells %}<div class="pm-spc-grid">
{% for c in cells %}<a class="pm-spc-cell" href="{{ c.href }}" title="{{ c.name }}: {{ c.variation_label }}; {{ c.assurance_label }}">
<span class="pm-spc-icon {{ c.variation_css }}">{{ c.variation_glyph }}</span>
<span class="pm-spc-icon {{ c.assurance_css }}">{{ c.assurance_glyph }}</span> {{ c.kpi }}{% if c.spc_mode %} (SPC){% endif %}</a>
{% endfor %}</div>{% else %}<p>No SPC results for this unit yet (run <code>pmtui spc refresh</code>).</p>{% endif %}
{% endblock %}"""

CHART_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}""" + STYLE + """
<h1>{{ title }}</h1>
<p><a href="{{ back }}">All KPIs of {{ chart.unit }}</a></p>
<p>{{ facts }}</p>
{% if warning %}<p><strong>Warning:</strong> {{ warning }}</p>{% endif %}
<div>{{ svg }}</div>
{% if rules %}<table class="pm-spc-rules"><thead><tr><th>#</th><th>Period</th><th>Value</th><th>Special cause</th><th>Rule</th></tr></thead>
<tbody>{% for r in rules %}<tr><td>{{ r.n }}</td><td>{{ r.period }}</td><td>{{ r.value }}</td><td>{{ r.special_cause }}</td><td>{{ r.rule }}</td></tr>{% endfor %}</tbody></table>
{% else %}<p>No point is flagged: common-cause variation only.</p>{% endif %}
{% endblock %}"""


def _icon(table: dict, name: str | None) -> dict:
    glyph, _colour, label = table.get(name, table[None])
    return {"glyph": glyph, "label": label, "css": CSS.get(name, "")}


def portfolio_context(rows: list[dict], unit: str, chart_url: str) -> dict:
    """Template context of the portfolio page from :func:`spc_reads.summary` rows."""
    cells = []
    for r in rows:
        v, a = _icon(VARIATION_ICONS, r["variation"]), _icon(ASSURANCE_ICONS, r["assurance"])
        cells.append({"kpi": r["kpi"], "name": r["name"], "spc_mode": r["spc_mode"],
                      "href": f"{chart_url}?{urlencode({'kpi': r['kpi'], 'unit': unit})}",
                      "variation_glyph": v["glyph"], "variation_label": v["label"], "variation_css": v["css"],
                      "assurance_glyph": a["glyph"], "assurance_label": a["label"], "assurance_css": a["css"]})
    return {"title": f"SPC portfolio of {unit}", "cells": cells,
            "legend_variation": [_icon(VARIATION_ICONS, k) for k in VARIATION_ICONS if k],
            "legend_assurance": [_icon(ASSURANCE_ICONS, k) for k in ASSURANCE_ICONS if k]}


def chart_context(chart: dict, back: str) -> dict:
    """Template context of the chart page from :func:`spc_reads.chart`."""
    s, summary = chart["settings"], chart["summary"] or {}
    facts = [f"variation: {_icon(VARIATION_ICONS, summary.get('variation'))['label']}",
             f"assurance: {_icon(ASSURANCE_ICONS, summary.get('assurance'))['label']}",
             f"baseline: {s['baseline_points'] or 'all points'}",
             f"rebased at: {s['rebase_periods'] or 'never'}",
             f"shift {s['shift_length']}, trend {s['trend_length']}",
             "SPC mode: " + ("on (intervention follows SPC)" if chart["spc_mode"] else "off")]
    rules = [{"n": i, "period": p["period"], "value": f"{p['value']:.{chart['decimals']}f}",
              "special_cause": p["special_cause"], "rule": p["rule"].replace("_", " ")}
             for i, p in enumerate(chart["flagged"], start=1)]
    return {"title": f"{chart['kpi']} {chart['name']} at {chart['unit']}", "chart": chart, "back": back,
            "facts": "; ".join(facts), "warning": summary.get("warning"), "rules": rules,
            "svg": Markup(xmr_svg(chart))}


def _rows(fn):
    def run(conn: sqlite3.Connection):
        previous = conn.row_factory
        conn.row_factory = sqlite3.Row
        try:
            return fn(conn)
        finally:
            conn.row_factory = previous
    return run


def _database(datasette):
    name = (datasette.plugin_config(PLUGIN_KEY) or {}).get("database")
    return datasette.get_database(name if name in datasette.databases else None)


def _arg(args: Mapping[str, str], name: str) -> str:
    value = (args.get(name) or "").strip()
    if not value:
        raise BadRequest(f"Missing ?{name}=CODE")
    return value


async def _render(datasette, request, source: str, context: dict) -> Response:
    template = compiled(datasette, source)
    return Response.html(await datasette.render_template(template, context, request=request))


async def portfolio_page(datasette, request):
    """The ``/-/pmtui/spc`` view."""
    unit = _arg(request.args, "unit")
    try:
        rows = await _database(datasette).execute_fn(_rows(lambda c: spc_reads.summary(c, unit, published=True)))
    except PmError as exc:
        raise NotFound(str(exc)) from None
    context = portfolio_context(rows, unit, datasette.urls.path(CHART_PATH))
    return await _render(datasette, request, PORTFOLIO_TEMPLATE, context)


async def chart_page(datasette, request):
    """The ``/-/pmtui/spc/chart`` view."""
    kpi, unit = _arg(request.args, "kpi"), _arg(request.args, "unit")
    try:
        chart = await _database(datasette).execute_fn(_rows(lambda c: spc_reads.chart(c, kpi, unit, published=True)))
    except PmError as exc:
        raise NotFound(str(exc)) from None
    back = f"{datasette.urls.path(PAGE_PATH)}?{urlencode({'unit': unit})}"
    return await _render(datasette, request, CHART_TEMPLATE, chart_context(chart, back))


@hookimpl
def register_routes():
    """The portfolio and chart pages."""
    return [(r"^/-/pmtui/spc$", portfolio_page), (r"^/-/pmtui/spc/chart$", chart_page)]
