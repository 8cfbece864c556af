"""The mini company with a long on-time-delivery series (a sustained drop) for revise-or-hold."""

from __future__ import annotations

import pytest

from pmtui.services import commentary
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from tests.builders import NOW

#: 16 months around 95 %, then 10 months around 88 %: a sustained shift from 2025-12.
OTD_VALUES = [95, 96, 94, 95, 97, 95, 94, 96, 95, 96, 95, 94, 96, 95, 94, 96,
              88, 87, 89, 88, 87, 86, 88, 89, 87, 88]
FIRST = "2024-08"


def _periods(n: int) -> list[str]:
    year, month = map(int, FIRST.split("-"))
    return [f"{year + (month - 1 + i) // 12:04d}-{(month - 1 + i) % 12 + 1:02d}" for i in range(n)]


def add_otd_series(conn, now=NOW) -> None:
    """KPI OTD at BU_A: targets 94 (amber 90) to 2026-12, the values above approved by bob."""
    a = {"actor": "system", "now": now}
    # The history predates the commentary rule (red or concern values need one to be approved).
    fw.set_setting(conn, commentary.POLICY_SETTING, "2030-01-01", **a)
    fw.create_kpi(conn, "OTD", name="On-time delivery", uom="%", direction="higher", perspective="CUS", **a)
    periods = _periods(len(OTD_VALUES))
    for period in periods + ["2026-10", "2026-11", "2026-12"]:
        fw.set_target(conn, "OTD", "BU_A", period, 94, 90, **a)
    for period, value in zip(periods, OTD_VALUES):
        ms.enter_value(conn, "OTD", "BU_A", period, str(value), submit=True, actor="ann", now=now)
        ms.decide(conn, "OTD", "BU_A", period, approve=True, actor="bob", now=now)


@pytest.fixture
def otd(mini):
    """The mini company with the OTD series."""
    add_otd_series(mini)
    return mini


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for the pilot tests)."""
    return demo_db
