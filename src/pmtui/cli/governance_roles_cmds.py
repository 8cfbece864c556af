"""Commands for ownership by roles, the permissions matrix and escalation paths (issue 4: M3.1, M3.2, M4.5).

``pmtui roles unheld|history|holders|assign|end``, ``pmtui permissions [show|grant|revoke]``
and ``pmtui escalation rules|set|path``. Registered by :mod:`pmtui.cli.governance_cmds`.
"""

from __future__ import annotations

from datetime import date

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.fallback import FallbackGroup
from pmtui.cli.context import writing
from pmtui.cli.output import emit, json_option, table


def _day(text: str | None, option: str, default: date | None = None) -> date:
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PmError(f"{option} must be a date YYYY-MM-DD, not {text!r}") from None


@cli.group("roles")
def roles_group() -> None:
    """Ownership held by roles: who holds a role when, and what nobody holds today."""


@roles_group.command("unheld")
@click.option("--on", "on", default=None, help="The day to judge (default: today).")
@json_option
@pass_env
def roles_unheld(env: Env, on: str | None, as_json: bool) -> None:
    """Elements (KPIs, objectives, RACI entries, escalation steps, initiatives) whose role nobody holds.

    Example: pmtui roles unheld --json
    """
    from pmtui.services import roles  # noqa: PLC0415

    rows = roles.unheld(env.connect(), _day(on, "--on", env.now.date()))
    emit(rows, as_json, lambda: f"{len(rows)} element(s) without a current holder\n"
                                + table(rows, ["kind", "element", "detail", "role", "units"]))


@roles_group.command("history")
@click.argument("role")
@json_option
@pass_env
def roles_history(env: Env, role: str, as_json: bool) -> None:
    """Who held ROLE where, from when to when (the last day held included).

    Example: pmtui roles history HR_LEAD --json
    """
    from pmtui.services import roles  # noqa: PLC0415

    rows = roles.role_history(env.connect(), role, today=env.now.date())
    emit(rows, as_json, lambda: table(rows, ["user", "display_name", "unit", "valid_from", "valid_to", "current"]))


@roles_group.command("holders")
@click.argument("role")
@click.option("--unit", default=None, help="Holders for this unit (held there or above); default: everywhere.")
@click.option("--on", "on", default=None, help="The day (default: today).")
@json_option
@pass_env
def roles_holders(env: Env, role: str, unit: str | None, on: str | None, as_json: bool) -> None:
    """Who holds ROLE on a day, nearest to the unit first.

    Example: pmtui roles holders UNIT_HEAD --unit PLANT_A --json
    """
    from pmtui.services import roles  # noqa: PLC0415

    rows = roles.holders(env.connect(), role, unit, _day(on, "--on", env.now.date()))
    emit(rows, as_json, lambda: table(rows, ["user", "display_name", "held_at", "valid_from", "valid_to"]))


@roles_group.command("assign")
@click.option("--user", "user", required=True, help="User name.")
@click.option("--role", required=True, help="Role code.")
@click.option("--unit", default=None, help="Unit code (default: group-wide).")
@click.option("--from", "valid_from", required=True, help="First day held (YYYY-MM-DD).")
@json_option
@pass_env
def roles_assign(env: Env, user: str, role: str, unit: str | None, valid_from: str, as_json: bool) -> None:
    """Give a user a role from a day (needs administer for the unit).

    Example: pmtui --user mvega roles assign --user ofarrell --role HR_LEAD --from 2026-12-01
    """
    from pmtui.services import roles  # noqa: PLC0415

    start = _day(valid_from, "--from")
    with writing(env) as (conn, actor, now):
        row = roles.assign(conn, user, role, unit, start, actor=actor, now=now)
    emit(row, as_json, lambda: f"{user} holds {role} {'at ' + unit if unit else 'group-wide'} from {row['valid_from']}")


@roles_group.command("end")
@click.option("--user", "user", required=True, help="User name.")
@click.option("--role", required=True, help="Role code.")
@click.option("--unit", default=None, help="Unit code of the assignment (default: the group-wide one).")
@click.option("--on", "on", required=True, help="Last day the role is held (YYYY-MM-DD).")
@click.option("--reason", default=None, help="Why (kept in the audit trail).")
@json_option
@pass_env
def roles_end(env: Env, user: str, role: str, unit: str | None, on: str, reason: str | None, as_json: bool) -> None:
    """End a user's hold of a role (someone leaves): ownership stays with the role, history keeps the holder.

    Example: pmtui --user mvega roles end --user ofarrell --role HR_LEAD --on 2026-10-31
    """
    from pmtui.services import users  # noqa: PLC0415

    last = _day(on, "--on")
    with writing(env) as (conn, actor, now):
        row = users.end_assignment(conn, user, role, unit, last, actor=actor, now=now, reason=reason)
    emit(row, as_json, lambda: f"{user} held {role} {'at ' + unit if unit else 'group-wide'} until {row['valid_to']}"
                               "\n(see 'pmtui roles unheld' for what is left without a holder)")


@cli.group("permissions", cls=FallbackGroup, fallback="show")
def permissions_group() -> None:
    """The permissions matrix: roles x permissions ('pmtui permissions' = 'pmtui permissions show')."""


