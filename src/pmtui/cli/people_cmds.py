"""People from the command line: ``pmtui users add|edit|deactivate`` and ``pmtui roles create|grant``.

``pmtui users`` stays the list. Thin wrappers over :mod:`pmtui.services.people` and
:mod:`pmtui.services.roles`; writes go through :func:`pmtui.cli.context.writing`.
"""

from __future__ import annotations

from types import ModuleType

import click

from pmtui.cli.authoring_cmds import _day
from pmtui.cli.context import Env, pass_env, writing
from pmtui.cli.fallback import promote
from pmtui.cli.governance_roles_cmds import roles_group
from pmtui.cli.output import emit, json_option
from pmtui.core.framework_spec import PERMISSIONS


def _people() -> ModuleType:
    from pmtui.services import people  # noqa: PLC0415

    return people



users_group = promote("users", "list", "Users: the list ('pmtui users' = 'pmtui users list'), add, edit, deactivate.")


def _user_text(row: dict) -> str:
    email = f" <{row['email']}>" if row["email"] else ""
    state = f"holds {', '.join(row['roles'])}" if row["roles"] else "holds no role"
    return f"user {row['name']}: {row['display_name']}{email}, {state}" + ("" if row["active"] else " (deactivated)")


def _held(text: str) -> tuple[str, str | None]:
    role, _, unit = text.partition("@")
    if not role:
        raise click.UsageError(f"--role {text!r}: give ROLE or ROLE@UNIT")
    return role, unit or None


@users_group.command("add")
@click.argument("name")
@click.option("--display-name", default=None, help="Name shown to people (default: NAME).")
@click.option("--email", default=None, help="Email address.")
@click.option("--role", "roles", multiple=True, help="ROLE (group-wide) or ROLE@UNIT; repeat for several.")
@click.option("--from", "valid_from", default=None, help="First day the roles are held (default: today).")
@json_option
@pass_env
def users_add(env: Env, name, display_name, email, roles, valid_from, as_json: bool) -> None:
    """Create a user and give them roles, in one transaction (needs administer group-wide).

    Example: pmtui --user admin users add jdoe --display-name "Jane Doe" --role ANALYST@PLANT_A --role VIEWER
    """
    held = [_held(r) for r in roles]
    start = _day(valid_from, "--from")
    with writing(env) as (conn, actor, now):
        row = _people().add_user(conn, name, display_name=display_name, email=email, roles=held, valid_from=start,
                                actor=actor, now=now)
    emit(row, as_json, lambda: _user_text(row))


@users_group.command("edit")
@click.argument("name")
@click.option("--display-name", default=None, help="New display name.")
@click.option("--email", default=None, help="New email address ('' removes it).")
@json_option
@pass_env
def users_edit(env: Env, name, display_name, email, as_json: bool) -> None:
    """Change a user's display name or email (needs administer group-wide; audited).

    Example: pmtui --user admin users edit jdoe --email jane.doe@example.com
    """
    with writing(env) as (conn, actor, now):
        row = _people().edit_user(conn, name, display_name=display_name, email=email, actor=actor, now=now)
    emit(row, as_json, lambda: _user_text(row))


@users_group.command("deactivate")
@click.argument("name")
@click.option("--reason", default=None, help="Why (kept in the audit trail).")
@json_option
@pass_env
def users_deactivate(env: Env, name, reason, as_json: bool) -> None:
    """Deactivate a user: they can no longer act, their roles end today, their history stays.

    Refused for yourself and for the last active user who administers the whole file.

    Example: pmtui --user admin users deactivate jdoe --reason "left the company"
    """
    with writing(env) as (conn, actor, now):
        row = _people().deactivate_user(conn, name, actor=actor, now=now, reason=reason)
    emit(row, as_json, lambda: f"user {name} deactivated; their role assignments end {now.date().isoformat()}"
                               "\n(see 'pmtui roles unheld' for what is left without a holder)")


@roles_group.command("create")
@click.argument("code")
@click.option("--name", required=True, help="Display name.")
@click.option("--permission", "permissions", multiple=True, type=click.Choice(PERMISSIONS),
              help="A permission the role carries; repeat for several.")
@json_option
@pass_env
def roles_create(env: Env, code, name, permissions, as_json: bool) -> None:
    """Create a role carrying permissions (needs administer group-wide).

    Example: pmtui --user admin roles create UNIT_HEAD --name "Unit head" --permission view --permission approve
    """
    with writing(env) as (conn, actor, now):
        row = _people().add_role(conn, code, name=name, permissions=list(permissions), actor=actor, now=now)
    held = ", ".join(row["permissions"]) or "no permission"
    emit(row, as_json, lambda: f"role {code} created: {row['name']} ({held})")


@roles_group.command("grant")
@click.argument("user")
@click.argument("role")
@click.option("--unit", default=None, help="Unit code (the unit and those below it); default: group-wide.")
@click.option("--from", "valid_from", default=None, help="First day held (YYYY-MM-DD; default: today).")
@json_option
@pass_env
def roles_grant(env: Env, user, role, unit, valid_from, as_json: bool) -> None:
    """Give USER the ROLE from a day (needs administer for the unit); same as 'roles assign'.

    Example: pmtui --user admin roles grant jdoe UNIT_HEAD --unit PLANT_A --from 2026-12-01
    """
    from pmtui.services import roles  # noqa: PLC0415

    start = _day(valid_from, "--from")
    with writing(env) as (conn, actor, now):
        row = roles.assign(conn, user, role, unit, start or now.date(), actor=actor, now=now)
    emit(row, as_json, lambda: f"{user} holds {role} {'at ' + unit if unit else 'group-wide'} from {row['valid_from']}")


