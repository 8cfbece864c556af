"""The framework as code and targets for new periods (issue 10).

``pmtui framework apply|export``, ``pmtui targets set|proposed|approve|reject`` and
``pmtui import targets``. Thin: the rules live in :mod:`pmtui.services.framework_code`,
:mod:`pmtui.services.target_proposals` and :mod:`pmtui.services.target_imports`.
"""

from __future__ import annotations

import sys

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.data_cmds import import_group
from pmtui.cli.context import writing
from pmtui.cli.output import emit, json_option, table, refuse
from pmtui.cli.strategy_cmds import targets_group

#: Lines of detail shown per kind in the text plan (the JSON has everything).
SHOWN = 20


@cli.group("framework")
def framework_group() -> None:
    """The framework as code: apply a TOML file, export the database to one."""


@framework_group.command("apply")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@json_option
@pass_env
def framework_apply(env: Env, file: str, dry_run: bool, as_json: bool) -> None:
    """Make the database match FILE (TOML): add and change elements, never delete.

    Prints the plan per kind: added, changed (field: old -> new), unchanged, and what the
    database has that the file does not mention (left alone). The whole plan is one
    transaction with its audit entries; applying the same file again changes nothing.
    Any problem in the file refuses all of it (exit 1), each named by element and field.

    Example: pmtui --user admin framework apply company.toml --dry-run
    """
    from pmtui.services import framework_code  # noqa: PLC0415

    text = framework_code.read_file(file)
    try:
        if dry_run:
            conn = env.connect()
            result = framework_code.apply(conn, text, actor=env.user or "system", now=env.now, dry_run=True,
                                          source=file)
        else:
            with writing(env) as (conn, actor, now):
                result = framework_code.apply(conn, text, actor=actor, now=now, source=file)
    except framework_code.FrameworkInvalid as exc:
        refuse(exc.problems, str(exc), as_json)
    emit(result.to_dict() | {"ok": True}, as_json, lambda: _plan_text(result))


def _plan_text(result) -> str:
    lines = []
    for kind, kp in result.plan.items():
        if not (kp.changes or kp.unchanged or kp.not_in_file):
            continue
        lines.append(f"{kind}: {len(kp.added)} added, {len(kp.changed)} changed, {kp.unchanged} unchanged,"
                     f" {len(kp.not_in_file)} not in file")
        details = [f"  + {k}" for k in kp.added]
        details += [f"  ~ {k}: " + "; ".join(f"{f}: {old!r} -> {new!r}" for f, (old, new) in c.items())
                    for k, c in kp.changed.items()]
        details += [f"  ? {k} (not in file, left alone)" for k in kp.not_in_file] if kind != "targets" else []
        lines += details[:SHOWN] + ([f"  ... and {len(details) - SHOWN} more (--json lists all)"]
                                    if len(details) > SHOWN else [])
    verb = "would change" if result.dry_run else "changed"
    lines.append(f"{verb} {result.changes} element(s); audit head {result.head_before} -> {result.head_after}")
    return "\n".join(lines)


