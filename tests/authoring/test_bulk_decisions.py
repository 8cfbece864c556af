"""Approving and rejecting every submitted value at once (:mod:`pmtui.services.bulk_decisions`)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from pmtui.core import periods
from pmtui.services import bulk_decisions, imports
from pmtui.services import framework as fw
from pmtui.services import measurements as ms
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from tests.builders import NOW, explain

A = {"actor": "admin", "now": NOW}
RED = "is red against its target: approving it needs a complete commentary"


def head(conn) -> int:
    return conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]


def status(conn, kpi: str, unit: str, period: str) -> str:
    return conn.execute("SELECT m.status FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                        " JOIN units u ON u.id = m.unit_id WHERE k.code = ? AND u.code = ? AND m.period = ?",
                        [kpi, unit, period]).fetchone()[0]


@pytest.fixture
def queue(mini):
    """Beside the two red 2026-09 values: two more of ann's (2026-10) and one of bob's own (BU_B)."""
    users.assign_role(mini, "ann", "ANALYST", "BU_B", date(2020, 1, 1), **A)
    users.assign_role(mini, "bob", "ANALYST", "BU_B", date(2020, 1, 1), **A)
    ms.enter_value(mini, "REV", "BU_A", "2026-10", "97", submit=True, actor="ann", now=NOW)
    ms.enter_value(mini, "DEFECTS", "BU_A", "2026-10", "560", submit=True, actor="ann", now=NOW)
    ms.enter_value(mini, "REV", "BU_B", "2026-10", "40", submit=True, actor="bob", now=NOW)
    return mini


def test_approve_all_approves_every_submitted_value_and_lists_skips(queue):
    before = head(queue)
    result = bulk_decisions.decide_all(queue, approve=True, actor="bob", now=NOW)
    assert result == {
        "approved": 2,
        "skipped_own": [{"kpi": "REV", "unit": "BU_B", "period": "2026-10"}],
        "skipped": [{"kpi": "DEFECTS", "unit": "BU_A", "period": "2026-09",
                     "reason": result["skipped"][0]["reason"]},
                    {"kpi": "REV", "unit": "BU_A", "period": "2026-09", "reason": result["skipped"][1]["reason"]}],
    }
    assert [RED in s["reason"] for s in result["skipped"]] == [True, True]
    assert [status(queue, k, "BU_A", "2026-10") for k in ("REV", "DEFECTS")] == ["approved", "approved"]
    assert [status(queue, k, "BU_A", "2026-09") for k in ("REV", "DEFECTS")] == ["submitted", "submitted"]
    assert status(queue, "REV", "BU_B", "2026-10") == "submitted"
    actions = [r[0] for r in queue.execute("SELECT action FROM audit_log WHERE seq > ? ORDER BY seq", [before])]
    assert actions == ["measurement.approve", "measurement.approve"]  # one entry per value, nothing of the skipped


def test_a_commentary_lets_the_red_value_through(queue):
    explain(queue, "REV", "BU_A", "2026-09")
    result = bulk_decisions.decide_all(queue, approve=True, kpi="REV", actor="bob", now=NOW)
    assert (result["approved"], result["skipped"], len(result["skipped_own"])) == (2, [], 1)
    assert status(queue, "REV", "BU_A", "2026-09") == "approved"


def test_filters_are_exact(queue):
    assert bulk_decisions.decide_all(queue, approve=True, unit="NORTH", actor="bob", now=NOW) == {
        "approved": 0, "skipped_own": [], "skipped": []}  # exactly NORTH: not the units below it
    result = bulk_decisions.decide_all(queue, approve=True, unit="BU_A", kpi="DEFECTS", period="2026-10",
                                       actor="bob", now=NOW)
    assert (result["approved"], status(queue, "REV", "BU_A", "2026-10")) == (1, "submitted")


def test_reject_all_needs_a_reason_and_rejects(queue):
    before = head(queue)
    with pytest.raises(PmError, match="a rejection needs a reason"):
        bulk_decisions.decide_all(queue, approve=False, reason="  ", actor="bob", now=NOW)
    assert head(queue) == before
    result = bulk_decisions.decide_all(queue, approve=False, reason="meter fault", unit="BU_A", actor="bob", now=NOW)
    assert result == {"rejected": 4, "skipped_own": [], "skipped": []}  # no commentary gate on rejection
    assert queue.execute("SELECT count(*) FROM measurements WHERE status = 'rejected' AND reason = 'meter fault'"
                         ).fetchone()[0] == 4


@pytest.mark.parametrize("kwargs, error, message", [
    ({"unit": "NOPE"}, NotFound, "unknown unit 'NOPE'"),
    ({"kpi": "NOPE"}, NotFound, "unknown KPI 'NOPE'"),
    ({"period": "2026-13"}, PmError, "2026-13"),
    ({"actor": "zed"}, NotFound, "unknown user 'zed'"),
])
def test_bad_filters_write_nothing(queue, kwargs, error, message):
    before = head(queue)
    with pytest.raises(error, match=message):
        bulk_decisions.decide_all(queue, **({"approve": True, "actor": "bob", "now": NOW} | kwargs))
    assert head(queue) == before


def test_units_without_approve_are_skipped_with_one_audited_refusal_each(queue):
    before = head(queue)
    result = bulk_decisions.decide_all(queue, approve=True, actor="ann", now=NOW)
    assert result["approved"] == 0
    assert result["skipped_own"] == [{"kpi": k, "unit": "BU_A", "period": p} for k in ("DEFECTS", "REV")
                                     for p in ("2026-09", "2026-10")]
    assert result["skipped"] == [{"kpi": "REV", "unit": "BU_B", "period": "2026-10",
                                  "reason": "ann lacks permission 'approve' for BU_B"}]
    entries = queue.execute("SELECT action, actor, entity_key FROM audit_log WHERE seq > ?", [before]).fetchall()
    assert [tuple(e) for e in entries] == [("refused.approve", "ann", "*|BU_B|*")]


def test_thousands_of_values_in_seconds(mini, tmp_path):
    """About 1,900 values (80 KPIs x 24 months) approved, each audited, in one transaction."""
    a = {"actor": "system", "now": NOW}
    for i in range(80):
        fw.create_kpi(mini, f"K{i:02d}", name=f"KPI {i}", direction="higher", **a)
    lines = ["unit,kpi,period,value"] + [f"BU_A,K{i:02d},{p},{100 + j % 3}" for i in range(80)
                                         for j, p in enumerate(periods.span("2024-10", "2026-09"))]
    (tmp_path / "values.csv").write_text("\n".join(lines) + "\n")
    imports.import_measurements(mini, tmp_path / "values.csv", actor="ann", now=NOW)
    before = head(mini)
    started = time.perf_counter()
    result = bulk_decisions.decide_all(mini, approve=True, actor="bob", now=NOW)
    elapsed = time.perf_counter() - started
    assert result["approved"] == 80 * 24 and len(result["skipped"]) == 2  # + the two red values of the mini company
    assert head(mini) == before + 80 * 24
    assert elapsed < 20, f"{elapsed:.1f} s"
