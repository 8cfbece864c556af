"""Authoring the framework from the command line: units, KPIs, objectives and their links.

``pmtui units add|edit|list``, ``pmtui kpis add|edit`` (``pmtui kpis`` stays the
list) and ``pmtui objectives add|edit|link|unlink|cause|list``. Each is a thin wrapper
over :mod:`pmtui.services.framework_edit` (users and roles: :mod:`pmtui.cli.people_cmds`); writes go through
:func:`pmtui.cli.context.writing`; the anchor follows the audit trail after every command.
"""

from __future__ import annotations

from datetime import date
from types import ModuleType

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.formulas_cmds import kpis_group
from pmtui.cli.context import writing
from pmtui.cli.output import emit, json_option, table
from pmtui.core.framework_spec import CHOICES
from pmtui.core.scoring import DIRECTIONS


def _choice(field: str) -> click.Choice:
    return click.Choice(CHOICES[field])


def _day(text: str | None, option: str) -> date | None:
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PmError(f"{option} must be a date YYYY-MM-DD, not {text!r}") from None


def _edits() -> ModuleType:
    from pmtui.services import framework_edit  # noqa: PLC0415

    return framework_edit


# --- units -----------------------------------------------------------------------------------------------------

@cli.group("units")
def units_group() -> None:
    """Business units: the tree that scorecards, targets and permissions hang from."""


def _unit_text(row: dict) -> str:
    below = f" below {row['parent']}" if row["parent"] else " (top of the tree)"
    return f"unit {row['code']}: {row['name']} ({row['kind']}){below}, {row['confidentiality']}"


@units_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Display name.")
@click.option("--kind", required=True, type=_choice("kind"), help="Level in the organisation.")
@click.option("--parent", default=None, help="Parent unit code (required unless --kind group).")
@click.option("--confidentiality", type=_choice("confidentiality"), default="public", show_default=True)
@json_option
@pass_env
def units_add(env: Env, code, name, kind, parent, confidentiality, as_json: bool) -> None:
    """Create a unit below a parent (needs edit_definitions there).

    Example: pmtui --user admin units add PLANT_C --name "Plant C" --kind business_unit --parent GROUP
    """
    with writing(env) as (conn, actor, now):
        row = _edits().add_unit(conn, code, name=name, kind=kind, parent=parent, confidentiality=confidentiality,
                                actor=actor, now=now)
    emit(row, as_json, lambda: _unit_text(row))


@units_group.command("edit")
@click.argument("code")
@click.option("--name", default=None, help="New display name.")
@click.option("--kind", default=None, type=_choice("kind"), help="New level.")
@click.option("--parent", default=None, help="Move below this unit (not below itself or its own units).")
@click.option("--confidentiality", default=None, type=_choice("confidentiality"))
@json_option
@pass_env
def units_edit(env: Env, code, name, kind, parent, confidentiality, as_json: bool) -> None:
    """Rename, re-classify or move a unit (needs edit_definitions; audited).

    Example: pmtui --user admin units edit PLANT_C --name "Plant C (Lyon)" --parent RGN_SOUTH
    """
    with writing(env) as (conn, actor, now):
        row = _edits().edit_unit(conn, code, name=name, kind=kind, parent=parent, confidentiality=confidentiality,
                                 actor=actor, now=now)
    emit(row, as_json, lambda: _unit_text(row))


@units_group.command("list")
@json_option
@pass_env
def units_list(env: Env, as_json: bool) -> None:
    """List the units as a tree (each below its parent, indented by depth).

    Example: pmtui units list --json
    """
    rows = _edits().list_units(env.connect())
    shown = [r | {"code": "  " * r["depth"] + r["code"]} for r in rows]
    emit(rows, as_json, lambda: table(shown, ["code", "name", "kind", "confidentiality", "active"]))


# --- KPIs ------------------------------------------------------------------------------------------------------

