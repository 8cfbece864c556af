"""Measurement workflow, four-eyes, scorecard roll-up and migrations, on in-memory SQLite."""

from __future__ import annotations

import sqlite3

import pytest

from pmtui.services import measurements as ms
from pmtui.services import scorecard
from pmtui.services.errors import PermissionDenied, PmError
from pmtui.store import migrations, schema
from pmtui.store.db import connect


def _row(conn, period, kpi="REV"):
    return conn.execute("SELECT m.* FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                        " WHERE k.code = ? AND m.period = ?", [kpi, period]).fetchone()


def test_submitter_cannot_approve_own_value(mini, now):
    # ann can enter but not approve; give her approval rights to prove four-eyes, not permissions, refuses
    from pmtui.services import users
    users.assign_role(mini, "ann", "HEAD", "BU_A", now.date(), actor="admin", now=now)
    with pytest.raises(PmError, match="four-eyes"):
        ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="ann", now=now)
    assert _row(mini, "2026-09")["status"] == "submitted"
    last = mini.execute("SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(last) == ("refused.approve", "ann")


def test_database_refuses_self_approval_even_inside_pmtui(mini, now):
    from pmtui.store import audit
    from pmtui.store.db import atomic
    row = _row(mini, "2026-09")
    with pytest.raises(sqlite3.IntegrityError, match="four-eyes"), atomic(mini):
        audit.update(mini, "measurements", row["id"], {"status": "approved", "decided_by": "ann"},
                     actor="ann", now=now)


def test_approve_and_reject(mini, now):
    from tests.builders import explain
    explain(mini, "REV", "BU_A", "2026-09")  # red: approval needs a commentary (M7.5)
    ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=now)
    assert _row(mini, "2026-09")["status"] == "approved"
    with pytest.raises(PmError, match="reason"):
        ms.decide(mini, "DEFECTS", "BU_A", "2026-09", approve=False, actor="bob", now=now)
    ms.decide(mini, "DEFECTS", "BU_A", "2026-09", approve=False, reason="meter fault", actor="bob", now=now)
    assert _row(mini, "2026-09", "DEFECTS")["status"] == "rejected"


def test_approved_value_is_locked(mini, now):
    with pytest.raises(PmError, match="locked"):
        ms.enter_value(mini, "REV", "BU_A", "2026-08", "1", actor="ann", now=now)


def test_entry_without_permission_is_refused(mini, now):
    with pytest.raises(PermissionDenied):
        ms.enter_value(mini, "REV", "BU_A", "2026-10", "1", actor="bob", now=now)
    assert _row(mini, "2026-10") is None


@pytest.mark.parametrize("value, message", [("abc", "not a number"), ("nan", "finite"), ("1,5", "decimal"),
                                            ("", "empty"), ("1e400", "finite")])
def test_bad_values_are_refused(mini, now, value, message):
    with pytest.raises(PmError, match=message):
        ms.enter_value(mini, "REV", "BU_A", "2026-10", value, actor="ann", now=now)


def test_unit_scorecard_rolls_up_approved_values_only(mini):
    card = scorecard.build(mini, "BU_A", "2026-08")
    by_code = {o.code: o for p in card.perspectives for o in p.objectives}
    # REV 95 vs target 100, amber 90: 10/3 + 0.5 * 10/3 = 5.0 (amber)
    assert by_code["GROW_A"].score == pytest.approx(5.0)
    assert by_code["GROW_A"].status == "amber"
    # DEFECTS 650 vs target 500 (lower), amber 700: 10/3 + (650-700)/(500-700) * 10/3 = 4.1667
    assert by_code["QUALITY_A"].score == pytest.approx(4.1667, abs=1e-3)
    assert card.score == pytest.approx((5.0 + 4.16667) / 2, abs=1e-3)
    september = scorecard.build(mini, "BU_A", "2026-09")
    assert september.score is None and september.pending == 2


def test_group_scorecard_cascades_from_units(mini):
    card = scorecard.build(mini, "GROUP", "2026-07")
    grow = next(o for p in card.perspectives for o in p.objectives if o.code == "GROW")
    assert grow.score == pytest.approx(20 / 3) and grow.status == "green"
    assert card.periods[0] == "2026-09"


def test_older_file_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(migrations, "STEPS", schema.STEPS[:2])
    connect(path).close()
    monkeypatch.setattr(migrations, "STEPS", schema.STEPS)
    conn = connect(path)
    assert migrations.pending_names(conn) == []
    backup = tmp_path / f"old.db.before-{schema.STEPS[2][0]}.bak"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert sorted(r[0] for r in old.execute("SELECT name FROM _sqlite_migrations")) == sorted(n for n, _ in schema.STEPS[:2])


def test_file_from_before_a_step_migrates_and_still_verifies(tmp_path, monkeypatch, now):
    """Rows audited before ALTER TABLE ADD COLUMN replay with the new columns' defaults."""
    from pmtui.services import framework as fw
    from pmtui.services import setup, verify

    path = tmp_path / "older.db"
    assert schema.STEPS[-1][0] == "add_kpi_value_range"  # the last step adds columns to kpis
    monkeypatch.setattr(migrations, "STEPS", schema.STEPS[:-1])
    conn = connect(path)
    a = {"actor": "system", "now": now}
    setup.initialise(conn, company="Older Co", admin="admin", now=now)
    fw.create_kpi(conn, "REV", name="Revenue", direction="higher", **a)  # audited without the new columns
    fw.set_target(conn, "REV", "GROUP", "2026-09", 100, 90, **a)
    conn.close()
    monkeypatch.setattr(migrations, "STEPS", schema.STEPS)
    conn = connect(path)
    assert migrations.pending_names(conn) == []
    report = verify.verify(conn)
    assert report.ok, report.findings
