"""Framework-design commands with fixed contracts: ``pmtui calendar periods`` and ``pmtui spc``."""

from __future__ import annotations

import sys

import click

from pmtui.cli import cli
from pmtui.cli.output import emit, json_option, table
from pmtui.services.errors import PmError


@cli.group("calendar")
def calendar_group() -> None:
    """Fiscal calendars: monthly with any start month, and 4-4-5 / 4-5-4 / 5-4-4 retail years."""


@calendar_group.command("periods")
@click.option("--pattern", type=click.Choice(["monthly", "4-4-5", "4-5-4", "5-4-4"]), required=True,
              help="Monthly, or a week-based retail pattern.")
@click.option("--year-end", type=click.Choice(["nearest", "last"]), default="nearest", show_default=True,
              help="Retail years end on the weekday nearest the month's end, or the last one in the month.")
@click.option("--weekday", default="saturday", show_default=True, help="Weekday retail years end on.")
@click.option("--month", type=click.IntRange(1, 12), required=True,
              help="Monthly: the first month of the year. Retail: the month the year ends in.")
@click.option("--fiscal-year", "year", type=int, required=True, help="The fiscal year's label.")
@click.option("--label", type=click.Choice(["start", "end"]), default="start", show_default=True,
              help="Label years by the calendar year they start in (NRF) or end in.")
@json_option
def calendar_periods(pattern, year_end, weekday, month, year, label, as_json) -> None:
    """Print a fiscal year's periods with their dates and week counts.

    Example: pmtui calendar periods --pattern 4-5-4 --year-end nearest --weekday saturday --month 1 --fiscal-year 2012 --json
    """
    from pmtui.core import calendars  # noqa: PLC0415

    try:
        spec = calendars.CalendarSpec(pattern, month, year_end=year_end, weekday=weekday.lower(), label=label)
        fiscal = calendars.fiscal_year(spec, year)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    data = fiscal.to_dict()
    emit(data, as_json, lambda: f"FY{data['fiscal_year']}: {data['start']} .. {data['end']}"
                                + (f", {data['weeks']} weeks" if data["weeks"] else "") + "\n"
                                + table(data["periods"], ["number", "start", "end", "weeks"]))


@cli.command("spc")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--improvement", type=click.Choice(["increase", "decrease", "neutral"]), default="increase",
              show_default=True, help="Which direction is better.")
@click.option("--no-screen-outliers", is_flag=True, help="Keep moving ranges of 3.267x the average or more.")
@click.option("--target", type=float, default=None, help="Target for the assurance icon.")
@click.option("--shift-length", type=click.IntRange(6, 8), default=7, show_default=True,
              help="Points on one side of the mean that make a shift.")
@click.option("--trend-length", type=click.IntRange(6, 8), default=7, show_default=True,
              help="Points rising or falling that make a trend.")
@click.option("--fix-after", type=click.IntRange(2, None), default=None,
              help="Fix the limits from the first N points.")
@json_option
def spc_cmd(file, improvement, no_screen_outliers, target, shift_length, trend_length, fix_after, as_json) -> None:
    """XmR chart (NHS Making Data Count rules) of a series in FILE ('-' for stdin).

    FILE is CSV with a 'value' column (and optionally 'period'), one row per point in
    time order.

    Example: pmtui spc otd.csv --json --improvement increase --target 95
    """
    from pmtui.core import spc  # noqa: PLC0415
    from pmtui.services import spc_input  # noqa: PLC0415

    values, labels = spc_input.read_series(file.read())
    try:
        result = spc.xmr(values, improvement=improvement, target=target, screen_outliers=not no_screen_outliers,
                         shift_length=shift_length, trend_length=trend_length, fix_after_n_points=fix_after)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    data = result.to_dict()
    for point, label in zip(data["points"], labels):
        if label is not None:
            point["period"] = label

    def text() -> str:
        head = (f"mean {data['mean']:.4g}  limits {data['lpl']:.4g} .. {data['upl']:.4g}  variation"
                f" {data['variation']}  assurance {data['assurance'] or '-'}")
        flagged = [dict(p, n=i + 1) for i, p in enumerate(data["points"]) if p["rule"]]
        return head + "\n" + (table(flagged, ["n", "period", "value", "special_cause", "rule"]) if flagged
                              else "no special cause")
    emit(data, as_json, text)
    _ = sys