def _kpi_options(adding: bool):
    """The KPI definition options: required name and direction when adding, everything optional when editing."""
    def decorate(fn):
        for option in reversed([
            click.option("--name", required=adding, help="Display name."),
            click.option("--direction", required=adding, type=click.Choice(DIRECTIONS),
                         help="Which way is good (band: between target and target_high)."),
            click.option("--uom", default=None, help="Unit of measure, e.g. 'EUR k' or '%'."),
            click.option("--definition", default=None, help="What is measured and how."),
            click.option("--aggregation", default=None, type=_choice("aggregation"), help="How months add up."),
            click.option("--frequency", default=None, type=_choice("frequency"), help="How often it reports."),
            click.option("--lead-lag", "lead_lag", default=None, type=_choice("lead_lag")),
            click.option("--financial/--not-financial", "financial", default=None, help="A financial KPI or not."),
            click.option("--perspective", default=None, help="Perspective code ('' removes it)."),
            click.option("--owner-role", "owner_role", default=None, help="Owning role code ('' removes it)."),
            click.option("--decimals", default=None, type=click.IntRange(0, 6), help="Decimals shown (0-6)."),
            click.option("--confidentiality", default=None, type=_choice("confidentiality")),
            click.option("--formula", default=None, help="Calculate from other KPIs, e.g. \"OPEX / REVENUE * 100\"."),
            click.option("--min", "min_value", type=float, default=None,
                         help="Lowest value accepted (a KPI in % accepts 0 to 100 unless it says otherwise)."),
            click.option("--max", "max_value", type=float, default=None, help="Highest value accepted."),
        ]):
            fn = option(fn)
        return fn
    return decorate


def _kpi_text(row: dict) -> str:
    extra = f", = {row['formula']}" if row["formula"] else ""
    return (f"KPI {row['code']}: {row['name']} ({row['direction']}, {row['uom'] or 'no unit'}, {row['frequency']},"
            f" perspective {row['perspective'] or '-'}, owner {row['owner_role'] or '-'}{extra})")


@kpis_group.command("add")
@click.argument("code")
@_kpi_options(adding=True)
@json_option
@pass_env
def kpis_add(env: Env, code: str, as_json: bool, **options) -> None:
    """Create a KPI definition (needs edit_definitions group-wide; a formula is checked).

    Example: pmtui --user admin kpis add OTD_PCT --name "On-time delivery" --direction higher --uom % --perspective CUS
    """
    fields = {k: v for k, v in options.items() if v is not None}
    with writing(env) as (conn, actor, now):
        row = _edits().add_kpi(conn, code, actor=actor, now=now, **fields)
    emit(row, as_json, lambda: _kpi_text(row))


@kpis_group.command("edit")
@click.argument("code")
@_kpi_options(adding=False)
@json_option
@pass_env
def kpis_edit(env: Env, code: str, as_json: bool, **options) -> None:
    """Change a KPI definition. Formula, direction, uom, aggregation and frequency are frozen once
    the KPI has approved values (use a change request); names, wording, owners stay editable.

    Example: pmtui --user admin kpis edit OTD_PCT --name "On-time delivery (OTIF)" --owner-role LOGISTICS_LEAD
    """
    fields = {k: v for k, v in options.items() if v is not None}
    with writing(env) as (conn, actor, now):
        row = _edits().edit_kpi(conn, code, actor=actor, now=now, **fields)
    emit(row, as_json, lambda: _kpi_text(row))


# --- objectives ------------------------------------------------------------------------------------------------

@cli.group("objectives")
def objectives_group() -> None:
    """Objectives: what each unit aims at, the KPIs that measure them and the strategy map's causes."""


def _objective_text(row: dict) -> str:
    kpis = ", ".join(f"{k['code']} x{k['weight']:g}" for k in row["kpis"]) or "no KPI yet"
    parent = f", cascaded from {row['parent']}" if row["parent"] else ""
    return (f"objective {row['code']}: {row['name']} ({row['level']}, unit {row['unit']}, perspective"
            f" {row['perspective']}{parent}); measured by {kpis}")


def _objective_options(adding: bool):
    def decorate(fn):
        for option in reversed([
            click.option("--name", required=adding, help="Display name."),
            click.option("--level", required=adding, type=_choice("level")),
            click.option("--unit", required=adding, help="Unit code."),
            click.option("--perspective", required=adding, help="Perspective code."),
            click.option("--parent", default=None, help="Objective it is cascaded from" + ("." if adding
                                                                                           else " ('' removes it).")),
            click.option("--owner-role", "owner_role", default=None, help="Owning role code."),
            click.option("--weight", default=None, type=float, help="Weight in the perspective's roll-up."),
            click.option("--description", default=None, help="What it means."),
            click.option("--confidentiality", default=None, type=_choice("confidentiality")),
        ]):
            fn = option(fn)
        return fn
    return decorate


