"""SPC in the product: ``pmtui spc refresh | settings | mode | summary | signals``.

``pmtui spc FILE.csv`` (the chart of a CSV series, :mod:`pmtui.cli.design_cmds`) keeps
working: it is the group's fallback subcommand ``pmtui spc chart``.
"""

from __future__ import annotations

import click

from pmtui.cli import design_cmds  # noqa: F401 - defines the 'spc' command promoted here
from pmtui.cli.context import Env, pass_env
from pmtui.cli.fallback import promote
from pmtui.cli.output import emit, json_option, table

spc_group = promote("spc", "chart", """Statistical process control (XmR charts, NHS Making Data Count rules).

'pmtui spc FILE.csv' charts a CSV series (same as 'pmtui spc chart FILE.csv'); the
other subcommands work on the approved values in the database.""")

SUMMARY_COLUMNS = ["kpi", "points", "variation", "assurance", "last_rule", "spc_mode", "warning"]
SIGNAL_COLUMNS = ["unit", "kpi", "period", "value", "rule", "assurance"]


@spc_group.command("refresh")
@json_option
@pass_env
def spc_refresh(env: Env, as_json: bool) -> None:
    """Recompute the SPC caches (spc_results, spc_summary) from every approved value.

    The caches are derived and not audited; this rebuilds them in one transaction.

    Example: pmtui --db demo/pmtui-demo.db spc refresh --json
    """
    from pmtui.services import spc  # noqa: PLC0415

    result = spc.refresh(env.connect())
    emit(result.to_dict(), as_json, lambda: f"SPC refreshed: {result.series:,} series, {result.points:,} points,"
                                            f" {result.flagged:,} flagged, in {result.seconds:.2f} s")


@spc_group.command("settings")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--baseline-points", type=click.IntRange(2, None), default=None,
              help="Fix the limits after this many points.")
@click.option("--no-baseline", is_flag=True, help="Compute the limits from every point again.")
@click.option("--rebase", default=None, help="Comma-separated YYYY-MM periods where the limits are recalculated"
                                             " ('' clears them).")
@click.option("--screen-outliers/--no-screen-outliers", default=None,
              help="Screen moving ranges of 3.267x the average or more (default on).")
@click.option("--shift-length", type=click.IntRange(6, 8), default=None, help="Points on one side of the mean.")
@click.option("--trend-length", type=click.IntRange(6, 8), default=None, help="Points rising or falling.")
@json_option
@pass_env
def spc_settings(env: Env, kpi, unit, baseline_points, no_baseline, rebase, screen_outliers, shift_length,
                 trend_length, as_json) -> None:
    """Show or change the SPC settings of a KPI at a unit (edit_definitions; audited).

    Without options, prints the current settings.

    Example: pmtui --user mvega spc settings --kpi OTD_PCT --unit PLANT_B --rebase 2025-11 --shift-length 7
    """
    from pmtui.services import spc  # noqa: PLC0415
    from pmtui.services.framework import id_of  # noqa: PLC0415

    conn = env.connect()
    changes = {k: v for k, v in {"baseline_points": baseline_points, "rebase": rebase,
                                 "screen_outliers": screen_outliers, "shift_length": shift_length,
                                 "trend_length": trend_length}.items() if v is not None}
    if no_baseline:
        changes["baseline_points"] = None
    if changes:
        row = spc.set_settings(conn, kpi, unit, actor=env.acting_user(), now=env.now, **changes)
    else:
        row = spc.settings_of(conn, id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit"))
    data = {k: row[k] for k in spc.DEFAULTS} | {"kpi": kpi, "unit": unit}
    emit(data, as_json, lambda: "\n".join(f"{k}: {'-' if v in (None, '') else v}" for k, v in data.items()))


@spc_group.command("mode")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--on/--off", "on", required=True, help="Intervention follows SPC (on) or fixed thresholds (off).")
@json_option
@pass_env
def spc_mode(env: Env, kpi: str, on: bool, as_json: bool) -> None:
    """Let a KPI's scorecard status follow its XmR chart (edit_definitions; audited).

    Example: pmtui --user mvega spc mode --kpi OTD_PCT --on
    """
    from pmtui.services import spc  # noqa: PLC0415

    data = spc.set_mode(env.connect(), kpi, on, actor=env.acting_user(), now=env.now)
    emit(data, as_json, lambda: f"{kpi}: SPC mode {'on' if data['spc_mode'] else 'off'}")


@spc_group.command("summary")
@click.option("--unit", required=True, help="Unit code.")
@json_option
@pass_env
def spc_summary(env: Env, unit: str, as_json: bool) -> None:
    """Variation and assurance of every KPI at a unit (from the last refresh).

    Example: pmtui spc summary --unit PLANT_B --json
    """
    from pmtui.services import spc_reads  # noqa: PLC0415

    rows = spc_reads.summary(env.connect(), unit)
    emit(rows, as_json, lambda: table(rows, SUMMARY_COLUMNS))


@spc_group.command("signals")
@click.option("--unit", default=None, help="Only this unit.")
@json_option
@pass_env
def spc_signals(env: Env, unit: str | None, as_json: bool) -> None:
    """KPIs whose latest point is a special-cause concern (the SPC alerts).

    Example: pmtui spc signals --unit PLANT_B --json
    """
    from pmtui.services import spc_reads  # noqa: PLC0415

    rows = spc_reads.signals(env.connect(), unit)
    emit(rows, as_json, lambda: table(rows, SIGNAL_COLUMNS))
