"""Datasette plugin: a unit's balanced scorecard as an HTML page, plus menu links.

``/-/pmtui/scorecard?unit=CODE&period=YYYY-MM`` shows perspective -> objective -> KPI
rows with their scores and status colours. On a published file the scorecards were
computed at publish time and are read back from ``pub_scorecards`` /
``pub_scorecard_lines`` (:mod:`pmtui.publish.stored_scorecards`): a page view is a
primary-key range read, not a roll-up over the measurements. On the live file (and for
periods older than the stored ones) :func:`pmtui.services.scorecard.build` (the TUI's
own read model) computes the card inside ``db.execute_fn``. Either way the page
publishes what the ``pub_*`` views publish: approved values only, and no confidential
unit, objective or KPI.

The hooks stay thin; :func:`parse_query`, :func:`load`, :func:`rows` and
:func:`page_context` are plain functions tested without a server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import BadRequest, NotFound

from pmtui.publish import stored_scorecards
from pmtui.publish.web import audiences, compiled, pick_database, render_fragment, with_rows
from pmtui.core import periods
from pmtui.services import cognitive_load, framework, scorecard, settings
from pmtui.services.errors import PmError
from pmtui.store import queries

#: The page's path (Datasette adds its base_url).
PAGE_PATH = "/-/pmtui/scorecard"

#: Key of the plugin configuration (``plugins: pmtui: database: NAME``).
PLUGIN_KEY = "pmtui"

#: How many recent periods the period picker offers (a published file stores exactly these).
PERIOD_LINKS = stored_scorecards.STORED_PERIODS

TEMPLATE_FILE = Path(__file__).parent / "templates" / "pmtui_scorecard.html"
BODY_FILE = Path(__file__).parent / "templates" / "pmtui_scorecard_body.html"

CONFIDENTIAL = "confidential"


def parse_query(args: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The ``unit`` and ``period`` query parameters, blank ones as None.

    Raises:
        ValueError: ``period`` is not ``YYYY-MM`` (message fit for the user).
    """
    unit = (args.get("unit") or "").strip() or None
    period = (args.get("period") or "").strip() or None
    if period is not None:
        periods.parse(period)
    return unit, period


def load(conn: sqlite3.Connection, unit: str | None, period: str | None) -> dict:
    """Everything the page shows, read in one go on a Datasette read connection.

    Args:
        conn: a connection whose rows are :class:`sqlite3.Row`.
        unit: the unit code, or None for the first published unit (the top of the tree).
        period: the period, or None for the latest one with data.

    Raises:
        PmError: no unit is published, or ``unit`` is unknown or confidential.
    """
    units = [{"code": r["code"], "name": r["name"], "depth": r["depth"]}
             for r in queries.units_tree(conn) if r["confidentiality"] != CONFIDENTIAL]
    if not units:
        raise PmError("no unit is published yet")
    unit = unit or units[0]["code"]
    if unit not in {u["code"] for u in units}:
        # Confidential units get the same answer as unknown ones: their existence is not published.
        raise PmError(f"unknown or unpublished unit {unit!r}: pick a unit on {PAGE_PATH}")
    card = stored_scorecards.load(conn, unit, period) if stored_scorecards.is_stored(conn) else None
    if card is None:
        # published=True leaves confidential objectives and KPIs out of the lines and the roll-ups.
        card = scorecard.build(conn, unit, period, published=True)
    return {"company": framework.get_setting(conn, "company_name"), "units": units, "scorecard": card,
            "cap": settings.scorecard_cap(conn), "published_at": framework.get_setting(conn, "published_at")}


