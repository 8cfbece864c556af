"""Datasette plugin: the initiatives timeline as an HTML/CSS Gantt chart, plus a menu link.

``/-/pmtui/initiatives[?unit=CODE][&db=NAME]`` reads the published views
``pub_initiatives``, ``pub_milestones`` and ``pub_execution_alerts`` (tables in a
published file, views on the live file), so it shows exactly what they publish: no
confidential initiative and nothing of a confidential unit. Each milestone is a track
with its plan (thin bar) above its actual/forecast span (coloured by slip); a line marks
the date the alerts were last evaluated. Bars are positioned with percentages computed
here (:func:`gantt`), drawn with CSS: no JavaScript, no network.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from datasette import Response, hookimpl

from pmtui.core.timeline import Window, window_for
from pmtui.publish.web import compiled, pick_database, with_rows

PAGE_PATH = "/-/pmtui/initiatives"
TEMPLATE_FILE = Path(__file__).parent / "templates" / "pmtui_initiatives.html"
#: Initiatives shown on one page (the views hold every one of them for SQL users).
LIMIT = 60


def load(conn: sqlite3.Connection, unit: str | None) -> dict:
    """The published initiatives (of ``unit`` when given), their milestones and open alerts."""
    where, params = ("WHERE unit = ?", [unit]) if unit else ("", [])
    initiatives = [dict(r) for r in conn.execute(
        f"SELECT * FROM pub_initiatives {where} ORDER BY unit, initiative LIMIT ?", [*params, LIMIT])]
    codes = [i["initiative"] for i in initiatives]
    marks = ",".join("?" * len(codes)) or "NULL"
    milestones = [dict(r) for r in conn.execute(
        f"SELECT * FROM pub_milestones WHERE initiative IN ({marks}) ORDER BY initiative, sort_order, milestone",
        codes)]
    alerts = [dict(r) for r in conn.execute(
        f"""SELECT initiative, milestone, rule, severity, message, raised_on FROM pub_execution_alerts
            WHERE status = 'open' AND initiative IN ({marks})
            ORDER BY severity = 'amber', initiative, milestone, rule""", codes)]
    units = [r[0] for r in conn.execute("SELECT DISTINCT unit FROM pub_initiatives ORDER BY unit")]
    return {"initiatives": initiatives, "milestones": milestones, "alerts": alerts, "units": units}


def _pct(window: Window, first: str | None, last: str | None) -> dict | None:
    """CSS left and width (percent) of a span, at least a sliver wide."""
    if not first or not last:
        return None
    a, b = window.fraction(date.fromisoformat(first)), window.fraction(date.fromisoformat(last))
    return {"left": round(a * 100, 2), "width": round(max(b - a, 0.004) * 100, 2)}


def gantt(data: dict, today: date | None) -> dict:
    """Rows for the template: each initiative with its milestones' bar positions, and the month axis.

    Args:
        data: what :func:`load` returned.
        today: the evaluation date (the latest ``as_of``), drawn as a line; None when no
            milestone was ever evaluated (the axis then ends at the last date).
    """
    ms = data["milestones"]
    dates = [date.fromisoformat(m[c]) for m in ms for c in ("planned_start", "planned_finish", "forecast_finish")
             if m[c]]
    anchor = today or (max(dates) if dates else None)
    if anchor is None:
        return {"initiatives": [i | {"milestone_rows": []} for i in data["initiatives"]], "months": [],
                "today_left": None, "window": None}
    window = window_for(dates, anchor, min_months=6, max_months=36)
    by_initiative: dict[str, list[dict]] = {}
    alerts: dict[tuple[str, str], list[dict]] = {}
    for a in data["alerts"]:
        alerts.setdefault((a["initiative"], a["milestone"]), []).append(a)
    for m in ms:
        by_initiative.setdefault(m["initiative"], []).append(m | {
            "plan": _pct(window, m["planned_start"] or m["planned_finish"], m["planned_finish"]),
            "actual": _pct(window, m["actual_start"] or m["forecast_start"], m["forecast_finish"]),
            "alerts": alerts.get((m["initiative"], m["milestone"]), [])})
    # January shows its year (2027), the first month its year too when it is not January (Dec '25).
    months = [{"label": f"{m:%Y}" if m.month == 1 else f"{m:%b} '{m:%y}" if m == window.start else f"{m:%b}",
               "left": round(window.fraction(m) * 100, 2)} for m in window.months()]
    today_left = round(window.fraction(today) * 100, 2) if today and window.start <= today < window.end else None
    return {"initiatives": [i | {"milestone_rows": by_initiative.get(i["initiative"], [])}
                            for i in data["initiatives"]],
            "months": months, "today_left": today_left, "window": window}


async def initiatives_page(datasette, request):
    """The ``/-/pmtui/initiatives`` view."""
    unit = (request.args.get("unit") or "").strip() or None
    db, _ = await pick_database(datasette, request)
    data = await db.execute_fn(with_rows(lambda conn: load(conn, unit)))
    as_of = max((i["as_of"] for i in data["initiatives"] if i["as_of"]), default=None)
    page = datasette.urls.path(PAGE_PATH)
    context = gantt(data, date.fromisoformat(as_of) if as_of else None) | {
        "title": "Initiatives and milestones" + (f" of {unit}" if unit else ""),
        "as_of": as_of, "unit": unit,
        "units": [{"code": u, "current": u == unit, "href": f"{page}?{urlencode({'db': db.name, 'unit': u})}"}
                  for u in data["units"]],
        "all_href": f"{page}?{urlencode({'db': db.name})}",
        "table_href": datasette.urls.table(db.name, "pub_milestones"),
    }
    template = compiled(datasette, TEMPLATE_FILE)
    return Response.html(await datasette.render_template(template, context, request=request))


@hookimpl
def register_routes():
    """The initiatives timeline page."""
    return [(r"^/-/pmtui/initiatives$", initiatives_page)]


@hookimpl
def menu_links(datasette):
    """Menu entry: the initiatives timeline."""
    return [{"href": datasette.urls.path(PAGE_PATH), "label": "Initiatives timeline"}]
