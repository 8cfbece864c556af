"""Datasette plugin: the action register and the overdue items of a published database.

``/-/pmtui/actions?unit=&owner=&status=&page=[&db=NAME]`` pages through ``pub_actions``
(open actions first, by due date) with the days overdue on the file's snapshot date;
``/-/pmtui/overdue?unit=[&db=NAME]`` lists what was overdue on that date: open actions
past their due date, unfinished milestones past their planned finish and KPI values
past their due date. ``db`` picks the database as on the home page. Thin hooks over
:mod:`pmtui.publish.registers`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import BadRequest, NotFound

from pmtui.publish import registers
from pmtui.publish.web import compiled, pick_database, stamp, with_rows

TEMPLATES = Path(__file__).parent / "templates"


def _today():
    # Only the live file (no recorded snapshot date) is judged on the server's today.
    return datetime.now(timezone.utc).date()


def _args(request) -> dict:
    args = {k: (request.args.get(k) or "").strip() or None for k in ("unit", "owner", "status")}
    try:
        args["page"] = int(request.args.get("page") or 1)
    except ValueError:
        raise BadRequest("page must be a whole number") from None
    return args


def _heading(data: dict, what: str) -> str:
    company = data.get("company") or "pmtui"
    when = f"on {data['as_of']}" if data["as_of_recorded"] else f"today ({data['as_of']}, live file)"
    return f"{company}: {what} {when}"


async def actions_page(datasette, request):
    """The ``/-/pmtui/actions`` view."""
    args = _args(request)
    db, _ = await pick_database(datasette, request)
    try:
        data = await db.execute_fn(with_rows(lambda conn: registers.load_actions(conn, today=_today(), **args)))
    except registers.NoRegister as exc:
        raise NotFound(str(exc)[:1].upper() + str(exc)[1:]) from None
    except ValueError as exc:
        raise BadRequest(str(exc)[:1].upper() + str(exc)[1:]) from None
    path = datasette.urls.path("/-/pmtui/actions")

    def link(**changes) -> str:
        params = {"db": db.name} | {k: v for k, v in args.items() if v and k != "page"} | changes
        return path + "?" + urlencode({k: v for k, v in params.items() if v})

    kpi_path = datasette.urls.path("/-/pmtui/kpi")
    for a in data["actions"]:
        a["kpi_href"] = (kpi_path + "?" + urlencode({"db": db.name, "kpi": a["kpi"], "unit": a["unit"]})
                         if a["kpi"] else None)
    context = data | {
        "title": _heading(data, "action register"), "published_at": stamp(data.get("published_at")),
        "filters": args, "database": db.name,
        "status_links": [{"label": s or "all", "href": link(status=s), "current": (args["status"] or "") == s}
                         for s in ("", *registers.STATUS_FILTERS)],
        "unit_links": [{"label": u["unit"], "title": u["unit_name"], "href": link(unit=u["unit"]),
                        "current": u["unit"] == args["unit"]} for u in data["units"]],
        "all_units_href": link(unit=None),
        "next_href": link(page=data["page"] + 1) if data["more"] else None,
        "previous_href": link(page=data["page"] - 1) if data["page"] > 1 else None,
        "overdue_href": datasette.urls.path("/-/pmtui/overdue") + "?" + urlencode(
            {k: v for k, v in {"db": db.name, "unit": args["unit"]}.items() if v}),
        "table_href": datasette.urls.table(db.name, "pub_actions"),
    }
    return Response.html(await datasette.render_template(compiled(datasette, TEMPLATES / "pmtui_actions.html"),
                                                         context, request=request))


async def overdue_page(datasette, request):
    """The ``/-/pmtui/overdue`` view."""
    unit = (request.args.get("unit") or "").strip() or None
    db, _ = await pick_database(datasette, request)
    data = await db.execute_fn(with_rows(lambda conn: registers.load_overdue(conn, today=_today(), unit=unit)))
    register = datasette.urls.path("/-/pmtui/actions") + "?" + urlencode(
        {k: v for k, v in {"db": db.name, "status": "overdue", "unit": unit}.items() if v})
    context = data | {"title": _heading(data, "overdue items"), "published_at": stamp(data.get("published_at")),
                      "database": db.name, "register_href": register,
                      "milestones_href": datasette.urls.table(db.name, "pub_milestones")}
    return Response.html(await datasette.render_template(compiled(datasette, TEMPLATES / "pmtui_overdue.html"),
                                                         context, request=request))


@hookimpl
def register_routes():
    """The action register and the overdue items."""
    return [(r"^/-/pmtui/actions$", actions_page), (r"^/-/pmtui/overdue$", overdue_page)]