@objectives_group.command("add")
@click.argument("code")
@_objective_options(adding=True)
@json_option
@pass_env
def objectives_add(env: Env, code: str, as_json: bool, **options) -> None:
    """Create an objective of a unit (needs edit_definitions there).

    Example: pmtui --user admin objectives add GROW_A --name "Grow in A" --level unit --unit BU_A --perspective FIN
    """
    fields = {k: v for k, v in options.items() if v is not None}
    with writing(env) as (conn, actor, now):
        row = _edits().add_objective(conn, code, actor=actor, now=now, **fields)
    emit(row, as_json, lambda: _objective_text(row))


@objectives_group.command("edit")
@click.argument("code")
@_objective_options(adding=False)
@json_option
@pass_env
def objectives_edit(env: Env, code: str, as_json: bool, **options) -> None:
    """Change an objective (needs edit_definitions at its unit; a parent must not make a cycle).

    Example: pmtui --user admin objectives edit GROW_A --weight 2 --owner-role HEAD
    """
    with writing(env) as (conn, actor, now):
        row = _edits().edit_objective(conn, code, actor=actor, now=now, **options)
    emit(row, as_json, lambda: _objective_text(row))


@objectives_group.command("link")
@click.argument("objective")
@click.argument("kpi")
@click.option("--weight", default=None, type=float, help="Weight in the objective's roll-up (default 1; on an"
                                                         " existing link: the new weight).")
@json_option
@pass_env
def objectives_link(env: Env, objective: str, kpi: str, weight: float | None, as_json: bool) -> None:
    """Measure OBJECTIVE by KPI, or change the weight of an existing link with --weight.

    Example: pmtui --user admin objectives link GROW_A REV --weight 2
    """
    edits = _edits()
    with writing(env) as (conn, actor, now):
        linked = any(k["code"] == kpi for k in edits.get_objective(conn, objective)["kpis"])
        if linked and weight is not None:
            row = edits.set_link_weight(conn, objective, kpi, weight, actor=actor, now=now)
        else:
            row = edits.link_kpi(conn, objective, kpi, 1.0 if weight is None else weight, actor=actor, now=now)
    emit(row, as_json, lambda: f"{objective} is measured by {kpi} with weight {row['weight']:g}")


@objectives_group.command("unlink")
@click.argument("objective")
@click.argument("kpi")
@json_option
@pass_env
def objectives_unlink(env: Env, objective: str, kpi: str, as_json: bool) -> None:
    """Stop measuring OBJECTIVE by KPI (the values stay; audited).

    Example: pmtui --user admin objectives unlink GROW_A REV
    """
    with writing(env) as (conn, actor, now):
        _edits().unlink_kpi(conn, objective, kpi, actor=actor, now=now)
    emit({"objective": objective, "kpi": kpi, "linked": False}, as_json,
         lambda: f"{objective} is no longer measured by {kpi}")


@objectives_group.command("cause")
@click.argument("cause")
@click.argument("effect")
@click.option("--remove", is_flag=True, help="Remove the link instead.")
@json_option
@pass_env
def objectives_cause(env: Env, cause: str, effect: str, remove: bool, as_json: bool) -> None:
    """Record on the strategy map that CAUSE drives EFFECT (--remove takes it away).

    Example: pmtui --user admin objectives cause QUALITY GROW
    """
    edits = _edits()
    with writing(env) as (conn, actor, now):
        if remove:
            edits.unlink_objectives(conn, cause, effect, actor=actor, now=now)
        else:
            edits.link_objectives(conn, cause, effect, actor=actor, now=now)
    emit({"cause": cause, "effect": effect, "linked": not remove}, as_json,
         lambda: f"{cause} is {'no longer ' if remove else ''}a cause of {effect}")


@objectives_group.command("list")
@click.option("--unit", default=None, help="Only the objectives of this unit (not those below it).")
@json_option
@pass_env
def objectives_list(env: Env, unit: str | None, as_json: bool) -> None:
    """List objectives with their unit, parent, KPIs (and weights) and causes.

    Example: pmtui objectives list --unit BU_A --json
    """
    rows = _edits().list_objectives(env.connect(), unit)
    shown = [r | {"kpis": [f"{k['code']} x{k['weight']:g}" for k in r["kpis"]]} for r in rows]
    emit(rows, as_json, lambda: table(shown, ["code", "name", "unit", "perspective", "level", "parent", "kpis",
                                              "causes"]))
