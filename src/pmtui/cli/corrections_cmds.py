"""Corrections of approved values, their history, the approvals inbox and ``whoami``:
``pmtui correct``, ``pmtui corrections ...``, ``pmtui history``, ``pmtui inbox``, ``pmtui whoami``."""

from __future__ import annotations

from collections.abc import Callable

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env, writing
from pmtui.cli.output import emit, json_option, kpi_unit_period, table

CORRECTION_COLUMNS = ["id", "kpi", "unit", "period", "old_value", "value", "status", "entered_by", "decided_by",
                      "reason"]
INBOX_COLUMNS = ["waits_on", "kind", "id", "kpi", "unit", "period", "old_value", "value", "submitted_by", "status"]
HISTORY_COLUMNS = ["version", "kind", "value", "status", "by", "at", "decided_by", "why", "current"]


def _write(env: Env, call: Callable):
    """Run ``call(conn, actor, now)`` (the anchor follows the audit trail in :meth:`Env.finish`)."""
    with writing(env) as (conn, actor, now):
        return call(conn, actor, now)


@cli.command("correct")
@kpi_unit_period
@click.option("--value", required=True, help="The corrected value (a decimal number).")
@click.option("--reason", required=True, help="Why the approved value is wrong (kept with the correction).")
@click.option("--comment", default=None, help="Commentary for the corrected value.")
@json_option
@pass_env
def correct_cmd(env: Env, kpi, unit, period, value, reason, comment, as_json) -> None:
    """Propose a correction of an approved value (needs enter_data); someone else approves it.

    Example: pmtui --user iholm correct --kpi OTD_PCT --unit PLANT_A --period 2026-08 --value 91.2 --reason "late deliveries booked twice"
    """
    from pmtui.services import corrections  # noqa: PLC0415

    row = _write(env, lambda conn, actor, now: corrections.propose(conn, kpi, unit, period, value, reason, comment,
                                                                  actor=actor, now=now))
    emit(row, as_json, lambda: f"correction {row['id']} entered: {kpi} {unit} {period} {row['old_value']:g} ->"
                               f" {row['value']:g} (waiting for approval by someone else)")


@cli.group("corrections")
def corrections_group() -> None:
    """Corrections of approved values: list, approve, reject (four eyes)."""


@corrections_group.command("list")
@click.option("--status", type=click.Choice(["submitted", "approved", "rejected"]), default=None,
              help="Only corrections in this status.")
@click.option("--kpi", default=None, help="Only this KPI.")
@click.option("--unit", default=None, help="Only this unit.")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True, help="At most this many.")
@json_option
@pass_env
def corrections_list(env: Env, status, kpi, unit, limit, as_json) -> None:
    """List corrections, newest first: old and corrected value, reason, who entered and decided.

    Example: pmtui corrections list --status submitted --json
    """
    from pmtui.services import corrections  # noqa: PLC0415

    rows = corrections.corrections(env.connect(), status=status, kpi=kpi, unit=unit, limit=limit)
    emit(rows, as_json, lambda: table(rows, CORRECTION_COLUMNS))


def _decision(approve: bool):
    verb = "approve" if approve else "reject"

    @click.argument("correction_id", type=int)
    @click.option("--reason", required=not approve, default=None,
                  help="Why (required to reject)." if not approve else "Optional note.")
    @json_option
    @pass_env
    def command(env: Env, correction_id: int, reason: str | None, as_json: bool) -> None:
        from pmtui.services import corrections  # noqa: PLC0415

        row = _write(env, lambda conn, actor, now: corrections.decide(conn, correction_id, approve=approve,
                                                                     reason=reason, actor=actor, now=now))
        emit(row, as_json, lambda: f"correction {row['id']} {row['status']} by {row['decided_by']}: {row['kpi']}"
                                   f" {row['unit']} {row['period']} is {row['current_value']:g}")

    command.__doc__ = (f"{verb.capitalize()} a pending correction (needs approve; never your own, nor one of a value"
                       f" you entered).\n\nExample: pmtui --user jvandijk corrections {verb} 2"
                       + ("" if approve else ' --reason "the figure was right: see the October reconciliation"'))
    return corrections_group.command(verb)(command)


_decision(True)
_decision(False)


@cli.command("history")
@kpi_unit_period
@json_option
@pass_env
def history_cmd(env: Env, kpi, unit, period, as_json) -> None:
    """Every version of one value: the original entry and each correction, with who, when and why.

    Example: pmtui history --kpi OTD_PCT --unit PLANT_A --period 2026-08 --json
    """
    from pmtui.services import corrections  # noqa: PLC0415

    data = corrections.history(env.connect(), kpi, unit, period)
    emit(data, as_json, lambda: f"{kpi} {unit} {period}: {data['value']:g} ({data['status']})\n"
                                + table(data["versions"], HISTORY_COLUMNS))


@cli.command("inbox")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True, help="At most this many.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Skip this many (paging).")
@json_option
@pass_env
def inbox_cmd(env: Env, limit: int, offset: int, as_json: bool) -> None:
    """What waits for the acting user: values, corrections and target revisions to decide (never their
    own), then their own drafts and submissions waiting on others.

    Example: pmtui --user jvandijk inbox --json
    """
    from pmtui.services import approvals  # noqa: PLC0415

    data = approvals.inbox(env.connect(), env.acting_user(), today=env.now.date(), limit=limit, offset=offset)
    emit(data, as_json, lambda: f"{data['user']}: {data['for_you']} waiting for you, {data['yours']} of yours"
                                f" waiting on others\n" + table(data["items"], INBOX_COLUMNS))


@cli.command("whoami")
@json_option
@pass_env
def whoami_cmd(env: Env, as_json: bool) -> None:
    """The acting user: roles and permissions held today, and what waits in their inbox.

    Example: pmtui --user jvandijk whoami --json
    """
    from pmtui.services import approvals  # noqa: PLC0415

    data = approvals.whoami(env.connect(), env.acting_user(), env.now.date())
    emit(data, as_json, lambda: f"{data['user']} ({data['display_name']}): {', '.join(data['roles']) or 'no roles'}"
                                f"\npermissions: {', '.join(data['permissions']) or 'none'}"
                                f"\ninbox: {data['for_you']} waiting for you, {data['yours']} of yours waiting")