def _number(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"


def _weight(value: float) -> str:
    return f"{value:g}"


def _kpi_row(kpi: scorecard.KpiLine) -> dict:
    approved = kpi.status_of_value == "approved"
    unit = f" {kpi.uom}" if kpi.uom else ""
    return {
        "kind": "kpi", "code": kpi.code, "name": kpi.name, "weight": _weight(kpi.weight),
        # Unapproved values are never published: show only where they are in the workflow.
        "value": _number(kpi.value, kpi.decimals) + unit if approved else None,
        "workflow": None if approved else kpi.status_of_value,
        "target": _number(kpi.target, kpi.decimals) + unit if kpi.target is not None else "–",
        "score": _number(kpi.score), "status": kpi.status,
    }


def rows(card: scorecard.Scorecard, expand: set[str] | None = None) -> list[dict]:
    """Perspective -> objective -> KPI rows of the table (``card`` built with ``published=True``).

    Each row has ``kind`` (perspective, objective, kpi), ``code``, ``name``, ``weight``,
    ``score`` (text) and ``status`` (green/amber/red or None); KPI rows also have
    ``value`` (None unless approved), ``workflow`` (draft/submitted/rejected when the
    value is not approved) and ``target``; objective rows ``kpis`` (how many) and
    ``expanded``.

    Args:
        expand: codes of the objectives whose KPIs are listed; None lists every KPI.
    """
    out: list[dict] = []
    for perspective in card.perspectives:
        objectives = perspective.objectives
        if not objectives:
            continue
        out.append({"kind": "perspective", "code": perspective.code, "name": perspective.name,
                    "weight": _weight(perspective.weight), "score": _number(perspective.score),
                    "status": perspective.status})
        for objective in objectives:
            expanded = expand is None or objective.code in expand
            out.append({"kind": "objective", "code": objective.code, "name": objective.name,
                        "weight": _weight(objective.weight), "score": _number(objective.score),
                        "status": objective.status, "kpis": len(objective.kpis), "expanded": expanded})
            if expanded:
                out += [_kpi_row(k) for k in objective.kpis]
    return out


def page_context(data: dict, page_url: str, audit_url: str, db: str | None = None,
                 objective: str | None = None) -> dict:
    """The template context: title, pickers with their links (keeping ``db``), the rows and the summary.

    Cognitive load (M2.6): when the card holds more KPIs than the cap, the table lists
    perspectives and objectives only, each objective with a link that lists its KPIs
    (``objective=CODE``), as the TUI's scorecard lists an objective's KPIs on Enter.
    """
    card: scorecard.Scorecard = data["scorecard"]

    def link(unit: str, period: str | None = None, **more) -> str:
        params = ({"db": db} if db else {}) | {"unit": unit} | ({"period": period} if period else {}) | more
        return f"{page_url}?{urlencode(params)}"

    count = cognitive_load.kpi_count(card)
    cap = data.get("cap", settings.DEFAULT_SCORECARD_CAP)
    expand = None if count <= cap else ({objective} if objective else set())
    table = rows(card, expand)
    for row in table:
        if row["kind"] == "objective" and expand is not None and row["kpis"]:
            row["href"] = (link(card.unit, card.period) if row["expanded"]
                           else link(card.unit, card.period, objective=row["code"]))
    company = data.get("company") or "pmtui"
    return {
        "title": f"{company}: scorecard of {card.unit_name}"
                 + (f", published {data['published_at'][:10]}" if data.get("published_at") else ""),
        "company": company,
        "card": card,
        "score": _number(card.score),
        "units": [u | {"href": link(u["code"], card.period), "current": u["code"] == card.unit}
                  for u in data["units"]],
        "periods": [{"period": p, "href": link(card.unit, p, **({"objective": objective} if objective else {})),
                     "current": p == card.period} for p in card.periods[:PERIOD_LINKS]],
        "rows": table,
        "collapsed": expand is not None,
        "audit_url": audit_url,
        # Cognitive load (M2.6): the same warning as the TUI's scorecard summary.
        "cap_warning": cognitive_load.warning(count, cap),
    }


def database(datasette):
    """The configured database (``plugins: pmtui: database``), else the first one served."""
    name = (datasette.plugin_config(PLUGIN_KEY) or {}).get("database")
    return datasette.get_database(name if name in datasette.databases else None)


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


async def scorecard_page(datasette, request):
    """The ``/-/pmtui/scorecard`` view."""
    try:
        unit, period = parse_query(request.args)
    except ValueError as exc:
        raise BadRequest(_sentence(exc)) from None
    if audiences(datasette):  # the published site: the most detailed file the visitor may open (or ?db=)
        db, _ = await pick_database(datasette, request)
    else:
        db = database(datasette)
    try:
        data = await db.execute_fn(with_rows(lambda conn: load(conn, unit, period)))
    except PmError as exc:
        raise NotFound(_sentence(exc)) from None
    objective = (request.args.get("objective") or "").strip() or None
    context = page_context(data, datasette.urls.path(PAGE_PATH), datasette.urls.table(db.name, "pub_audit_log"),
                           db.name if audiences(datasette) else None, objective)
    context["table_html"] = render_fragment(BODY_FILE, context)
    template = compiled(datasette, TEMPLATE_FILE)
    return Response.html(await datasette.render_template(template, context, request=request))


@hookimpl
def register_routes():
    """The scorecard page."""
    return [(r"^/-/pmtui/scorecard$", scorecard_page)]


@hookimpl
def menu_links(datasette):
    """Menu entries: the scorecard, the audit log and the pending approvals."""
    links = [{"href": datasette.urls.path(PAGE_PATH), "label": "Unit scorecard"}]
    if any(name != "_internal" for name in datasette.databases):
        name = database(datasette).name
        links += [{"href": datasette.urls.table(name, "pub_audit_log"), "label": "Audit log"},
                  {"href": datasette.urls.query(name, "pending_approvals"), "label": "Pending approvals"}]
    return links
