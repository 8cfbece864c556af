"""The mini company with accountability data, built through the area's services.

* KPIs ``SAND`` (higher) and ``HUG`` (lower) at BU_A with two years of approved values:
  SAND's next target (2026-10) is 20 % below what BU_A shows (sandbagging); HUG's targets of
  the last twelve months sit just above each result (hugging). UNIT_HEAD-like ``HEAD`` has an
  incentive on HUG.
* RACI complete for REV, none for DEFECTS; SAND's validation has two Accountables.
* Escalation: process = ANALYST (business unit) -> HEAD (region, 5 days); individual = HEAD
  (business unit) -> ADMIN (group, 3 days).
"""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.core import periods
from pmtui.services import escalation, incentives, raci
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.store.db import connect
from tests.builders import NOW

FIRST, LAST = "2024-10", "2026-09"
NOISY = [80, 95, 110, 88, 104, 120, 76, 99, 115, 85, 108, 92]
FLAT = [100, 102, 98, 101, 99, 100, 100, 99, 101, 98, 102, 100]
HUGGED = [99.5, 99, 99.8, 98.5, 100, 99.2, 98.1, 99.9, 99.6, 98.8, 99.4, 99]


def build_governance(conn, now=NOW) -> None:
    """Add the accountability data described in the module docstring."""
    a = {"actor": "admin", "now": now}
    fw.create_kpi(conn, "SAND", name="Sandbagged output", direction="higher", perspective="INT", **a)
    fw.create_kpi(conn, "HUG", name="Hugged cost", direction="lower", perspective="INT", **a)
    months = periods.span(FIRST, LAST)
    for kpi, values in (("SAND", FLAT + FLAT), ("HUG", NOISY + HUGGED)):
        for period, value in zip(months, values):
            ms.enter_value(conn, kpi, "BU_A", period, value, submit=True, actor="ann", now=now)
            ms.decide(conn, kpi, "BU_A", period, approve=True, actor="bob", now=now)
    for period, value in zip(months[12:], HUGGED):
        fw.set_target(conn, "HUG", "BU_A", period, round(value * 1.004 + 0.05, 2), value + 5, **a)
    fw.set_target(conn, "SAND", "BU_A", "2026-10", 80, 70, **a)
    for activity, role, letter in (("create", "ANALYST", "R"), ("create", "HEAD", "A"), ("validate", "HEAD", "R"),
                                   ("validate", "ADMIN", "A"), ("report", "ANALYST", "R"), ("report", "HEAD", "A"),
                                   ("challenge", "ADMIN", "R"), ("challenge", "HEAD", "A")):
        raci.set_entry(conn, kpi=["REV", "SAND", "HUG"], activity=activity, role=role, letter=letter, **a)
    raci.set_entry(conn, kpi="SAND", activity="validate", role="ANALYST", letter="A", **a)
    for c, step, days, level, role in (("process", 1, 0, "business_unit", "ANALYST"),
                                       ("process", 2, 5, "region", "HEAD"),
                                       ("individual", 1, 0, "business_unit", "HEAD"),
                                       ("individual", 2, 3, "group", "ADMIN")):
        escalation.set_rule(conn, c, step, days, level, role, **a)
    incentives.set_link(conn, "HEAD", "HUG", 0.5, **a)


@pytest.fixture
def gov(mini):
    """The mini company with the accountability data."""
    build_governance(mini)
    return mini


@pytest.fixture
def gov_db(tmp_path):
    """A file holding the mini company with the accountability data (and its anchor)."""
    from pmtui.services import anchor
    from tests.builders import build_mini

    path = tmp_path / "gov.db"
    conn = connect(path)
    build_mini(conn)
    build_governance(conn)
    anchor.write(conn, path, NOW)
    conn.close()
    return path


@pytest.fixture
def grun(gov_db, monkeypatch):
    """Invoke ``pmtui`` on the governance file: ``grun(*args, user=None)``."""
    from click.testing import CliRunner

    from pmtui.cli import cli

    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.setenv("PMTUI_DB", str(gov_db))
    monkeypatch.delenv("PMTUI_USER", raising=False)
    runner = CliRunner()

    def invoke(*args, user=None):
        return runner.invoke(cli, [*(["--user", user] if user else []), *args], catch_exceptions=False)
    return invoke


@pytest.fixture
def db(demo_db):
    """This test's copy of the demo company."""
    return demo_db


TODAY = date(2026, 11, 26)
