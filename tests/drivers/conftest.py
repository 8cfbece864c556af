"""Two KPIs on the mini company whose history carries a known lag: YIELD[t] = TRAIN[t-2] + noise."""

from __future__ import annotations

import random

import pytest

from pmtui.core.periods import shift
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from tests.builders import NOW

#: The lag built into the series (months).
TRUE_LAG = 2
#: Months of history per unit.
MONTHS = 24


def build_driver_history(conn, now=NOW) -> None:
    """TRAIN (leading, higher) and YIELD (lagging, higher) at BU_A and confidential BU_B, approved by bob."""
    a = {"actor": "system", "now": now}
    fw.create_kpi(conn, "TRAIN", name="Training hours", direction="higher", lead_lag="leading", perspective="LRN", **a)
    fw.create_kpi(conn, "YIELD", name="First-pass yield", direction="higher", perspective="INT", **a)
    rng = random.Random(5)
    periods = [shift("2024-01", i) for i in range(MONTHS)]
    for unit in ("BU_A", "BU_B"):
        x = {p: 10 + rng.gauss(0, 2) for p in periods}
        values = [("TRAIN", p, x[p]) for p in periods]
        values += [("YIELD", p, 50 + 3 * x[shift(p, -TRUE_LAG)] + rng.gauss(0, 1)) for p in periods[TRUE_LAG:]]
        for kpi, period, value in values:
            ms.enter_value(conn, kpi, unit, period, f"{value:.3f}", submit=True, actor="admin", now=now)
            ms.decide(conn, kpi, unit, period, approve=True, actor="bob", now=now)


@pytest.fixture
def lagged(mini):
    """The mini company with the TRAIN -> YIELD history."""
    build_driver_history(mini)
    return mini


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for the pilot tests)."""
    return demo_db
