"""Commands over data: import, enter, approve, reject, queues, scorecards, users, KPIs."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, kpi_unit_period, table, refuse

PROGRESS_FROM_ROWS = 5000


@cli.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("measurements")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--status", type=click.Choice(["submitted", "draft"]), default="submitted", show_default=True,
              help="Status of the imported values (approval is a separate four-eyes step).")
@json_option
@pass_env
def import_measurements(env: Env, file: str, status: str, as_json: bool) -> None:
    """Validate FILE (CSV: unit,kpi,period,value[,comment]) and import it in one transaction.

    Any bad row refuses the whole file: each problem is listed as
    'row N, column C: reason', the exit code is 1 and the database is unchanged.

    Example: pmtui --user asmith import measurements october.csv
    """
    from pmtui.services import imports  # noqa: PLC0415
    from pmtui.services.errors import ValidationFailed  # noqa: PLC0415

    conn, actor = env.connect(), env.acting_user()
    lines = _count_lines(file)
    bar = click.progressbar(length=lines, label="importing", file=click.get_text_stream("stderr")) \
        if lines > PROGRESS_FROM_ROWS and not as_json else None
    try:
        if bar:
            with bar:
                result = imports.import_measurements(conn, file, actor=actor, now=env.now, status=status,
                                                     progress=bar.update)
        else:
            result = imports.import_measurements(conn, file, actor=actor, now=env.now, status=status)
    except ValidationFailed as exc:
        refuse(exc.problems, str(exc), as_json)
    emit(result.to_dict() | {"ok": True}, as_json,
         lambda: f"imported {result.rows:,} values ({result.status}) for {result.kpis} KPIs in {result.units}"
                 f" units, periods {result.first_period}..{result.last_period}; audit entry {result.audit_seq}")


def _count_lines(path: str) -> int:
    try:
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


@cli.command("enter")
@kpi_unit_period
@click.option("--value", required=True, help="The value (a decimal number).")
@click.option("--comment", default=None, help="Commentary for the value.")
@click.option("--submit", is_flag=True, help="Submit for approval instead of saving a draft.")
@json_option
@pass_env
def enter_cmd(env: Env, kpi, unit, period, value, comment, submit, as_json) -> None:
    """Enter one value as a draft (or --submit it for approval).

    Example: pmtui --user asmith enter --kpi REV --unit DE_DIST --period 2026-10 --value 1234.5 --submit
    """
    from pmtui.services import measurements  # noqa: PLC0415

    row = measurements.enter_value(env.connect(), kpi, unit, period, value, comment, submit=submit,
                                   actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"{kpi} {unit} {period} = {row['value']:g} ({row['status']})")


def _decision_command(approve: bool):
    verb = "approve" if approve else "reject"

    @click.option("--kpi", default=None, help="KPI code (with --all: only this KPI).")
    @click.option("--unit", default=None, help="Unit code (with --all: only exactly this unit).")
    @click.option("--period", default=None, help="Period YYYY-MM (with --all: only this period).")
    @click.option("--all", "every", is_flag=True, help=f"{verb.capitalize()} every submitted value that matches"
                                                       " --kpi/--unit/--period (none: all), skipping your own.")
    @click.option("--reason", required=not approve, default=None, help="Why (required to reject).")
    @json_option
    @pass_env
    def command(env: Env, kpi, unit, period, every, reason, as_json) -> None:
        if every:
            _decide_all(env, approve, kpi, unit, period, reason, as_json)
            return
        missing = [f"--{n}" for n, v in (("kpi", kpi), ("unit", unit), ("period", period)) if v is None]
        if missing:
            raise click.UsageError(f"Missing option(s) {', '.join(missing)}: locate one value, or use --all")
        from pmtui.services import measurements  # noqa: PLC0415

        row = measurements.decide(env.connect(), kpi, unit, period, approve=approve, reason=reason,
                                  actor=env.acting_user(), now=env.now)
        emit(row, as_json, lambda: f"{kpi} {unit} {period} {row['status']} by {row['decided_by']}")

    command.__doc__ = (f"{verb.capitalize()} a submitted value (four-eyes: not your own), or --all of them.\n\n"
                       "With --all, every submitted value matching the filters is decided in one transaction;"
                       " your own submissions and values another rule refuses (e.g. a missing commentary)"
                       " are skipped and listed.\n\n"
                       f"Example: pmtui --user bjones {verb} --kpi REV --unit DE_DIST --period 2026-10"
                       + ("" if approve else " --reason 'source system double-counted returns'"))
    return cli.command(verb)(command)


def _decide_all(env: Env, approve: bool, kpi, unit, period, reason, as_json: bool) -> None:
    """``approve --all`` / ``reject --all``: one transaction, skips listed."""
    from pmtui.cli.context import writing  # noqa: PLC0415
    from pmtui.services import bulk_decisions  # noqa: PLC0415

    with writing(env) as (conn, actor, now):
        data = bulk_decisions.decide_all(conn, approve=approve, reason=reason, unit=unit, kpi=kpi, period=period,
                                         actor=actor, now=now)

    def text() -> str:
        done = "approved" if approve else "rejected"
        lines = [f"{done} {data[done]:,} value(s)"]
        own, other = data["skipped_own"], data["skipped"]
        if own:
            lines.append(f"skipped {len(own):,} of your own (four-eyes: someone else decides them):")
            lines += [f"  {s['kpi']} {s['unit']} {s['period']}" for s in own[:20]]
        if other:
            lines.append(f"skipped {len(other):,} refused by another rule:")
            lines += [f"  {s['kpi']} {s['unit']} {s['period']}: {s['reason']}" for s in other[:20]]
        if len(own) > 20 or len(other) > 20:
            lines.append("(lists cut at 20: --json shows every value)")
        return "\n".join(lines)
    emit(data, as_json, text)


_decision_command(True)
_decision_command(False)


@cli.command("submissions")
@click.option("--status", type=click.Choice(["draft", "submitted", "approved", "rejected"]), default="submitted",
              show_default=True, help="Which values to list.")
@click.option("--limit", default=500, show_default=True, help="At most this many rows.")
@json_option
@pass_env
def submissions_cmd(env: Env, status: str, limit: int, as_json: bool) -> None:
    """List values by status (the approval queue by default).

    Example: pmtui submissions --status submitted --json
    """
    from pmtui.services import measurements  # noqa: PLC0415

    rows = measurements.queue(env.connect(), status, limit=limit)
    emit(rows, as_json, lambda: table(rows, ["kpi", "unit", "period", "value", "status", "submitted_by"]))


@cli.command("users")
@json_option
@pass_env
def users_cmd(env: Env, as_json: bool) -> None:
    """List users with the roles they hold today.

    Example: pmtui users --json
    """
    from pmtui.services import users  # noqa: PLC0415

    rows = users.list_users(env.connect(), env.now.date())
    emit(rows, as_json, lambda: table(rows, ["name", "display_name", "roles"]))


@cli.command("kpis")
@json_option
@pass_env
def kpis_cmd(env: Env, as_json: bool) -> None:
    """List KPI definitions.

    Example: pmtui kpis --json
    """
    conn = env.connect()
    rows = [dict(r) for r in conn.execute(
        "SELECT k.code, k.name, k.uom, k.direction, k.frequency, k.lead_lag, k.confidentiality,"
        " p.code AS perspective FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id ORDER BY k.code")]
    emit(rows, as_json, lambda: table(rows, ["code", "name", "uom", "direction", "perspective", "confidentiality"]))


@cli.command("scorecard")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--period", default=None, help="Period YYYY-MM (default: latest with data).")
@json_option
@pass_env
def scorecard_cmd(env: Env, unit: str, period: str | None, as_json: bool) -> None:
    """Print a unit's scorecard: perspectives, objectives, scores and statuses.

    Example: pmtui scorecard --unit GROUP --json
    """
    from dataclasses import asdict  # noqa: PLC0415

    from pmtui.core.scoring import format_score  # noqa: PLC0415
    from pmtui.services import scorecard  # noqa: PLC0415

    card = scorecard.build(env.connect(), unit, period)

    def text() -> str:
        lines = [f"{card.unit_name} ({card.unit}) {card.period}: {format_score(card.score)} {card.status or '-'}"
                 f"  pending values: {card.pending}"]
        for p in card.perspectives:
            lines.append(f"  {p.name}: {format_score(p.score)} {p.status or '-'}")
            for o in p.objectives:
                lines.append(f"    {o.code:<24} {format_score(o.score):>5} {o.status or '-':<6} {o.name}")
        return "\n".join(lines)

    emit(asdict(card), as_json, text)
