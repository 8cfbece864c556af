"""Initiatives and milestones (M4.1) with slippage alerts (M4.4): ``pmtui initiatives ...`` and
``pmtui milestones ...``.

Writes need ``edit_targets`` for the initiative's unit and re-evaluate its alerts on
today's date (``PMTUI_NOW`` fixes it). Dates are ``YYYY-MM-DD``; ``none`` clears a date
in ``milestones update``. JSON keys are documented in the README (Initiatives section).
"""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table

LIST_COLUMNS = ["code", "unit", "status", "owner_role", "budget", "milestones", "open_alerts", "worst_severity",
                "kpis", "name"]
MILESTONE_COLUMNS = ["code", "planned_start", "planned_finish", "actual_start", "actual_finish", "percent_complete",
                     "forecast_finish", "slip_days", "colour", "depends_on", "name"]
ALERT_COLUMNS = ["severity", "rule", "unit", "initiative", "milestone", "raised_on", "message"]




def _date_option(name: str, help_text: str):
    return click.option(name, default=None, metavar="YYYY-MM-DD", help=help_text)


@cli.group("initiatives")
def initiatives_group() -> None:
    """Initiatives linked to the objectives and KPIs they should move, with slippage alerts."""


@initiatives_group.command("list")
@click.option("--unit", default=None, help="Only this unit and the units below it.")
@click.option("--kpi", default=None, help="Only initiatives linked to this KPI (directly or via an objective).")
@json_option
@pass_env
def initiatives_list(env: Env, unit: str | None, kpi: str | None, as_json: bool) -> None:
    """List initiatives with their milestones count, open alerts and linked KPIs.

    Example: pmtui initiatives list --unit PLANT_A --json
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    rows = initiatives.list_initiatives(env.connect(), unit=unit, kpi=kpi)
    emit(rows, as_json, lambda: table(rows, LIST_COLUMNS))


@initiatives_group.command("show")
@click.argument("code")
@json_option
@pass_env
def initiatives_show(env: Env, code: str, as_json: bool) -> None:
    """Show an initiative: milestones with slip numbers, open alerts, linked KPIs' latest approved status.

    Example: pmtui initiatives show PA_LINE3_LEAN --json
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    today = env.now.date()
    data = initiatives.detail(env.connect(), code, today=today) | {"today": today.isoformat()}

    def text() -> str:
        budget = "-" if data["budget"] is None else f"{data['budget']:,.0f}"
        alerts = [a | {"milestone": m["code"]} for m in data["milestones"] for a in m["alerts"]]
        return "\n\n".join([
            f"{data['code']} {data['name']} ({data['unit']}, {data['status']}, owner {data['owner_role'] or '-'},"
            f" budget {budget}, {data['confidentiality']})\nthresholds: late start after"
            f" {data['late_start_grace_days']} days, slip amber from {data['slip_amber_days']}, red from"
            f" {data['slip_red_days']} days; as of {data['today']}",
            "Milestones:\n" + table(data["milestones"], MILESTONE_COLUMNS),
            "Open alerts:\n" + table(alerts, ["severity", "rule", "milestone", "raised_on", "message"]),
            "Linked KPIs (latest approved value at the unit):\n"
            + table(data["kpi_status"], ["kpi", "period", "value", "target", "status", "name"]),
            "Linked objectives: " + (", ".join(o["objective"] for o in data["objective_links"]) or "none")])
    emit(data, as_json, text)


@initiatives_group.command("add")
@click.option("--code", required=True, help="Initiative code (upper case).")
@click.option("--name", required=True, help="What the initiative is.")
@click.option("--unit", required=True, help="Unit that runs it.")
@click.option("--owner-role", default=None, help="Role that owns it (a role code, e.g. UNIT_HEAD).")
@click.option("--budget", type=float, default=None, help="Budget (company currency).")
@click.option("--status", type=click.Choice(["planned", "active", "on_hold", "done", "cancelled"]),
              default="planned", show_default=True)
@click.option("--description", default="", help="Longer description.")
@click.option("--grace-days", type=int, default=0, show_default=True, help="Days a start may be late before alerting.")
@click.option("--amber-days", type=int, default=5, show_default=True, help="Slip (days) that turns amber.")
@click.option("--red-days", type=int, default=20, show_default=True, help="Slip (days) that turns red.")
@click.option("--confidentiality", type=click.Choice(["public", "internal", "confidential"]), default="public",
              show_default=True)
