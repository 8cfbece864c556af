"""Datasette plugin: a unit's strategy map as an inline SVG page, plus a menu link.

``/-/pmtui/strategy-map?unit=CODE&period=YYYY-MM`` draws the unit's objectives in
perspective lanes (Financial at the top), coloured by status, with arrows for the
cause-and-effect links. The SVG is built on the server (no JavaScript, no network)
from :func:`pmtui.services.strategy.strategy_map` with ``published=True``: approved
values only, no confidential objective, and a confidential unit is refused like an
unknown one. :func:`svg` is a pure function tested without a server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from html import escape
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import BadRequest, NotFound
from markupsafe import Markup

from pmtui.publish.web import compiled
from pmtui.core import periods
from pmtui.core.strategy_map import StrategyMap, layout
from pmtui.services import strategy
from pmtui.services.errors import PmError
from pmtui.store import queries

PAGE_PATH = "/-/pmtui/strategy-map"
PLUGIN_KEY = "pmtui"

#: Drawing geometry (SVG user units).
WIDTH, LEFT, TOP, BOX_W, BOX_H, LANE_GAP = 960, 150, 20, 190, 64, 46

FILL = {"green": "#d9f2d9", "amber": "#fff0c2", "red": "#f8d0d0", None: "#eeeeee"}
STROKE = {"green": "#2e7d32", "amber": "#b7791f", "red": "#c62828", None: "#888888"}

TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<p>Period <strong>{{ model.period or "none" }}</strong>: boxes are coloured by the objective's status
(green, amber, red; grey = no approved data); arrows run from cause to effect.</p>
<nav class="pm-picker" aria-label="Units">Unit:
{% for u in units %}{% if u.current %}<strong>{{ u.code }}</strong>{% else %}<a href="{{ u.href }}" title="{{ u.name }}">{{ u.code }}</a>{% endif %}
{% endfor %}</nav>
<div class="pm-strategy-map">{{ svg }}</div>
{% if model.edges %}<h2>Cause and effect</h2><ul>
{% for e in edges %}<li><strong>{{ e.cause }}</strong> {{ e.cause_name }} &rarr; <strong>{{ e.effect }}</strong> {{ e.effect_name }}</li>
{% endfor %}</ul>{% endif %}
{% endblock %}"""


def parse_query(args: Mapping[str, str]) -> tuple[str, str | None]:
    """``unit`` (default GROUP) and ``period`` (None when blank).

    Raises:
        ValueError: ``period`` is not ``YYYY-MM``.
    """
    unit = (args.get("unit") or "").strip() or "GROUP"
    period = (args.get("period") or "").strip() or None
    if period is not None:
        periods.parse(period)
    return unit, period


def _wrap(name: str, width: int = 26) -> list[str]:
    words, lines, line = name.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:2] if len(lines) <= 2 else [lines[0], lines[1][: width - 1] + "…"]


