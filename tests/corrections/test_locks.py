"""Locks in the database itself: approved values, corrections, targets; and what follows an approval.

Writes here go through pmtui's own audited helpers (so the guard triggers let them pass):
only the lock and four-eyes triggers stand in the way.
"""

from __future__ import annotations

import sqlite3

import pytest

from pmtui.services import corrections as co
from pmtui.services import formulas, framework as fw
from pmtui.services import measurements as ms, scorecard, spc, target_revisions as rev, verify
from pmtui.services.errors import PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic
from tests.builders import NOW


def _mid(conn, period="2026-08", kpi="REV"):
    return conn.execute("SELECT m.id FROM measurements m JOIN kpis k ON k.id = m.kpi_id WHERE k.code = ?"
                        " AND m.period = ? AND m.unit_id = (SELECT id FROM units WHERE code = 'BU_A')",
                        [kpi, period]).fetchone()[0]


def _raw_update(conn, table, key, changes):
    with atomic(conn):
        audit.update(conn, table, key, changes, actor="admin", now=NOW)


LOCKED = "never edited in place"


@pytest.mark.parametrize("changes, message", [
    ({"value": 1.0}, LOCKED),
    ({"status": "submitted"}, LOCKED),
    ({"period": "2026-10"}, "is locked"),
    ({"entered_by": "carl"}, "is locked"),
    ({"comment": "rewritten"}, "is locked"),
])
def test_approved_values_are_locked_in_the_database(corr, changes, message):
    with pytest.raises(sqlite3.IntegrityError, match=message):
        _raw_update(corr, "measurements", _mid(corr), changes)


def test_approved_values_cannot_be_deleted_nor_inserted_as_self_approved(corr):
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"), atomic(corr):
        audit.delete(corr, "measurements", _mid(corr), actor="admin", now=NOW)
    row = {"kpi_id": 1, "unit_id": 3, "period": "2025-01", "value": 1.0, "status": "approved", "entered_by": "ann",
           "entered_at": "x", "submitted_by": "ann", "decided_by": "ann"}
    with pytest.raises(sqlite3.IntegrityError, match="four-eyes"), atomic(corr):
        audit.insert(corr, "measurements", row, actor="ann", now=NOW)


def test_only_the_latest_approved_correction_opens_the_lock(corr):
    first = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    co.decide(corr, first["id"], approve=True, actor="bob", now=NOW)
    second = co.propose(corr, "REV", "BU_A", "2026-08", "95", "invoice belongs to July", actor="ann", now=NOW)
    co.decide(corr, second["id"], approve=True, actor="bob", now=NOW)
    # the first correction (95 -> 97) is approved too, but replaying it would flip the value unseen
    with pytest.raises(sqlite3.IntegrityError, match=LOCKED):
        _raw_update(corr, "measurements", _mid(corr), {"value": 97.0})


@pytest.mark.parametrize("changes, message", [
    ({"status": "approved", "decided_by": "ann"}, "four-eyes"),  # ann entered it
    ({"status": "approved", "decided_by": "carl"}, "four-eyes"),  # carl entered the value it corrects
    ({"value": 98.0}, "cannot be edited"),
    ({"entered_by": "bob"}, "cannot be edited"),
])
def test_corrections_obey_four_eyes_and_cannot_be_edited(corr, changes, message):
    ms.enter_value(corr, "REV", "BU_A", "2026-10", "101", submit=True, actor="carl", now=NOW)
    ms.decide(corr, "REV", "BU_A", "2026-10", approve=True, actor="bob", now=NOW)
    row = co.propose(corr, "REV", "BU_A", "2026-10", "99", "recount", actor="ann", now=NOW)
    assert row["old_value_by"] == "carl"
    with pytest.raises(sqlite3.IntegrityError, match=message):
        _raw_update(corr, "measurement_corrections", row["id"], changes)


