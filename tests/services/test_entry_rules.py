"""One rule for typed and imported values: the KPI's declared range and no future period.

The rule is pure (:mod:`pmtui.core.validation`); ``measurements.enter_value`` and the CSV
import's validator both apply it and refuse with the same message.
"""

from __future__ import annotations

import pytest

from pmtui.core import validation
from pmtui.services import framework as fw
from pmtui.services import imports
from pmtui.services import measurements as ms
from pmtui.services.errors import PmError, ValidationFailed

RANGE = "OTD is measured in % (0 to 100): {} is outside that range"


@pytest.mark.parametrize(("uom", "bounds"), [("%", (0.0, 100.0)), (" % ", (0.0, 100.0)), ("% YoY", None),
                                             ("EUR k", None), ("", None), (None, None)])
def test_declared_range(uom, bounds):
    assert validation.declared_range(uom) == bounds


@pytest.mark.parametrize(("value", "uom", "error"), [
    (0.0, "%", None),
    (100.0, "%", None),
    (99.99, "%", None),
    (100.01, "%", "OTD is measured in % (0 to 100): 100.01 is outside that range"),
    (-0.5, "%", "OTD is measured in % (0 to 100): -0.5 is outside that range"),
    (1500.5, "%", "OTD is measured in % (0 to 100): 1500.5 is outside that range"),
    (-3.2, "% YoY", None),  # a growth rate declares another unit
    (1e9, "EUR k", None),
])
def test_check_range(value, uom, error):
    if error is None:
        assert validation.check_range(value, kpi="OTD", uom=uom) == value
    else:
        with pytest.raises(ValueError) as caught:
            validation.check_range(value, kpi="OTD", uom=uom)
        assert str(caught.value) == error


@pytest.mark.parametrize(("period", "problem"), [
    ("2026-11", None),  # the current, still open, period
    ("2026-10", None),
    ("1999-01", None),
    ("2026-12", "2026-12 is in the future (latest allowed 2026-11)"),
    ("2027-01", "2027-01 is in the future (latest allowed 2026-11)"),
    ("2026-13", "'2026-13' is not a period YYYY-MM"),
    ("Nov 2026", "'Nov 2026' is not a period YYYY-MM"),
])
def test_period_problem(period, problem):
    assert validation.period_problem(period, "2026-11") == problem


@pytest.fixture
def otd(mini, now):
    """The mini company with a KPI in %."""
    fw.create_kpi(mini, "OTD", name="On-time delivery", uom="%", direction="higher", perspective="INT",
                  actor="system", now=now)
    return mini


def _counts(conn):
    return conn.execute("SELECT (SELECT count(*) FROM measurements), (SELECT count(*) FROM audit_log)").fetchone()[:]


@pytest.mark.parametrize(("kpi", "period", "value", "error"), [
    ("OTD", "2026-10", "100.5", RANGE.format("100.5")),
    ("OTD", "2026-10", "-1", RANGE.format("-1")),
    ("OTD", "2026-12", "95", "2026-12 is in the future (latest allowed 2026-11)"),
    ("REV", "2027-03", "95", "2027-03 is in the future (latest allowed 2026-11)"),
])
def test_enter_value_refuses_before_writing(otd, now, kpi, period, value, error):
    before = _counts(otd)
    with pytest.raises(PmError) as caught:
        ms.enter_value(otd, kpi, "BU_A", period, value, actor="ann", now=now)
    assert str(caught.value) == error
    assert _counts(otd) == before


def test_enter_value_accepts_the_bounds_and_the_current_period(otd, now):
    assert ms.enter_value(otd, "OTD", "BU_A", "2026-11", "100", actor="ann", now=now)["value"] == 100
    assert ms.enter_value(otd, "OTD", "BU_A", "2026-10", "0", actor="ann", now=now)["value"] == 0
    assert ms.enter_value(otd, "REV", "BU_A", "2026-10", "1500.5", actor="ann", now=now)["value"] == 1500.5


def test_current_value(otd, now):
    assert ms.current_value(otd, "OTD", "BU_A", "2026-10") is None
    ms.enter_value(otd, "OTD", "BU_A", "2026-10", "93.5", "late trucks", actor="ann", now=now)
    assert ms.current_value(otd, "OTD", "BU_A", "2026-10") == {
        "value": 93.5, "status": "draft", "comment": "late trucks", "entered_by": "ann",
        "entered_at": "2026-11-26T09:00:00Z"}
    assert ms.current_value(otd, "REV", "BU_A", "2026-08")["status"] == "approved"
    with pytest.raises(PmError, match="not in the form YYYY-MM"):
        ms.current_value(otd, "OTD", "BU_A", "2026-13")
    with pytest.raises(PmError, match="unknown KPI"):
        ms.current_value(otd, "NOPE", "BU_A", "2026-10")


def test_import_refuses_out_of_range_values_with_the_same_message(otd, now, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("unit,kpi,period,value\nBU_A,OTD,2026-10,95\nBU_A,OTD,2026-09,101.8\nBU_A,REV,2026-10,1500\n"
                    "BU_A,OTD,2026-08,-2\n")
    before = _counts(otd)
    with pytest.raises(ValidationFailed) as caught:
        imports.import_measurements(otd, path, actor="ann", now=now)
    assert [str(p) for p in caught.value.problems] == [
        f"row 3, column value: {RANGE.format('101.8')}", f"row 5, column value: {RANGE.format('-2')}"]
    assert _counts(otd) == before
    path.write_text("unit,kpi,period,value\nBU_A,OTD,2026-10,95\nBU_A,OTD,2026-09,100\nBU_A,REV,2026-10,1500\n")
    assert imports.import_measurements(otd, path, actor="ann", now=now).rows == 3