def svg(model: StrategyMap) -> Markup:
    """The map as an accessible inline SVG (every text escaped)."""
    boxes, lane_tops = layout(model, width=WIDTH - LEFT, box_width=BOX_W, box_height=BOX_H, lane_gap=LANE_GAP,
                              left=LEFT, top=TOP, gap=16)
    height = TOP + len(model.lanes) * (BOX_H + LANE_GAP)
    where = {b.code: b for b in boxes}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img"'
           f' aria-label="Strategy map of {escape(model.unit)}">',
           '<defs><marker id="pm-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8"'
           ' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    for i, lane in enumerate(model.lanes):
        y = lane_tops[lane.code] - LANE_GAP / 2 + 4
        shade = "#f7f7fb" if i % 2 == 0 else "#ffffff"
        out.append(f'<rect x="0" y="{y:.0f}" width="{WIDTH}" height="{BOX_H + LANE_GAP}" fill="{shade}"/>')
        out.append(f'<text x="8" y="{lane_tops[lane.code] + BOX_H / 2 + 5:.0f}" font-weight="bold"'
                   f' font-size="14">{escape(lane.name)}</text>')
    for edge in model.edges:
        a, b = where[edge.cause], where[edge.effect]
        if abs(a.y - b.y) < 1:  # same lane: side to side
            x1, x2 = (a.x + a.width, b.x) if a.x < b.x else (a.x, b.x + b.width)
            y1 = y2 = a.y + BOX_H / 2
        else:
            x1, x2 = a.centre_x, b.centre_x
            y1, y2 = (a.y, b.y + BOX_H) if a.y > b.y else (a.y + BOX_H, b.y)
        out.append(f'<line class="pm-link" x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#555"'
                   f' stroke-width="1.5" marker-end="url(#pm-arrow)"><title>{escape(edge.cause)} drives'
                   f' {escape(edge.effect)}</title></line>')
    for node in model.nodes:
        box = where[node.code]
        label = node.status or "no data"
        if node.score is not None:
            label += f" {node.score:.1f}"
        out.append(f'<g class="pm-node pm-status-{node.status or "none"}"><title>{escape(node.code)}:'
                   f' {escape(node.name)} ({escape(label)})</title>'
                   f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" height="{BOX_H}" rx="8"'
                   f' fill="{FILL.get(node.status, FILL[None])}" stroke="{STROKE.get(node.status, STROKE[None])}"'
                   f' stroke-width="2"/>')
        out.append(f'<text x="{box.x + 8:.0f}" y="{box.y + 16:.0f}" font-size="12" font-weight="bold">'
                   f'{escape(node.code)}</text>')
        for j, line in enumerate(_wrap(node.name)):
            out.append(f'<text x="{box.x + 8:.0f}" y="{box.y + 32 + 13 * j:.0f}" font-size="12">{escape(line)}</text>')
        out.append(f'<text x="{box.x + box.width - 8:.0f}" y="{box.y + 16:.0f}" font-size="11" text-anchor="end"'
                   f' fill="{STROKE.get(node.status, STROKE[None])}">{escape(label)}</text></g>')
    out.append("</svg>")
    return Markup("\n".join(out))


def load(conn: sqlite3.Connection, unit: str, period: str | None) -> dict:
    """The published map and the published units (for the picker)."""
    previous = conn.row_factory
    conn.row_factory = sqlite3.Row  # the services expect rows by name; Datasette's own queries expect tuples
    try:
        units = [{"code": r["code"], "name": r["name"]} for r in queries.units_tree(conn)
                 if r["confidentiality"] != "confidential"]
        return {"units": units, "model": strategy.strategy_map(conn, unit, period, published=True)}
    finally:
        conn.row_factory = previous


def database(datasette):
    """The configured database (``plugins: pmtui: database``), else the first one served."""
    name = (datasette.plugin_config(PLUGIN_KEY) or {}).get("database")
    return datasette.get_database(name if name in datasette.databases else None)


async def strategy_map_page(datasette, request):
    """The ``/-/pmtui/strategy-map`` view."""
    try:
        unit, period = parse_query(request.args)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    try:
        data = await database(datasette).execute_fn(lambda conn: load(conn, unit, period))
    except PmError as exc:
        raise NotFound(str(exc)) from None
    model: StrategyMap = data["model"]
    names = {n.code: n.name for n in model.nodes}
    page = datasette.urls.path(PAGE_PATH)
    context = {
        "title": f"Strategy map: {model.unit_name}", "model": model, "svg": svg(model),
        "units": [u | {"href": f"{page}?{urlencode({'unit': u['code']})}", "current": u["code"] == model.unit}
                  for u in data["units"]],
        "edges": [{"cause": e.cause, "effect": e.effect, "cause_name": names[e.cause], "effect_name": names[e.effect]}
                  for e in model.edges],
    }
    template = compiled(datasette, TEMPLATE)
    return Response.html(await datasette.render_template(template, context, request=request))


@hookimpl
def register_routes():
    """The strategy-map page."""
    return [(r"^/-/pmtui/strategy-map$", strategy_map_page)]


@hookimpl
def menu_links(datasette):
    """Menu entries: the strategy map and the excluded-metrics register."""
    links = [{"href": datasette.urls.path(PAGE_PATH), "label": "Strategy map"}]
    if any(name != "_internal" for name in datasette.databases):
        name = database(datasette).name
        links += [{"href": datasette.urls.table(name, "pub_excluded_metrics"), "label": "Excluded metrics"},
                  {"href": datasette.urls.table(name, "pub_target_revisions"), "label": "Target revisions"}]
    return links
