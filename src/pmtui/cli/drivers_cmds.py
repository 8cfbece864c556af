"""``pmtui drivers ...`` and ``pmtui kpi-assess``: leading/lagging KPIs, assessments and driver links."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table


@cli.group("drivers")
def drivers_group() -> None:
    """Driver links from leading to lagging KPIs, measured by lagged correlation on approved history."""


@drivers_group.command("list")
@json_option
@pass_env
def drivers_list(env: Env, as_json: bool) -> None:
    """List driver links with the pooled best lag, r, number of pairs and strength.

    Example: pmtui drivers list --json
    """
    from pmtui.services import drivers  # noqa: PLC0415

    data = [d.to_dict() for d in drivers.drivers(env.connect())]
    emit(data, as_json, lambda: table(data, ["leading", "lagging", "max_lag", "best_lag", "r", "n", "strength",
                                             "sign_ok", "units"]))


@drivers_group.command("add")
@click.option("--leading", required=True, help="Leading KPI code (the driver).")
@click.option("--lagging", required=True, help="Lagging KPI code (the outcome).")
@click.option("--max-lag", type=click.IntRange(0, 24), default=6, show_default=True,
              help="Largest lag tried, in months.")
@pass_env
def drivers_add(env: Env, leading: str, lagging: str, max_lag: int) -> None:
    """Link a leading KPI to the lagging KPI it should drive (needs edit_definitions at group level).

    Example: pmtui --user demo drivers add --leading PLANNED_MAINT --lagging MTTR --max-lag 6
    """
    from pmtui.services import drivers  # noqa: PLC0415

    drivers.add_driver(env.connect(), leading, lagging, max_lag, actor=env.acting_user(), now=env.now)
    click.echo(f"{leading} -> {lagging} linked (lags 0..{max_lag} months)")


@drivers_group.command("show")
@click.option("--leading", required=True, help="Leading KPI code.")
@click.option("--lagging", required=True, help="Lagging KPI code.")
@click.option("--max-lag", type=click.IntRange(0, 24), default=None,
              help="Largest lag (default: the link's, or 6).")
@json_option
@pass_env
def drivers_show(env: Env, leading: str, lagging: str, max_lag: int | None, as_json: bool) -> None:
    """Show r by lag for a pair of KPIs, pooled and per unit (the pair need not be linked).

    Example: pmtui drivers show --leading TRAINING_HOURS --lagging FPY_PCT --json
    """
    from pmtui.services import drivers  # noqa: PLC0415

    data = drivers.measure(env.connect(), leading, lagging, max_lag).to_dict(by_unit=True)

    def text() -> str:
        head = (f"{leading} -> {lagging}: best lag {data['best_lag']}, r {data['r']}, n {data['n']},"
                f" {data['strength']}, sign as expected: {data['sign_ok']}")
        rows = [{"lag": p["lag"], "pooled_r": p["r"], "n": p["n"]} | {
            u["unit"]: u["by_lag"][p["lag"]]["r"] for u in data["by_unit"]} for p in data["by_lag"]]
        return head + "\n" + table(rows, ["lag", "pooled_r", "n", *[u["unit"] for u in data["by_unit"]]])

    emit(data, as_json, text)


@drivers_group.command("assessments")
@json_option
@pass_env
def drivers_assessments(env: Env, as_json: bool) -> None:
    """List KPIs with their lead/lag class and recorded assessment (blank where not assessed).

    Example: pmtui drivers assessments --json
    """
    from pmtui.services import drivers  # noqa: PLC0415

    data = drivers.assessments(env.connect())
    emit(data, as_json, lambda: table(data, ["kpi", "lead_lag", "availability", "predictability",
                                             "actionability", "regulated", "assessed_by"]))


@cli.command("kpi-assess")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--availability", type=click.IntRange(1, 5), required=True, help="Data availability 1-5.")
@click.option("--predictability", type=click.IntRange(1, 5), required=True, help="Predictability 1-5.")
@click.option("--actionability", type=click.IntRange(1, 5), required=True, help="Actionability 1-5.")
@click.option("--regulated/--not-regulated", default=False, help="Reported to a regulator.")
@click.option("--notes", default="", help="Free-text notes.")
@json_option
@pass_env
def kpi_assess(env: Env, kpi: str, availability: int, predictability: int, actionability: int, regulated: bool,
               notes: str, as_json: bool) -> None:
    """Record a KPI's assessment (needs edit_definitions at group level); replaces an earlier one.

    List them with 'pmtui drivers assessments'.

    Example: pmtui --user demo kpi-assess --kpi FPY_PCT --availability 4 --predictability 4 --actionability 5 --notes "MES counts"
    """
    from pmtui.services import drivers  # noqa: PLC0415

    row = drivers.assess(env.connect(), kpi, availability=availability, predictability=predictability,
                         actionability=actionability, regulated=regulated, notes=notes, actor=env.acting_user(),
                         now=env.now)
    emit(row, as_json, lambda: f"{kpi} assessed: availability {availability}, predictability {predictability},"
                               f" actionability {actionability}{', regulated' if regulated else ''}")
