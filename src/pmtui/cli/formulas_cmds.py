"""Calculated KPIs: ``pmtui kpis formula`` and ``pmtui kpis recompute``.

``pmtui kpis`` (the list, :mod:`pmtui.cli.data_cmds`) keeps working: it is the group's
fallback subcommand ``pmtui kpis list``.
"""

from __future__ import annotations

import click

from pmtui.cli import data_cmds  # noqa: F401 - defines the 'kpis' command promoted here
from pmtui.cli.context import Env, pass_env
from pmtui.cli.fallback import promote
from pmtui.cli.output import emit, json_option
from pmtui.services.errors import PmError

kpis_group = promote("kpis", "list", """KPI definitions: the list ('pmtui kpis' = 'pmtui kpis list'), formulas.""")


@kpis_group.command("formula")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--set", "text", default=None, help="The formula, e.g. \"OPEX / REVENUE * 100\".")
@click.option("--clear", is_flag=True, help="Remove the formula.")
@json_option
@pass_env
def kpis_formula(env: Env, kpi: str, text: str | None, clear: bool, as_json: bool) -> None:
    """Set or clear a KPI's formula (checks syntax, KPI codes and cycles; edit_definitions; audited).

    Formulas use KPI codes, numbers, + - * /, parentheses and min, max, abs, avg,
    if_zero(x, fallback).

    Example: pmtui --user mvega kpis formula --kpi OPEX_RATIO --set "OPEX / REVENUE * 100"
    """
    from pmtui.services import formulas  # noqa: PLC0415

    if (text is None) == (not clear):
        raise PmError("give either --set \"EXPR\" or --clear")
    data = formulas.set_formula(env.connect(), kpi, None if clear else text, actor=env.acting_user(), now=env.now)
    emit(data, as_json, lambda: f"{kpi} = {data['formula']}" if data["formula"] else f"{kpi}: formula cleared")


@kpis_group.command("recompute")
@click.option("--kpi", default=None, help="Only this formula KPI (and those depending on it).")
@click.option("--period", default=None, help="Only this period (YYYY-MM).")
@json_option
@pass_env
def kpis_recompute(env: Env, kpi: str | None, period: str | None, as_json: bool) -> None:
    """Recompute calculated KPIs wherever all their inputs have approved values (audited).

    Example: pmtui --user mvega kpis recompute --kpi OPEX_RATIO --period 2026-08 --json
    """
    from pmtui.core import periods  # noqa: PLC0415
    from pmtui.services import formulas  # noqa: PLC0415

    if period:
        try:
            periods.parse(period)
        except ValueError as exc:
            raise PmError(str(exc)) from None
    data = formulas.recompute(env.connect(), kpi=kpi, period=period, actor=env.acting_user(), now=env.now)
    emit(data, as_json, lambda: f"recomputed {', '.join(data['kpis']) or 'nothing'}: {data['inserted']} new,"
                                f" {data['updated']} updated, {data['unchanged']} unchanged,"
                                f" {data['removed']} removed, {data['incomplete']} waiting for inputs,"
                                f" {data['no value']} without value")
