"""Strategy and targets: ``pmtui cycles``, ``pmtui alignment``, ``pmtui strategy-map``,
``pmtui targets ...`` (mid-cycle revisions) and ``pmtui excluded ...``."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table


@cli.group("cycles")
def cycles_group() -> None:
    """Planning cycles (fiscal years) in which unit KPIs are mapped to corporate objectives."""


@cycles_group.command("list")
@json_option
@pass_env
def cycles_list(env: Env, as_json: bool) -> None:
    """List the planning cycles, earliest first.

    Example: pmtui cycles list --json
    """
    from pmtui.services import strategy  # noqa: PLC0415

    rows = strategy.list_cycles(env.connect())
    emit(rows, as_json, lambda: table(rows, ["code", "name", "start_period", "end_period", "status", "objectives"]))


@cycles_group.command("add")
@click.option("--code", required=True, help="Cycle code, e.g. FY2026.")
@click.option("--name", required=True, help="Display name, e.g. 'Fiscal year 2026'.")
@click.option("--start", required=True, help="First period (YYYY-MM).")
@click.option("--end", required=True, help="Last period (YYYY-MM).")
@json_option
@pass_env
def cycles_add(env: Env, code: str, name: str, start: str, end: str, as_json: bool) -> None:
    """Add a planning cycle (needs group-wide edit_definitions).

    Example: pmtui --user mvega cycles add --code FY2027 --name "Fiscal year 2027" --start 2027-01 --end 2027-12
    """
    from pmtui.services import strategy  # noqa: PLC0415

    row = strategy.add_cycle(env.connect(), code, name, start, end, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"cycle {row['code']} added: {row['start_period']} .. {row['end_period']}")


@cli.command("alignment")
@click.option("--cycle", required=True, help="Planning cycle code (see 'pmtui cycles list').")
@json_option
@pass_env
def alignment_cmd(env: Env, cycle: str, as_json: bool) -> None:
    """Alignment report: unit KPIs reaching no corporate objective, unmeasured corporate objectives, coverage.

    Example: pmtui alignment --cycle FY2026 --json
    """
    from pmtui.services import strategy  # noqa: PLC0415

    data = strategy.alignment_report(env.connect(), cycle)

    def text() -> str:
        coverage = [c | {"share": "-" if c["share"] is None else f"{c['share']:.0%}"} for c in data["coverage"]]
        return "\n\n".join([
            f"{data['cycle']['code']} {data['cycle']['name']}: {data['unit_kpis']} unit KPI links",
            "Unit KPIs linked to no corporate objective:\n"
            + table(data["unaligned_kpis"], ["unit", "objective", "kpi", "stops_at", "why"]),
            "Corporate objectives no unit measures:\n" + table(data["unmeasured_objectives"],
                                                              ["code", "name", "perspective"]),
            "Coverage per perspective:\n" + table(coverage, ["perspective", "corporate", "measured", "share",
                                                              "aligned_kpis"])])
    emit(data, as_json, text)


@cli.command("strategy-map")
@click.option("--unit", default="GROUP", show_default=True, help="Unit code.")
@click.option("--period", default=None, help="Period whose statuses colour the map (default: latest with data).")
@json_option
@pass_env
def strategy_map_cmd(env: Env, unit: str, period: str | None, as_json: bool) -> None:
    """A unit's strategy map: objectives per perspective with status, and cause-and-effect links.

    Example: pmtui strategy-map --unit GROUP --json
    """
    from pmtui.services import strategy  # noqa: PLC0415

    model = strategy.strategy_map(env.connect(), unit, period)

    def text() -> str:
        lines = [f"{model.unit} {model.unit_name}, period {model.period or '-'}"]
        for lane in model.lanes:
            lines.append(f"{lane.name}: " + ", ".join(f"{n.code} [{n.status or 'no data'}]"
                                                     for n in model.in_lane(lane.code)))
        lines += [f"  {e.cause} -> {e.effect}" for e in model.edges]
        return "\n".join(lines)
    emit(model.to_dict(), as_json, text)


def _targets_group() -> click.Group:
    # Another area may own a "targets" group too: add to it rather than replace it.
    existing = cli.commands.get("targets")
    if isinstance(existing, click.Group):
        return existing

    @cli.group("targets")
    def targets_group() -> None:
        """Targets: mid-cycle revisions with a reason and a four-eyes decision."""
    return targets_group


targets_group = _targets_group()

REVISION_COLUMNS = ["id", "unit", "kpi", "period", "original_target", "revised_target", "current_target", "status",
                    "requested_by", "decided_by", "reason"]


@targets_group.command("revise")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--period", required=True, help="Period of the target (YYYY-MM).")
@click.option("--target", type=float, required=True, help="Revised target.")
@click.option("--amber", type=float, default=None, help="Revised amber threshold (default: moved with the target).")
@click.option("--target-high", type=float, default=None, help="Revised upper band edge (band KPIs).")
@click.option("--amber-high", type=float, default=None, help="Revised upper amber limit (band KPIs).")
@click.option("--reason", required=True, help="Why the target must change (kept with the revision).")
@json_option
@pass_env
def targets_revise(env: Env, kpi, unit, period, target, amber, target_high, amber_high, reason, as_json) -> None:
    """Request a mid-cycle revision of a target (needs edit_targets); someone else decides it.

    Example: pmtui --user jvandijk targets revise --kpi OTD_PCT --unit PLANT_A --period 2026-10 --target 92 --reason "supplier failure"
    """
    from pmtui.services import target_revisions  # noqa: PLC0415

    row = target_revisions.request(env.connect(), kpi, unit, period, target, amber, target_high, amber_high,
                                   reason=reason, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"revision {row['id']} requested: {kpi} {unit} {period} target"
                               f" {row['original_target']:g} -> {row['revised_target']:g} (awaiting a decision)")


@targets_group.command("decide")
@click.argument("revision_id", type=int)
@click.option("--approve/--reject", "approve", required=True, help="Approve (revises the target) or reject.")
@click.option("--note", default=None, help="Decision note.")
@json_option
@pass_env
def targets_decide(env: Env, revision_id: int, approve: bool, note: str | None, as_json: bool) -> None:
    """Approve or reject a revision (approve or edit_targets; never your own request).

    Example: pmtui --user knakamura targets decide 3 --approve --note "agreed in the October review"
    """
    from pmtui.services import target_revisions  # noqa: PLC0415

    row = target_revisions.decide(env.connect(), revision_id, approve=approve, note=note,
                                  actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"revision {row['id']} {row['status']}: {row['kpi']} {row['unit']} {row['period']}"
                               f" target now {row['current_target']:g}")


@targets_group.command("revisions")
@click.option("--unit", default=None, help="Only this unit.")
@click.option("--kpi", default=None, help="Only this KPI.")
@click.option("--status", type=click.Choice(["submitted", "approved", "rejected"]), default=None,
              help="Only revisions in this status.")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True, help="At most this many.")
@json_option
@pass_env
def targets_revisions(env: Env, unit, kpi, status, limit, as_json) -> None:
    """Target revisions, newest first: original against revised target, reason and decision.

    Example: pmtui targets revisions --unit PLANT_A --status approved --json
    """
    from pmtui.services import target_revisions  # noqa: PLC0415

    rows = target_revisions.revisions(env.connect(), unit=unit, kpi=kpi, status=status, limit=limit)
    emit(rows, as_json, lambda: table(rows, REVISION_COLUMNS))


@targets_group.command("revision-counts")
@json_option
@pass_env
def targets_revision_counts(env: Env, as_json: bool) -> None:
    """How often each unit revised targets: requested, approved, rejected, pending.

    Example: pmtui targets revision-counts --json
    """
    from pmtui.services import target_revisions  # noqa: PLC0415

    rows = target_revisions.revision_counts(env.connect())
    emit(rows, as_json, lambda: table(rows, ["unit", "unit_name", "requested", "approved", "rejected", "pending"]))


@cli.group("excluded")
def excluded_group() -> None:
    """The excluded-metrics register: what was considered and left out, why, who decided, when."""


@excluded_group.command("add")
@click.option("--name", required=True, help="The metric that was considered.")
@click.option("--reason", required=True, help="Why it was left out.")
@click.option("--cycle", default=None, help="Planning cycle the decision belongs to.")
@click.option("--description", default="", help="What the metric would have measured.")
@click.option("--confidential", is_flag=True, help="Keep the entry out of the published register.")
@json_option
@pass_env
def excluded_add(env: Env, name, reason, cycle, description, confidential, as_json) -> None:
    """Record a metric left out of the framework (needs group-wide edit_definitions).

    Example: pmtui --user demo excluded add --name "Website visits" --reason "vanity metric" --cycle FY2026
    """
    from pmtui.services import excluded  # noqa: PLC0415

    row = excluded.add(env.connect(), name, reason, cycle=cycle, description=description,
                       confidentiality="confidential" if confidential else "public",
                       actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"excluded metric {row['id']} recorded: {row['name']}")


@excluded_group.command("list")
@json_option
@pass_env
def excluded_list(env: Env, as_json: bool) -> None:
    """List the excluded-metrics register, latest decision first.

    Example: pmtui excluded list --json
    """
    from pmtui.services import excluded  # noqa: PLC0415

    rows = excluded.entries(env.connect())
    emit(rows, as_json, lambda: table(rows, ["id", "name", "cycle", "decided_by", "decided_on", "reason"]))
