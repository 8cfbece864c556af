"""The action register: ``pmtui actions ...`` (root causes and revise-or-hold are registered from here too)."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table

LIST_COLUMNS = ["id", "due_on", "days_overdue", "status", "owner", "unit", "source", "kpi", "title"]
SOURCES = ["meeting", "rca", "alert", "manual"]
STATUSES = ["active", "open", "in_progress", "done", "cancelled"]


@cli.group("actions")
def actions_group() -> None:
    """The central action register: owners, due dates, status, source, progress notes."""


def _line(row: dict) -> str:
    late = f", {row['days_overdue']} days overdue" if row["overdue"] else ""
    return (f"action {row['id']} [{row['status']}] {row['title']} - {row['owner']} ({row['owner_role']}),"
            f" due {row['due_on']}{late}")


@actions_group.command("list")
@click.option("--overdue", is_flag=True, help="Only open actions past their due date.")
@click.option("--owner", default=None, help="Only actions owned by this user.")
@click.option("--mine", is_flag=True, help="Only actions owned by the acting user (--user).")
@click.option("--unit", default=None, help="Only this unit and the units below it.")
@click.option("--source", type=click.Choice(SOURCES), default=None, help="Only actions from this source.")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Only this status ('active': open or in progress).")
@click.option("--kpi", default=None, help="Only actions linked to this KPI.")
@click.option("--initiative", default=None, help="Only actions linked to this initiative.")
@click.option("--meeting", default=None, help="Only actions raised in this review meeting (its code).")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True, help="At most this many.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many (paging).")
@json_option
@pass_env
def actions_list(env: Env, overdue, owner, mine, unit, source, status, kpi, initiative, meeting, limit, offset,
                 as_json) -> None:
    """List actions: open ones first, then by due date (overdue days as of today).

    Example: pmtui actions list --overdue --unit PLANT_A --json
    """
    from pmtui.services import actions  # noqa: PLC0415
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if mine:
        if owner and owner != env.acting_user():
            raise PmError("--mine and --owner name different users: pass one of them")
        owner = env.acting_user()
    rows = actions.search(env.connect(), today=env.now.date(), owner=owner, unit=unit, source=source, status=status,
                          overdue=overdue, kpi=kpi, initiative=initiative, meeting=meeting, limit=limit,
                          offset=offset)
    emit(rows, as_json, lambda: table(rows, LIST_COLUMNS))


@actions_group.command("add")
@click.option("--title", required=True, help="What is to be done.")
@click.option("--owner", required=True, help="User who owns the action (holds a role at the unit or above).")
@click.option("--due", required=True, help="Due date, YYYY-MM-DD (today or later).")
@click.option("--unit", required=True, help="Unit code the action belongs to.")
@click.option("--owner-role", default=None, help="Role through which the owner owns it (default: the nearest held).")
@click.option("--kpi", default=None, help="KPI code the action should move.")
@click.option("--initiative", default=None, help="Initiative code the action belongs to.")
@click.option("--source", type=click.Choice(SOURCES), default=None,
              help="Where it comes from (default: from --meeting/--rca/--alert, else manual).")
@click.option("--meeting", default=None, help="Code of the review meeting that raised it.")
@click.option("--agenda-item", type=int, default=None, help="Id of the agenda item that raised it.")
@click.option("--rca", "rca_id", type=int, default=None, help="Id of the root-cause record it follows from.")
@click.option("--alert", "alert_id", type=int, default=None, help="Id of the execution alert it answers.")
@click.option("--description", default="", help="More detail.")
@click.option("--confidentiality", type=click.Choice(["public", "internal", "confidential"]), default="public",
              show_default=True, help="Who may see it when published.")
@json_option
@pass_env
def actions_add(env: Env, title, owner, due, unit, owner_role, kpi, initiative, source, meeting, agenda_item, rca_id,
                alert_id, description, confidentiality, as_json) -> None:
    """Raise an action (needs view for the unit).

    Example: pmtui --user demo actions add --title "Re-plan carrier slots" --owner jvandijk --due 2026-12-15 --unit PLANT_A --kpi OTD_PCT
    """
    from pmtui.services import actions  # noqa: PLC0415
    from pmtui.services.framework import id_of  # noqa: PLC0415

    conn = env.connect()
    meeting_id = id_of(conn, "meetings", meeting, "meeting") if meeting else None
    if source is None:
        source = ("meeting" if meeting_id or agenda_item else "rca" if rca_id else "alert" if alert_id else "manual")
    row = actions.add(conn, title, owner=owner, due_on=due, unit=unit, source=source, description=description,
                      owner_role=owner_role, meeting_id=meeting_id, agenda_item_id=agenda_item,
                      root_cause_id=rca_id, alert_id=alert_id, kpi=kpi, initiative=initiative,
                      confidentiality=confidentiality, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _line(row) + " raised")


@actions_group.command("show")
@click.argument("action_id", type=int)
@json_option
@pass_env
def actions_show(env: Env, action_id: int, as_json: bool) -> None:
    """Show one action with its progress notes.

    Example: pmtui actions show 3 --json
    """
    from pmtui.services import actions  # noqa: PLC0415

    conn = env.connect()
    row = actions.get(conn, action_id, today=env.now.date()) | {"notes": actions.notes(conn, action_id)}

    def text() -> str:
        lines = [_line(row), f"unit {row['unit']} · source {row['source']}" + (f" · meeting {row['meeting']}"
                                                                               if row["meeting"] else "")]
        lines += [row["description"]] if row["description"] else []
        lines += [f"  {n['written_at']} {n['written_by']}: {n['note']}" for n in row["notes"]]
        lines += [f"closed {row['closed_at']} by {row['closed_by']}: {row['close_note']}"] if row["closed_at"] else []
        return "\n".join(lines)
    emit(row, as_json, text)


@actions_group.command("note")
@click.argument("action_id", type=int)
@click.option("--note", required=True, help="The progress note.")
@json_option
@pass_env
def actions_note(env: Env, action_id: int, note: str, as_json: bool) -> None:
    """Add a progress note to an open action (needs view for its unit).

    Example: pmtui --user jvandijk actions note 3 --note "Carrier contract signed"
    """
    from pmtui.services import actions  # noqa: PLC0415

    row = actions.note(env.connect(), action_id, note, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"note added to action {action_id}")


#: Commands that move an action to another status: (name, help with example, --note required).
STATUS_COMMANDS = (
    ("close", "Close an action as done, with a note (its owner, or approve for its unit).\n\n"
              'Example: pmtui --user jvandijk actions close 3 --note "New carrier live since 1 December"', True),
    ("start", "Mark an action as in progress (its owner, or approve for its unit).\n\n"
              'Example: pmtui --user jvandijk actions start 3 --note "Tender sent to three carriers"', False),
    ("cancel", "Cancel an action that is no longer needed, saying why (approve for its unit).\n\n"
               'Example: pmtui --user jvandijk actions cancel 3 --note "Superseded by the ERP project"', True),
    ("reopen", "Reopen a done or cancelled action, saying why (its owner, or approve).\n\n"
               'Example: pmtui --user jvandijk actions reopen 3 --note "Deliveries slipped again"', True),
)


def _status_command(name: str, help_text: str, note_required: bool) -> None:
    """Register ``pmtui actions <name>``, a thin wrapper over ``services.actions.<name>``."""

    @actions_group.command(name, help=help_text)
    @click.argument("action_id", type=int)
    @click.option("--note", required=note_required, help="Why (kept with the action).")
    @json_option
    @pass_env
    def command(env: Env, action_id: int, note: str | None, as_json: bool) -> None:
        from pmtui.services import actions  # noqa: PLC0415

        row = getattr(actions, name)(env.connect(), action_id, note=note, actor=env.acting_user(), now=env.now)
        emit(row, as_json, lambda: _line(row))


for _name, _help, _required in STATUS_COMMANDS:
    _status_command(_name, _help, _required)

from pmtui.cli import rca_cmds, revise_hold_cmds  # noqa: E402,F401 - register their groups and commands
