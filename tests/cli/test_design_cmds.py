"""The fixed CLI contracts of ``pmtui calendar periods`` and ``pmtui spc``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pmtui.cli import cli


def _run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_calendar_contract_nrf_2012():
    result = _run("calendar", "periods", "--pattern", "4-5-4", "--year-end", "nearest", "--weekday", "saturday",
                  "--month", "1", "--fiscal-year", "2012", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in ("fiscal_year", "start", "end", "weeks")} == {
        "fiscal_year": 2012, "start": "2012-01-29", "end": "2013-02-02", "weeks": 53}
    assert data["periods"][0] == {"number": 1, "start": "2012-01-29", "end": "2012-02-25", "weeks": 4}
    assert [p["weeks"] for p in data["periods"]] == [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 5]


@pytest.mark.parametrize("year, start, end, weeks", [
    (2017, "2017-01-29", "2018-02-03", 53), (2018, "2018-02-04", "2019-02-02", 52),
    (2023, "2023-01-29", "2024-02-03", 53), (2024, "2024-02-04", "2025-02-01", 52)])
def test_calendar_reproduces_nrf_years(year, start, end, weeks):
    data = json.loads(_run("calendar", "periods", "--pattern", "4-5-4", "--month", "1", "--fiscal-year", str(year),
                           "--json").output)
    assert (data["start"], data["end"], data["weeks"]) == (start, end, weeks)


def test_calendar_monthly_april_and_end_label():
    data = json.loads(_run("calendar", "periods", "--pattern", "monthly", "--month", "4", "--fiscal-year", "2024",
                           "--json").output)
    assert (data["start"], data["end"], len(data["periods"]), data["weeks"]) == ("2024-04-01", "2025-03-31", 12, None)
    ended = json.loads(_run("calendar", "periods", "--pattern", "monthly", "--month", "4", "--fiscal-year", "2025",
                            "--label", "end", "--json").output)
    assert ended["start"] == "2024-04-01"


def test_calendar_bad_weekday_is_a_clear_error():
    result = _run("calendar", "periods", "--pattern", "4-4-5", "--month", "1", "--fiscal-year", "2020",
                  "--weekday", "funday")
    assert result.exit_code == 1 and "weekday" in result.output


SERIES = "period,value\n" + "\n".join(f"2024-{m:02d},{v}" for m, v in enumerate(
    [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 10, 25], start=1)) + "\n"


def test_spc_contract_json_from_stdin():
    result = _run("spc", "-", "--json", "--improvement", "decrease", "--target", "9", input=SERIES)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"mean", "upl", "lpl", "points", "variation", "assurance"} <= set(data)
    last = data["points"][-1]
    assert (last["rule"], last["special_cause"], last["period"]) == ("outside_limits", "concern", "2024-12")
    assert data["variation"] == "special_cause_concern"
    assert all(set(p) >= {"value", "special_cause", "rule"} for p in data["points"])


def test_spc_screening_switch_changes_limits(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(SERIES)
    screened = json.loads(_run("spc", str(path), "--json").output)
    unscreened = json.loads(_run("spc", str(path), "--json", "--no-screen-outliers").output)
    assert unscreened["upl"] > screened["upl"]


@pytest.mark.parametrize("text, message", [("value\n1\nabc\n", "row 3, column value"),
                                           ("v\n1\n", "row 1, column value: required column is missing"),
                                           ("value\n", "no data rows")])
def test_spc_bad_input(text, message):
    result = _run("spc", "-", input=text)
    assert result.exit_code == 1 and message in result.output
