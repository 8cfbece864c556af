"""Control assessments, the auditor pack and element history: ``pmtui controls ...``,
``pmtui auditor-pack OUT/`` and ``pmtui audit history``."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.audit_cmds import audit
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table

FINDING_COLUMNS = ["severity", "control", "element", "detail"]
LIST_COLUMNS = ["id", "quarter", "status", "run_by", "run_at", "high", "medium", "low", "info", "signed_off_by"]




def _assessment_text(a: dict) -> str:
    state = (f"signed off by {a['signed_off_by']} on {a['signed_off_at']}: {a['sign_off_note']}"
             if a["status"] == "signed_off" else "open: awaiting sign-off")
    lines = [f"Assessment {a['id']} of {a['quarter']}, run by {a['run_by']} at {a['run_at']}"
             f" (audit trail through entry {a['audit_seq']})", f"Status: {state}", f"Summary: {a['summary']}",
             "", "Controls:", table(a["controls"], ["control", "area", "findings", "checked"]),
             "", "Findings:", table(a["findings"], FINDING_COLUMNS)]
    if not a["latest_for_quarter"]:
        lines.insert(2, f"Superseded: {a['quarter']} was assessed again later (see 'pmtui controls list')")
    return "\n".join(lines)


@cli.group("controls")
def controls_group() -> None:
    """Quarterly control assessments of data integrity and access, with findings and sign-off."""


@controls_group.command("run")
@click.option("--quarter", required=True, help="Quarter to assess, e.g. 2026Q3.")
@click.option("--skip-verify", is_flag=True, help="Do not verify the audit trail (recorded as a finding).")
@json_option
@pass_env
def controls_run(env: Env, quarter: str, skip_verify: bool, as_json: bool) -> None:
    """Run the controls for a quarter and record a new assessment (needs view group-wide).

    Checks integrity (PRAGMA integrity_check, audit chain/anchor/replay, orphan rows,
    four-eyes breaches, approved values changed without an approved correction, direct
    target edits) and access (segregation of duties, administrators, dormant accounts,
    vacant roles, refused attempts). Running a quarter again keeps the earlier assessment.

    Example: pmtui --user hmeyer controls run --quarter 2026Q3 --json
    """
    from pmtui.services import controls  # noqa: PLC0415

    result = controls.run(env.connect(), quarter, actor=env.acting_user(), now=env.now, verify_trail=not skip_verify)
    emit(result, as_json, lambda: _assessment_text(result))


@controls_group.command("list")
@click.option("--quarter", default=None, help="Only this quarter's assessments, e.g. 2026Q3.")
@json_option
@pass_env
def controls_list(env: Env, quarter: str | None, as_json: bool) -> None:
    """List the assessments, latest first, with finding counts by severity.

    Example: pmtui controls list --json
    """
    from pmtui.services import controls  # noqa: PLC0415

    rows = controls.list_assessments(env.connect(), quarter=quarter)
    emit(rows, as_json, lambda: table(rows, LIST_COLUMNS))


@controls_group.command("show")
@click.argument("assessment_id")
@json_option
@pass_env
def controls_show(env: Env, assessment_id: str, as_json: bool) -> None:
    """Show one assessment: what each control checked and its findings, most severe first.

    Example: pmtui controls show 1 --json
    """
    from pmtui.services import controls  # noqa: PLC0415

    result = controls.show(env.connect(), assessment_id)
    emit(result, as_json, lambda: _assessment_text(result))


@controls_group.command("sign-off")
@click.argument("assessment_id")
@click.option("--note", required=True, help="What was reviewed and what follows (kept with the sign-off).")
@json_option
@pass_env
def controls_sign_off(env: Env, assessment_id: str, note: str, as_json: bool) -> None:
    """Sign off an open assessment (approve group-wide or administer; not the person who ran it).

    Example: pmtui --user knakamura controls sign-off 1 --note "Reviewed with the audit committee"
    """
    from pmtui.services import controls  # noqa: PLC0415

    result = controls.sign_off(env.connect(), assessment_id, note, actor=env.acting_user(), now=env.now)
    emit(result, as_json, lambda: f"assessment {result['id']} ({result['quarter']}) signed off by"
                                  f" {result['signed_off_by']}")


@audit.command("history")
@click.option("--entity", default=None, help="Audited table of the element, e.g. measurements.")
@click.option("--key", default=None, help="The element's key (its id) in that table.")
@click.option("--kpi", default=None, help="KPI code: alone the KPI definition; with --unit and --period the value.")
@click.option("--unit", default=None, help="Unit code (with --kpi and --period: the measurement; alone: the unit).")
@click.option("--period", default=None, help="Period YYYY-MM (with --kpi and --unit).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html"]), default=None,
              help="Output format (default: from the --out file's extension, else text).")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, help="Write to this file.")
@json_option
@pass_env
def audit_history(env: Env, entity, key, kpi, unit, period, fmt, out, as_json) -> None:
    """Printable history of one element from its first audit entry: old -> new, who, when, why.

    Example: pmtui audit history --kpi OTD_PCT --unit PLANT_A --period 2026-09 --format md --out otd.md
    """
    from pmtui.services import audit_history, history_report  # noqa: PLC0415

    conn = env.connect()
    element = audit_history.element_of(conn, entity=entity, key=key, kpi=kpi, unit=unit, period=period)
    hist = audit_history.history(conn, element)
    if as_json:
        emit(hist.to_dict(), True)
        return
    fmt = fmt or (history_report.format_for(out) if out else "text")
    if out:
        path = history_report.write(hist, out, fmt, now=env.now, actor=env.user)
        click.echo(f"history of {element.label} ({len(hist.entries)} entries) written to {path}")
        return
    click.echo(history_report.render(hist, fmt, now=env.now, actor=env.user), nl=False)


@cli.command("auditor-pack")
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--include-confidential", is_flag=True, help="Include confidential KPIs (left out by default).")
@click.option("--force", is_flag=True, help="Write into OUT even when it is not empty (replacing the pack's files).")
@json_option
@pass_env
def auditor_pack_cmd(env: Env, out: str, include_confidential: bool, force: bool, as_json: bool) -> None:
    """Write the auditor pack to the folder OUT: Markdown and HTML documents of every KPI's
    calculation policy, the review cycles, the control assessments and the audit trail.

    Example: pmtui --db demo/pmtui-demo.db auditor-pack share/auditor-pack-2026Q3
    """
    from pmtui.services import auditor_pack  # noqa: PLC0415

    result = auditor_pack.write_pack(env.connect(), out, now=env.now, include_confidential=include_confidential,
                                     force=force)
    emit(result, as_json, lambda: f"auditor pack written to {result['path']}: {len(result['files'])} files,"
                                  f" {result['kpis']} KPIs" + (f" ({result['left_out']} confidential KPIs left out)"
                                                               if result["left_out"] else "")
                                  + f"; open {result['index']}")