def test_correction_rows_must_match_the_value_and_stay_final(corr):
    good = {"measurement_id": _mid(corr), "old_value": 95.0, "value": 97.0, "reason": "r", "status": "submitted",
            "entered_by": "ann", "entered_at": "x", "old_value_by": "ann"}
    for bad, message in ((good | {"old_value": 90.0}, "current approved value"),
                         (good | {"status": "approved", "decided_by": "bob"}, "starts as submitted")):
        with pytest.raises(sqlite3.IntegrityError, match=message), atomic(corr):
            audit.insert(corr, "measurement_corrections", bad, actor="ann", now=NOW)
    with atomic(corr):
        key = audit.insert(corr, "measurement_corrections", good, actor="ann", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"), atomic(corr):
        audit.insert(corr, "measurement_corrections", good | {"value": 98.0}, actor="ann", now=NOW)
    co.decide(corr, key, approve=False, reason="no", actor="bob", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        _raw_update(corr, "measurement_corrections", key, {"decision_reason": "changed my mind"})
    with pytest.raises(sqlite3.IntegrityError, match="kept"), atomic(corr):
        audit.delete(corr, "measurement_corrections", key, actor="admin", now=NOW)


def _target_id(conn, period="2026-08"):
    return conn.execute("SELECT id FROM targets WHERE period = ? AND kpi_id = (SELECT id FROM kpis WHERE code = 'REV')",
                        [period]).fetchone()[0]


def test_targets_change_only_through_an_approved_revision(corr):
    with pytest.raises(sqlite3.IntegrityError, match="targets are locked"):
        _raw_update(corr, "targets", _target_id(corr), {"target": 90.0})
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"), atomic(corr):
        audit.delete(corr, "targets", _target_id(corr), actor="admin", now=NOW)
    r = rev.request(corr, "REV", "BU_A", "2026-08", 92, reason="supplier failure", actor="admin", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="targets are locked"):  # pending is not approved
        _raw_update(corr, "targets", _target_id(corr), {"target": 92.0, "amber": 82.0})
    rev.decide(corr, r["id"], approve=True, actor="bob", now=NOW)
    assert tuple(corr.execute("SELECT target, amber FROM targets WHERE id = ?", [_target_id(corr)]).fetchone()) == (
        92.0, 82.0)
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        _raw_update(corr, "target_revisions", r["id"], {"status": "rejected", "decided_by": "bob"})
    with pytest.raises(sqlite3.IntegrityError, match="targets are locked"):  # back to the original: no revision
        _raw_update(corr, "targets", _target_id(corr), {"target": 100.0, "amber": 90.0})
    assert verify.verify(corr).ok


def test_set_target_respects_the_lock_and_the_permission(corr):
    entries = corr.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert fw.set_target(corr, "REV", "BU_A", "2026-08", 100, 90, actor="admin", now=NOW) == _target_id(corr)
    assert corr.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries  # same values: nothing to do
    with pytest.raises(PmError, match="locked .*pmtui targets revise"):
        fw.set_target(corr, "REV", "BU_A", "2026-08", 80, 70, actor="admin", now=NOW)
    refused = corr.execute("SELECT actor, action, entity, entity_key FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(refused) == ("admin", "refused.edit_targets", "targets", str(_target_id(corr)))
    assert corr.execute("SELECT target FROM targets WHERE id = ?", [_target_id(corr)]).fetchone()[0] == 100.0
    with pytest.raises(PermissionDenied, match="edit_targets"):
        fw.set_target(corr, "REV", "BU_A", "2026-12", 100, 90, actor="ann", now=NOW)
    last = corr.execute("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(last) == ("ann", "refused.edit_targets")
    assert corr.execute("SELECT count(*) FROM targets WHERE period = '2026-12'").fetchone()[0] == 0
    fw.set_target(corr, "REV", "BU_A", "2026-12", 100, 90, actor="admin", now=NOW)  # a new period is no change


def test_approved_correction_refreshes_formulas_and_the_spc_cache(corr):
    fw.create_kpi(corr, "REV2", name="Revenue doubled", direction="higher", actor="admin", now=NOW)
    formulas.set_formula(corr, "REV2", "REV * 2", actor="admin", now=NOW)
    formulas.recompute(corr, kpi="REV2", actor="admin", now=NOW)
    spc.refresh(corr)

    def cached():
        return corr.execute("SELECT value FROM spc_results WHERE period = '2026-08' AND kpi_id ="
                            " (SELECT id FROM kpis WHERE code = 'REV')").fetchone()[0]

    def calculated():
        return corr.execute("SELECT value FROM measurements WHERE period = '2026-08' AND kpi_id ="
                            " (SELECT id FROM kpis WHERE code = 'REV2')").fetchone()[0]

    assert (cached(), calculated()) == (95.0, 190.0)
    with pytest.raises(PmError, match="calculated"):
        co.propose(corr, "REV2", "BU_A", "2026-08", "200", "x", actor="ann", now=NOW)
    row = co.propose(corr, "REV", "BU_A", "2026-08", "97", "late invoice", actor="ann", now=NOW)
    co.decide(corr, row["id"], approve=True, actor="bob", now=NOW)
    assert (cached(), calculated()) == (97.0, 194.0)
    assert verify.verify(corr).ok


def test_scorecard_counts_approved_values_only_and_published_hides_the_rest(corr):
    def rev_line(card):
        return next(k for p in card.perspectives for o in p.objectives for k in o.kpis if k.code == "REV")

    row = co.propose(corr, "REV", "BU_A", "2026-08", "100", "late invoice", actor="ann", now=NOW)
    assert rev_line(scorecard.build(corr, "BU_A", "2026-08")).value == 95.0  # the correction waits
    co.decide(corr, row["id"], approve=True, actor="bob", now=NOW)
    line = rev_line(scorecard.build(corr, "BU_A", "2026-08"))
    assert (line.value, line.status, round(line.score, 2)) == (100.0, "green", 6.67)
    september = rev_line(scorecard.build(corr, "BU_A", "2026-09"))  # submitted: shown as pending, not scored
    assert (september.value, september.status_of_value, september.score) == (80.0, "submitted", None)
    published = rev_line(scorecard.build(corr, "BU_A", "2026-09", published=True))
    assert (published.value, published.status_of_value, published.score) == (None, "submitted", None)


def test_editing_an_approved_value_is_refused_audited_and_points_to_corrections(corr):
    with pytest.raises(PmError, match=r"locked: propose a correction \('pmtui correct'\)"):
        ms.enter_value(corr, "REV", "BU_A", "2026-08", "1", actor="ann", now=NOW)
    last = corr.execute("SELECT actor, action, entity, entity_key FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(last) == ("ann", "refused.enter_data", "measurements", str(_mid(corr)))
    assert corr.execute("SELECT value FROM measurements WHERE id = ?", [_mid(corr)]).fetchone()[0] == 95.0
    assert verify.verify(corr).ok
