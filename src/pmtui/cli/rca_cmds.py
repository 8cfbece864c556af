"""Root-cause analysis: ``pmtui rca list|add|show|update|close``."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table

CATEGORIES = ["people", "process", "technology", "data", "external"]


@cli.group("rca")
def rca_group() -> None:
    """Root-cause analysis on standard templates (five whys, fishbone), classified process or individual."""


def _fishbone(causes: tuple[str, ...]) -> dict[str, list[str]] | None:
    """``("people=Untrained operators", ...)`` -> causes per category (None when none given)."""
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if not causes:
        return None
    out: dict[str, list[str]] = {}
    for item in causes:
        category, sep, cause = item.partition("=")
        if not sep:
            raise PmError(f"--cause {item!r} must be CATEGORY=TEXT with CATEGORY one of {', '.join(CATEGORIES)}")
        out.setdefault(category.strip().lower(), []).append(cause)
    return out


def _text(row: dict) -> str:
    lines = [f"root cause {row['id']} [{row['status']}] {row['kpi']} {row['unit']} {row['period']}"
             f" ({row['template'].replace('_', ' ')}): {row['problem']}"]
    lines += [f"  why {n}: {w}" for n, w in enumerate(row["whys"], start=1)]
    lines += [f"  {category}: {'; '.join(causes)}" for category, causes in row["fishbone"].items()]
    if row["root_cause"] or row["classification"]:
        lines.append(f"  root cause: {row['root_cause'] or '-'} ({row['classification'] or 'unclassified'})")
    return "\n".join(lines)


@rca_group.command("list")
@click.option("--kpi", default=None, help="Only this KPI.")
@click.option("--unit", default=None, help="Only this unit and the units below it.")
@click.option("--period", default=None, help="Only this period (YYYY-MM).")
@click.option("--status", type=click.Choice(["open", "closed"]), default=None, help="Only open or closed records.")
@click.option("--classification", type=click.Choice(["process", "individual"]), default=None,
              help="Only records with this classification.")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True, help="At most this many.")
@json_option
@pass_env
def rca_list(env: Env, kpi, unit, period, status, classification, limit, as_json) -> None:
    """List root-cause records, newest first.

    Example: pmtui rca list --unit PLANT_A --json
    """
    from pmtui.services import root_causes  # noqa: PLC0415

    rows = root_causes.search(env.connect(), kpi=kpi, unit=unit, period=period, status=status,
                              classification=classification, limit=limit)
    emit(rows, as_json, lambda: table(rows, ["id", "kpi", "unit", "period", "template", "status", "classification",
                                             "problem"]))


@rca_group.command("add")
@click.option("--kpi", required=True, help="KPI code whose result is analysed.")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--period", required=True, help="Period analysed (YYYY-MM).")
@click.option("--template", type=click.Choice(["five_whys", "fishbone"]), required=True, help="Analysis template.")
@click.option("--problem", required=True, help="The problem statement.")
@click.option("--why", "whys", multiple=True, help="The next why, in order (up to five).")
@click.option("--cause", "causes", multiple=True,
              help=f"A fishbone cause as CATEGORY=TEXT ({', '.join(CATEGORIES)}); repeat.")
@click.option("--root-cause", default="", help="The root cause, once found.")
@click.option("--classification", type=click.Choice(["process", "individual"]), default=None,
              help="Process failure or individual accountability.")
@click.option("--agenda-item", type=int, default=None, help="Id of the review agenda item that asked for it.")
@click.option("--confidentiality", type=click.Choice(["public", "internal", "confidential"]), default="public",
              show_default=True, help="Who may see it when published.")
@json_option
@pass_env
def rca_add(env: Env, kpi, unit, period, template, problem, whys, causes, root_cause, classification, agenda_item,
            confidentiality, as_json) -> None:
    """Open a root-cause record (needs view for the unit).

    Example: pmtui --user demo rca add --kpi OTD_PCT --unit PLANT_A --period 2026-10 --template five_whys --problem "OTD fell to 88%" --why "Trucks left late" --why "Loading started late"
    """
    from pmtui.services import root_causes  # noqa: PLC0415

    row = root_causes.create(env.connect(), kpi, unit, period, template=template, problem=problem, whys=whys,
                             fishbone=_fishbone(causes), root_cause=root_cause, classification=classification,
                             agenda_item_id=agenda_item, confidentiality=confidentiality,
                             actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _text(row))


@rca_group.command("show")
@click.argument("rca_id", type=int)
@json_option
@pass_env
def rca_show(env: Env, rca_id: int, as_json: bool) -> None:
    """Show one root-cause record with the actions that follow from it.

    Example: pmtui rca show 2 --json
    """
    from pmtui.services import actions, root_causes  # noqa: PLC0415

    conn = env.connect()
    row = root_causes.get(conn, rca_id)
    linked = actions.search(conn, today=env.now.date(), limit=200, root_cause=rca_id)
    row["actions"] = [{k: a[k] for k in ("id", "title", "owner", "due_on", "status", "overdue")} for a in linked]
    emit(row, as_json, lambda: _text(row) + "".join(f"\n  action {a['id']} [{a['status']}] {a['title']}"
                                                   for a in row["actions"]))


@rca_group.command("update")
@click.argument("rca_id", type=int)
@click.option("--problem", default=None, help="New problem statement.")
@click.option("--why", "whys", multiple=True, help="The whole chain of whys again, in order (replaces it).")
@click.option("--cause", "causes", multiple=True, help="All fishbone causes again as CATEGORY=TEXT (replaces them).")
@click.option("--root-cause", default=None, help="The root cause.")
@click.option("--classification", type=click.Choice(["process", "individual"]), default=None,
              help="Process failure or individual accountability.")
@json_option
@pass_env
def rca_update(env: Env, rca_id, problem, whys, causes, root_cause, classification, as_json) -> None:
    """Change an open record's analysis (needs view for the unit).

    Example: pmtui --user demo rca update 2 --why "Trucks left late" --why "Loading started late" --why "Pickers short"
    """
    from pmtui.services import root_causes  # noqa: PLC0415

    row = root_causes.update(env.connect(), rca_id, problem=problem, whys=list(whys) if whys else None,
                             fishbone=_fishbone(causes), root_cause=root_cause, classification=classification,
                             actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _text(row))


@rca_group.command("close")
@click.argument("rca_id", type=int)
@click.option("--root-cause", required=True, help="The root cause found.")
@click.option("--classification", type=click.Choice(["process", "individual"]), required=True,
              help="Process failure (escalates to the process owner) or individual accountability.")
@json_option
@pass_env
def rca_close(env: Env, rca_id, root_cause, classification, as_json) -> None:
    """Close a record with its root cause and classification (needs approve for the unit).

    Example: pmtui --user jvandijk rca close 2 --root-cause "No buffer for late carriers" --classification process
    """
    from pmtui.services import root_causes  # noqa: PLC0415

    row = root_causes.close(env.connect(), rca_id, root_cause=root_cause, classification=classification,
                            actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _text(row))