@permissions_group.command("show")
@json_option
@pass_env
def permissions_show(env: Env, as_json: bool) -> None:
    """Show which role carries which permission, and how many people hold each role today.

    Example: pmtui permissions --json
    """
    from pmtui.services import permissions  # noqa: PLC0415

    data = permissions.matrix(env.connect(), env.now.date())
    rows = [{"role": r["role"], "holders": r["holders"]} | {p: "x" if r["granted"][p] else "." for p in
                                                              data["permissions"]} for r in data["roles"]]
    emit(data, as_json, lambda: table(rows, ["role", "holders", *data["permissions"]]))


def _permission_command(verb: str, doc: str) -> None:
    """Register ``pmtui permissions grant|revoke`` (the same options, one service call each)."""

    @permissions_group.command(verb, help=doc)
    @click.option("--role", required=True, help="Role code.")
    @click.option("--permission", required=True,
                  type=click.Choice(["view", "enter_data", "approve", "edit_definitions", "edit_targets", "administer"]))
    @json_option
    @pass_env
    def command(env: Env, role: str, permission: str, as_json: bool) -> None:
        from pmtui.services import permissions  # noqa: PLC0415

        with writing(env) as (conn, actor, now):
            result = getattr(permissions, verb)(conn, role, permission, actor=actor, now=now)
        done = {"grant": "granted to", "revoke": "revoked from"}[verb]
        emit(result, as_json, lambda: f"{permission} {done} {role}" if result["changed"]
             else f"nothing to do: {role} {'already has' if verb == 'grant' else 'does not have'} {permission}")



_permission_command("grant", """Give a role a permission (needs administer; refusals are audited).

    Example: pmtui --user mvega permissions grant --role ANALYST --permission approve
    """)
_permission_command("revoke", """Take a permission from a role (needs administer; never the last administrator's).

    Example: pmtui --user mvega permissions revoke --role ANALYST --permission approve
    """)


@cli.group("escalation")
def escalation_group() -> None:
    """Escalation paths by level and time, one for process failures and one for individual accountability."""


ESCALATION_COLUMNS = ["classification", "step", "after_days", "level", "role"]


@escalation_group.command("rules")
@json_option
@pass_env
def escalation_rules(env: Env, as_json: bool) -> None:
    """List the escalation steps of both classifications.

    Example: pmtui escalation rules --json
    """
    from pmtui.services import escalation  # noqa: PLC0415

    rows = escalation.rules(env.connect())
    emit(rows, as_json, lambda: table(rows, ESCALATION_COLUMNS))


@escalation_group.command("set")
@click.option("--classification", required=True, type=click.Choice(["process", "individual"]))
@click.option("--step", required=True, type=int, help="Step number (1, 2, 3 ...).")
@click.option("--after-days", required=True, type=int, help="Days a problem is open before this step applies.")
@click.option("--level", required=True, type=click.Choice(["team", "business_unit", "region", "group"]))
@click.option("--role", required=True, help="Role the problem goes to at that level.")
@json_option
@pass_env
def escalation_set(env: Env, classification, step, after_days, level, role, as_json: bool) -> None:
    """Add or change a step (needs administer); the chain must keep its order of days and levels.

    Example: pmtui --user mvega escalation set --classification process --step 2 --after-days 14 --level region --role UNIT_HEAD
    """
    from pmtui.services import escalation  # noqa: PLC0415

    with writing(env) as (conn, actor, now):
        rows = escalation.set_rule(conn, classification, step, after_days, level, role, actor=actor, now=now)
    emit(rows, as_json, lambda: table(rows, ESCALATION_COLUMNS))


@escalation_group.command("path")
@click.option("--classification", type=click.Choice(["process", "individual"]), default=None)
@click.option("--unit", default=None, help="Unit where the problem is.")
@click.option("--days", type=int, default=None, help="Days the problem has been open.")
@click.option("--root-cause", "root_cause", type=int, default=None,
              help="Take classification, unit and days from this root-cause record instead.")
@json_option
@pass_env
def escalation_path(env: Env, classification, unit, days, root_cause, as_json: bool) -> None:
    """Resolve the path of a problem: each step's unit and role, who holds it today, and the step that applies.

    Example: pmtui escalation path --classification process --unit PLANT_A --days 20 --json
    """
    from pmtui.services import escalation  # noqa: PLC0415
    from pmtui.services.errors import PmError  # noqa: PLC0415

    conn, today = env.connect(), env.now.date()
    if root_cause is not None:
        data = escalation.path_for_root_cause(conn, root_cause, today)
    elif classification and unit and days is not None:
        data = escalation.path(conn, classification, unit, days, today)
    else:
        raise PmError("give --classification, --unit and --days, or --root-cause ID")

    def text() -> str:
        rows = [s | {"holders": ", ".join(h["user"] for h in s["holders"]) or "NOBODY"} for s in data["steps"]]
        now_at = f"step {data['current_step']} applies" if data["current_step"] else "no step applies yet"
        return (f"{data['classification']} problem at {data['unit']}, open {data['days_open']} days: {now_at}\n"
                + table(rows, ["step", "after_days", "due_on", "level", "unit", "role", "holders", "state"]))
    emit(data, as_json, text)