@json_option
@pass_env
def initiatives_add(env: Env, code, name, unit, owner_role, budget, status, description, grace_days, amber_days,
                    red_days, confidentiality, as_json) -> None:
    """Add an initiative (needs edit_targets for the unit).

    Example: pmtui --user jvandijk initiatives add --code PA_SMED --name "Quick changeovers" --unit PLANT_A --owner-role UNIT_HEAD --budget 80 --status active
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    conn = env.connect()
    row = initiatives.add_initiative(conn, code, name, unit=unit, owner_role=owner_role, budget=budget, status=status,
                                     description=description, late_start_grace_days=grace_days,
                                     slip_amber_days=amber_days, slip_red_days=red_days,
                                     confidentiality=confidentiality, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"initiative {row['code']} added to {row['unit']} ({row['status']})")


@initiatives_group.command("update")
@click.argument("code")
@click.option("--name", default=None)
@click.option("--status", type=click.Choice(["planned", "active", "on_hold", "done", "cancelled"]), default=None)
@click.option("--owner-role", default=None, help="Role code of the new owner.")
@click.option("--budget", type=float, default=None)
@click.option("--grace-days", type=int, default=None)
@click.option("--amber-days", type=int, default=None)
@click.option("--red-days", type=int, default=None)
@click.option("--confidentiality", type=click.Choice(["public", "internal", "confidential"]), default=None)
@click.option("--reason", default=None, help="Why (kept in the audit trail).")
@json_option
@pass_env
def initiatives_update(env: Env, code, name, status, owner_role, budget, grace_days, amber_days, red_days,
                       confidentiality, reason, as_json) -> None:
    """Change an initiative's name, status, owner, budget, thresholds or confidentiality (edit_targets).

    Example: pmtui --user jvandijk initiatives update PA_LINE3_LEAN --status on_hold --reason "budget freeze"
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    given = {"name": name, "status": status, "owner_role": owner_role, "budget": budget,
             "late_start_grace_days": grace_days, "slip_amber_days": amber_days, "slip_red_days": red_days,
             "confidentiality": confidentiality}
    conn = env.connect()
    row = initiatives.update_initiative(conn, code, actor=env.acting_user(), now=env.now, reason=reason,
                                        **{k: v for k, v in given.items() if v is not None})
    emit(row, as_json, lambda: f"initiative {row['code']} updated ({row['open_alerts']} open alerts)")


def _link_options(fn):
    fn = json_option(fn)
    fn = click.option("--objective", default=None, help="Objective code.")(fn)
    fn = click.option("--kpi", default=None, help="KPI code.")(fn)
    return click.argument("code")(fn)


def _change_link(env: Env, code: str, kpi: str | None, objective: str | None, as_json: bool, *, add: bool) -> None:
    from pmtui.services import initiatives  # noqa: PLC0415

    conn = env.connect()
    change = initiatives.link if add else initiatives.unlink
    row = change(conn, code, kpi=kpi, objective=objective, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"{code} {'linked to' if add else 'unlinked from'} {kpi or objective}; KPIs:"
                               f" {', '.join(row['kpis']) or '-'}; objectives: {', '.join(row['objectives']) or '-'}")


@initiatives_group.command("link")
@_link_options
@pass_env
def initiatives_link(env: Env, code: str, kpi: str | None, objective: str | None, as_json: bool) -> None:
    """Link an initiative to a KPI or an objective it should move (edit_targets).

    Example: pmtui --user jvandijk initiatives link PA_LINE3_LEAN --kpi OEE_PCT
    """
    _change_link(env, code, kpi, objective, as_json, add=True)


@initiatives_group.command("unlink")
@_link_options
@pass_env
def initiatives_unlink(env: Env, code: str, kpi: str | None, objective: str | None, as_json: bool) -> None:
    """Remove a link between an initiative and a KPI or objective (edit_targets).

    Example: pmtui --user jvandijk initiatives unlink PA_LINE3_LEAN --objective U_OPS_MFG_PLANT_A
    """
    _change_link(env, code, kpi, objective, as_json, add=False)


