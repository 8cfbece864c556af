"""Measurement architecture: data sources, regional variants, freshness, readings,
unit calendars, qualitative assessments and settings (issue 3, M2.1-M2.6)."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.design_cmds import calendar_group
from pmtui.cli.output import emit, json_option, kpi_unit_period, table, refuse




@cli.group("sources")
def sources_group() -> None:
    """The data-source registry: systems that feed KPIs."""


@sources_group.command("list")
@json_option
@pass_env
def sources_list(env: Env, as_json: bool) -> None:
    """List data sources with the KPIs each one feeds.

    Example: pmtui sources list --json
    """
    from pmtui.services import sources  # noqa: PLC0415

    rows = sources.list_sources(env.connect())
    emit(rows, as_json, lambda: table(rows, ["code", "name", "system", "domain", "reliability", "latency_hours",
                                             "refresh", "kpis"]))


@sources_group.command("add")
@click.option("--code", required=True, help="Source code (upper case).")
@click.option("--name", required=True, help="What the source is.")
@click.option("--system", required=True, help="The system it comes from (e.g. SAP S/4HANA).")
@click.option("--domain", required=True, help="The IT domain that owns it.")
@click.option("--reliability", type=click.Choice(["high", "medium", "low"]), default="medium", show_default=True)
@click.option("--latency-hours", type=float, default=24.0, show_default=True,
              help="Hours between an event and its arrival.")
@click.option("--refresh", type=click.Choice(["realtime", "hourly", "daily", "weekly", "monthly"]),
              default="daily", show_default=True, help="How often the source delivers.")
@json_option
@pass_env
def sources_add(env: Env, code, name, system, domain, reliability, latency_hours, refresh, as_json) -> None:
    """Register a data source (needs edit_definitions group-wide).

    Example: pmtui --user mvega sources add --code SAP_ERP --name "SAP S/4 ERP" --system "SAP S/4HANA" --domain Finance --reliability high --latency-hours 24 --refresh daily
    """
    from pmtui.services import sources  # noqa: PLC0415

    conn = env.connect()
    sources.add_source(conn, code, name, system=system, domain=domain, reliability=reliability,
                       latency_hours=latency_hours, refresh=refresh, actor=env.acting_user(), now=env.now)
    row = next(s for s in sources.list_sources(conn) if s["code"] == code)
    emit(row, as_json, lambda: f"source {code} added")


@sources_group.command("link")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--source", required=True, help="Source code.")
@pass_env
def sources_link(env: Env, kpi, source) -> None:
    """Record which source feeds a KPI (needs edit_definitions group-wide).

    Example: pmtui --user mvega sources link --kpi REVENUE --source SAP_ERP
    """
    from pmtui.services import sources  # noqa: PLC0415

    conn = env.connect()
    sources.link_kpi(conn, kpi, source, actor=env.acting_user(), now=env.now)
    click.echo(f"{kpi} is fed by {source}")


@sources_group.command("reporting")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--mode", type=click.Choice(["periodic", "feed"]), default=None, help="Submitted by people, or a feed.")
@click.option("--due-days", type=click.IntRange(0, 120), default=None, help="Days after period end a value is due.")
@pass_env
def sources_reporting(env: Env, kpi, mode, due_days) -> None:
    """Set a KPI's reporting mode and due days (needs edit_definitions group-wide).

    Example: pmtui --user mvega sources reporting --kpi EMPTY_MILES_PCT --mode feed --due-days 1
    """
    from pmtui.services import sources  # noqa: PLC0415

    conn = env.connect()
    row = sources.set_reporting(conn, kpi, mode=mode, due_days=due_days, actor=env.acting_user(), now=env.now)
    click.echo(f"{kpi}: {row['reporting_mode']}, due {row['due_days']} days after period end")


@cli.group("variants")
def variants_group() -> None:
    """Regional variants of KPI definitions required by local regulation."""


@variants_group.command("add")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--unit", required=True, help="The unit (region) that reports under the variant.")
@click.option("--definition", required=True, help="The variant definition.")
@click.option("--regulation", required=True, help="The regulation that requires it.")
@json_option
@pass_env
def variants_add(env: Env, kpi, unit, definition, regulation, as_json) -> None:
    """Add or replace a unit's variant of a KPI definition; you are recorded as approver.

    Example: pmtui --user mvega variants add --kpi STAFF_TURNOVER --unit RGN_SOUTH --definition "..." --regulation "D.Lgs. 81/2015"
    """
    from pmtui.services import variants  # noqa: PLC0415

    conn = env.connect()
    row = variants.add_variant(conn, kpi, unit, definition, regulation, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"variant of {kpi} at {unit} ({row['changes']}):\n{row['diff']}")


@variants_group.command("list")
@click.option("--kpi", default=None, help="Only this KPI.")
@json_option
@pass_env
def variants_list(env: Env, kpi, as_json) -> None:
    """List variants with a word-level diff against the standard definition ([-removed-] {+added+}).

    Example: pmtui variants list --kpi STAFF_TURNOVER --json
    """
    from pmtui.services import variants  # noqa: PLC0415

    rows = variants.list_variants(env.connect(), kpi=kpi)
    emit(rows, as_json, lambda: "\n\n".join(
        f"{r['kpi']} at {r['unit']}: {r['regulation']} (approved by {r['approved_by']} on {r['approved_on']})\n"
        f"  {r['diff']}" for r in rows) or "(none)")


@cli.command("freshness")
@click.option("--unit", default=None, help="Only this unit and the units below it.")
@json_option
@pass_env
def freshness_cmd(env: Env, unit, as_json) -> None:
    """Stale data (missed due dates, late feeds) and conflicting readings as of today.

    Exits 0 whatever it finds: it is a report, not a check.

    Example: pmtui freshness --unit RGN_NORTH --json
    """
    from pmtui.services import freshness  # noqa: PLC0415

    data = freshness.report(env.connect(), env.now, unit)

    def text() -> str:
        return (f"as of {data['today']}: {len(data['stale'])} stale, {len(data['conflicting'])} conflicting\n\n"
                + table(data["stale"], ["kind", "unit", "kpi", "period", "due", "days_overdue", "status", "source",
                                        "hours_late"])
                + "\n\n" + table(data["conflicting"], ["unit", "kpi", "period", "first", "first_value", "second",
                                                      "second_value", "gap"]))
    emit(data, as_json, text)


@cli.group("readings")
def readings_group() -> None:
    """Readings of KPIs reported by source systems."""


@readings_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@pass_env
def readings_import(env: Env, file, as_json) -> None:
    """Validate FILE (CSV: kpi,unit,period,source,value) and import it in one transaction.

    Any bad row refuses the whole file ('row N, column C: reason'), exit code 1.

    Example: pmtui --user demo readings import erp-vs-dwh.csv
    """
    from pmtui.services import readings  # noqa: PLC0415
    from pmtui.services.errors import ValidationFailed  # noqa: PLC0415

    conn = env.connect()
    try:
        result = readings.import_readings(conn, file, actor=env.acting_user(), now=env.now)
    except ValidationFailed as exc:
        refuse(exc.problems, str(exc), as_json)
    emit(result | {"ok": True}, as_json,
         lambda: f"imported {result['rows']} readings ({result['added']} new, {result['replaced']} replaced)")


@calendar_group.command("set")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--pattern", type=click.Choice(["monthly", "4-4-5", "4-5-4", "5-4-4"]), required=True)
@click.option("--month", type=click.IntRange(1, 12), required=True,
              help="Monthly: the first month of the year. Retail: the month the year ends in.")
@click.option("--year-end", type=click.Choice(["nearest", "last"]), default="nearest", show_default=True)
@click.option("--weekday", default="saturday", show_default=True, help="Weekday retail years end on.")
@click.option("--label", type=click.Choice(["start", "end"]), default="start", show_default=True)
@json_option
@pass_env
def calendar_set(env: Env, unit, pattern, month, year_end, weekday, label, as_json) -> None:
    """Give a unit its fiscal calendar (due dates follow its period ends).

    Example: pmtui --user mvega calendar set --unit DC_NORTH --pattern 4-4-5 --month 12 --year-end last --weekday saturday
    """
    from pmtui.services import freshness  # noqa: PLC0415

    conn = env.connect()
    data = freshness.set_calendar(conn, unit, pattern, month, year_end=year_end, weekday=weekday, label=label,
                                  actor=env.acting_user(), now=env.now)
    emit(data, as_json, lambda: _calendar_text(data))


@calendar_group.command("show")
@click.option("--unit", required=True, help="Unit code.")
@json_option
@pass_env
def calendar_show(env: Env, unit, as_json) -> None:
    """Show a unit's fiscal calendar and its current fiscal year.

    Example: pmtui calendar show --unit DC_NORTH --json
    """
    from pmtui.services import freshness  # noqa: PLC0415

    data = freshness.show_calendar(env.connect(), unit, env.now.date())
    emit(data, as_json, lambda: _calendar_text(data))


def _calendar_text(data: dict) -> str:
    fy = data["fiscal_year"]
    return (f"{data['unit']}: {data['calendar']}" + (f" {data['spec']}" if data["spec"] else "")
            + f"\nFY{fy['fiscal_year']}: {fy['start']} .. {fy['end']}\n"
            + table(fy["periods"], ["number", "start", "end", "weeks"]))


@cli.command("assess")
@kpi_unit_period
@click.option("--rating", required=True, help="1 critical, 2 concern, 3 on track with risks, 4 on track, 5 ahead.")
@click.option("--comment", required=True, help="Why: what happened and what comes next.")
@json_option
@pass_env
def assess_cmd(env: Env, kpi, unit, period, rating, comment, as_json) -> None:
    """Rate a KPI at a unit for a period, with commentary (enter_data or approve for the unit).

    Example: pmtui --user jvandijk assess --kpi OTD_PCT --unit PLANT_A --period 2026-10 --rating 3 --comment "Carrier capacity tight until December"
    """
    from pmtui.services import assessments  # noqa: PLC0415

    conn = env.connect()
    row = assessments.assess(conn, kpi, unit, period, rating, comment, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: f"{kpi} {unit} {period}: {row['rating']} {row['label']}")


@cli.group("settings")
def settings_group() -> None:
    """Company-wide settings (scorecard_cap, conflict_tolerance, ...)."""


@settings_group.command("get")
@click.argument("name", required=False)
@json_option
@pass_env
def settings_get(env: Env, name, as_json) -> None:
    """Show one setting, or all of them with what they mean.

    Example: pmtui settings get scorecard_cap
    """
    from pmtui.services import settings  # noqa: PLC0415

    rows = settings.listing(env.connect())
    if name:
        rows = [r for r in rows if r["name"] == name] or [{"name": name, "value": None, "about": ""}]
    emit(rows if not name else rows[0], as_json,
         lambda: (rows[0]["value"] or "(not set)") if name else table(rows, ["name", "value", "about"]))


@settings_group.command("set")
@click.argument("name")
@click.argument("value")
@pass_env
def settings_set(env: Env, name, value) -> None:
    """Change a setting (needs administer).

    Example: pmtui --user mvega settings set scorecard_cap 25
    """
    from pmtui.services import settings  # noqa: PLC0415

    conn = env.connect()
    stored = settings.set_value(conn, name, value, actor=env.acting_user(), now=env.now)
    click.echo(f"{name} = {stored}")