@framework_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_env
def framework_export(env: Env, file: str, force: bool) -> None:
    """Write the whole framework to FILE as TOML ('-' for standard output), in a stable order.

    Exporting, applying the export to an empty file and exporting again gives the same
    bytes: the way a framework travels between files and into version control.

    Example: pmtui framework export company.toml
    """
    import os  # noqa: PLC0415

    from pmtui.services import framework_code  # noqa: PLC0415
    from pmtui.services.errors import PmError  # noqa: PLC0415

    text = framework_code.export(env.connect(), today=env.now.date())
    if file == "-":
        sys.stdout.write(text)
        return
    if os.path.exists(file) and not force:
        raise PmError(f"{file} exists; pass --force to overwrite it")
    with open(file, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    click.echo(f"wrote {file} ({len(text.encode()):,} bytes)")


@targets_group.command("set")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--from", "first", required=True, help="First period YYYY-MM.")
@click.option("--to", "last", default=None, help="Last period YYYY-MM (default: the first).")
@click.option("--target", type=float, required=True, help="Target (lower edge of the band for band KPIs).")
@click.option("--amber", type=float, default=None, help="Amber threshold.")
@click.option("--target-high", type=float, default=None, help="Upper edge of the band (band KPIs).")
@click.option("--amber-high", type=float, default=None, help="Upper amber limit (band KPIs).")
@json_option
@pass_env
def targets_set(env: Env, kpi, unit, first, last, target, amber, target_high, amber_high, as_json) -> None:
    """Propose a target for every reporting period from --from to --to.

    Someone else with edit_targets approves it ('pmtui targets approve --all'); only
    approved targets score. An approved target is changed with 'pmtui targets revise'.

    Example: pmtui --user lead targets set --kpi PCT_4H --unit RF4 --from 2026-04 --to 2027-03 --target 95 --amber 90
    """
    from pmtui.services import target_proposals  # noqa: PLC0415

    with writing(env) as (conn, actor, now):
        result = target_proposals.propose_range(conn, kpi, unit, first, last or first, target, amber, target_high,
                                                amber_high, actor=actor, now=now)
    emit(result, as_json, lambda: f"proposed {result['proposed']} target(s) of {kpi} at {unit}"
                                  f" {first}..{last or first} ({result['unchanged']} unchanged,"
                                  f" {result['replaced']} replaced); awaiting approval by someone else")


def _scope(fn):
    fn = click.option("--to", "last", default=None, help="Last period YYYY-MM.")(fn)
    fn = click.option("--from", "first", default=None, help="First period YYYY-MM.")(fn)
    fn = click.option("--kpi", default=None, help="Only this KPI.")(fn)
    return click.option("--unit", default=None, help="Only this unit.")(fn)


@targets_group.command("proposed")
@_scope
@click.option("--limit", type=click.IntRange(1, 10000), default=100, show_default=True, help="Rows per page.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Rows to skip.")
@json_option
@pass_env
def targets_proposed(env: Env, unit, kpi, first, last, limit, offset, as_json) -> None:
    """List targets proposed and awaiting approval.

    Example: pmtui targets proposed --unit RF4 --json
    """
    from pmtui.services import target_proposals  # noqa: PLC0415

    rows = target_proposals.pending(env.connect(), unit=unit, kpi=kpi, first=first, last=last, limit=limit,
                                    offset=offset)
    emit(rows, as_json, lambda: table(rows, ["id", "kpi", "unit", "period", "target", "amber", "proposed_by"]))


def _decide(env: Env, approve: bool, all_: bool, unit, kpi, first, last, reason, as_json) -> None:
    from pmtui.services import target_proposals  # noqa: PLC0415

    if not all_:
        raise click.UsageError("pass --all (with --unit, --kpi, --from, --to to narrow it) to decide proposed targets")
    with writing(env) as (conn, actor, now):
        result = target_proposals.decide_all(conn, approve=approve, unit=unit, kpi=kpi, first=first, last=last,
                                             reason=reason, actor=actor, now=now)
    verb = "approved" if approve else "rejected"
    emit(result, as_json, lambda: f"{verb} {result[verb]} proposed target(s); {result['skipped_own']} of your own"
                                  " skipped (four-eyes: someone else decides those)")


@targets_group.command("approve")
@click.option("--all", "all_", is_flag=True, help="Every proposed target that matches the filters.")
@_scope
@json_option
@pass_env
def targets_approve(env: Env, all_, unit, kpi, first, last, as_json) -> None:
    """Approve proposed targets (not your own) so that they score.

    Example: pmtui --user lead targets approve --all --unit RF4 --from 2026-04 --to 2027-03
    """
    _decide(env, True, all_, unit, kpi, first, last, None, as_json)


@targets_group.command("reject")
@click.option("--all", "all_", is_flag=True, help="Every proposed target that matches the filters.")
@_scope
@click.option("--reason", required=True, help="Why (kept in the audit trail).")
@json_option
@pass_env
def targets_reject(env: Env, all_, unit, kpi, first, last, reason, as_json) -> None:
    """Reject proposed targets (not your own), with a reason.

    Example: pmtui --user lead targets reject --all --unit RF4 --reason "too soft"
    """
    _decide(env, False, all_, unit, kpi, first, last, reason, as_json)


@import_group.command("targets")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@pass_env
def import_targets(env: Env, file: str, as_json: bool) -> None:
    """Validate FILE (CSV: kpi,unit,period,target,amber[,target_high,amber_high]) and propose its targets.

    All or nothing: any bad row refuses the file, each problem named by row and column,
    exit code 1, database unchanged. Someone else approves the proposals.

    Example: pmtui --user lead import targets fy2027.csv
    """
    from pmtui.services import target_imports  # noqa: PLC0415
    from pmtui.services.errors import ValidationFailed  # noqa: PLC0415

    try:
        with writing(env) as (conn, actor, now):
            result = target_imports.import_targets(conn, file, actor=actor, now=now)
    except ValidationFailed as exc:
        refuse(exc.problems, str(exc), as_json)
    emit(result | {"ok": True}, as_json, lambda: f"proposed {result['proposed']} target(s) from {result['file']}"
                                                 f" ({result['unchanged']} unchanged, {result['replaced']} replaced)")