@initiatives_group.command("alerts")
@click.option("--unit", default=None, help="Only this unit and the units below it.")
@click.option("--refresh", is_flag=True, help="Re-evaluate every initiative on today's date first (audited).")
@json_option
@pass_env
def initiatives_alerts(env: Env, unit: str | None, refresh: bool, as_json: bool) -> None:
    """List open slippage alerts, red first; --refresh re-evaluates them for today's date first.

    Example: pmtui --user demo initiatives alerts --unit PLANT_A --refresh --json
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    conn, today = env.connect(), env.now.date()
    counts = None
    if refresh:
        counts = initiatives.refresh_alerts(conn, today=today, actor=env.acting_user(), now=env.now, unit=unit)
    alerts = initiatives.open_alerts(conn, unit=unit)
    data = {"today": today.isoformat(), "refreshed": counts, "alerts": alerts}

    def text() -> str:
        head = (f"refreshed {counts['initiatives']} initiatives on {today}: {counts['raised']} raised,"
                f" {counts['cleared']} cleared, {counts['updated']} updated\n") if counts else ""
        return head + table(alerts, ALERT_COLUMNS)
    emit(data, as_json, text)


@cli.group("milestones")
def milestones_group() -> None:
    """Milestones of initiatives: planned and actual dates, percent complete, dependencies."""


@milestones_group.command("add")
@click.argument("initiative")
@click.argument("code")
@click.option("--name", required=True, help="What is delivered.")
@_date_option("--planned-start", "Planned start.")
@_date_option("--planned-finish", "Planned finish.")
@_date_option("--actual-start", "Actual start (not in the future).")
@_date_option("--actual-finish", "Actual finish (needs an actual start).")
@click.option("--percent", type=float, default=None, help="Percent complete, 0-100.")
@click.option("--depends-on", multiple=True, help="Code of a milestone of the same initiative it waits for"
                                                  " (repeatable).")
@json_option
@pass_env
def milestones_add(env: Env, initiative, code, name, planned_start, planned_finish, actual_start, actual_finish,
                   percent, depends_on, as_json) -> None:
    """Add a milestone to an initiative (edit_targets); its alerts are re-evaluated.

    Example: pmtui --user jvandijk milestones add PA_SMED M1 --name "Video analysis" --planned-start 2026-12-01 --planned-finish 2027-01-15
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    conn = env.connect()
    row = initiatives.add_milestone(conn, initiative, code, name, planned_start=planned_start,
                                    planned_finish=planned_finish, actual_start=actual_start,
                                    actual_finish=actual_finish, percent_complete=percent,
                                    depends_on=tuple(depends_on), actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _milestone_line(row))


def _clearable(value: str | None) -> str | None:
    """``none`` (any case) or an empty string clears a date."""
    return None if value is None or value.strip().lower() in ("", "none") else value


@milestones_group.command("update")
@click.argument("initiative")
@click.argument("milestone")
@_date_option("--actual-start", "Actual start ('none' clears it).")
@_date_option("--actual-finish", "Actual finish ('none' clears it); sets percent to 100 unless --percent.")
@click.option("--percent", type=float, default=None, help="Percent complete, 0-100.")
@_date_option("--planned-start", "New planned start (a re-baseline; 'none' clears it).")
@_date_option("--planned-finish", "New planned finish (a re-baseline; 'none' clears it).")
@click.option("--name", default=None)
@click.option("--reason", default=None, help="Why (kept in the audit trail).")
@json_option
@pass_env
def milestones_update(env: Env, initiative, milestone, actual_start, actual_finish, percent, planned_start,
                      planned_finish, name, reason, as_json) -> None:
    """Record progress (actual dates, percent) or re-plan a milestone (edit_targets); alerts re-evaluated.

    Example: pmtui --user jvandijk milestones update PA_LINE3_LEAN M3 --actual-start 2026-11-20 --percent 10
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    changes = {f: _clearable(v) for f, v in (("actual_start", actual_start), ("actual_finish", actual_finish),
                                              ("planned_start", planned_start), ("planned_finish", planned_finish))
               if v is not None}
    if percent is not None:
        changes["percent_complete"] = percent
    if name is not None:
        changes["name"] = name
    conn = env.connect()
    row = initiatives.update_milestone(conn, initiative, milestone, actor=env.acting_user(), now=env.now,
                                       reason=reason, **changes)
    emit(row, as_json, lambda: _milestone_line(row))


@milestones_group.command("depend")
@click.argument("initiative")
@click.argument("milestone")
@click.option("--on", "depends_on", required=True, help="Code of the milestone it waits for (same initiative).")
@json_option
@pass_env
def milestones_depend(env: Env, initiative, milestone, depends_on, as_json) -> None:
    """Record that a milestone waits for another one of the same initiative (cycles are refused).

    Example: pmtui --user jvandijk milestones depend PA_LINE3_LEAN M4 --on M3
    """
    from pmtui.services import initiatives  # noqa: PLC0415

    conn = env.connect()
    row = initiatives.add_dependency(conn, initiative, milestone, depends_on, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"{initiative}/{milestone} depends on {', '.join(row['depends_on'])}")


def _milestone_line(row: dict) -> str:
    slip = "-" if row["slip_days"] is None else f"{row['slip_days']:+d} days"
    alerts = "; ".join(f"{a['severity']} {a['rule']}: {a['message']}" for a in row["alerts"]) or "no alerts"
    return (f"{row['initiative']}/{row['code']} {row['name']}: {row['state']}, {row['percent_complete']:g}%,"
            f" forecast finish {row['forecast_finish'] or '-'}, slip {slip} ({row['colour']}); {alerts}")
