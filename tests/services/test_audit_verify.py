"""audit verify: intact files pass; each kind of tampering is caught and named."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from pmtui.core import canonical
from pmtui.services import anchor, verify
from pmtui.store.db import connect


def _verify(path):
    conn = connect(path)
    try:
        return verify.verify(conn, anchor.read(path))
    finally:
        conn.close()


def _raw(path):
    """A plain sqlite3 connection: what an attacker with the sqlite3 shell has."""
    return sqlite3.connect(path, isolation_level=None)


def _without_trigger(raw, names, sql):
    """Run ``sql`` with triggers dropped, then put them back exactly as they were."""
    names = [names] if isinstance(names, str) else names
    triggers = [raw.execute("SELECT sql FROM sqlite_master WHERE name = ?", [n]).fetchone()[0] for n in names]
    for name in names:
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute(sql)
    for trigger in triggers:
        raw.execute(trigger)


def test_intact_file_passes(mini_db):
    report = _verify(mini_db)
    assert report.ok, report.findings
    assert report.entries > 30
    assert report.anchor_seq == report.entries


def test_plain_sqlite_write_is_refused(mini_db):
    raw = _raw(mini_db)
    with pytest.raises(sqlite3.OperationalError, match="pmtui_guard"):
        raw.execute("UPDATE measurements SET value = 1")
    with pytest.raises(sqlite3.OperationalError, match="pmtui_guard"):
        raw.execute("INSERT INTO audit_log (seq, ts, actor, action, entity, entity_key, prev_hash, hash)"
                    " VALUES (999, 'x', 'x', 'x', 'x', 'x', 'x', 'x')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit_log WHERE seq = 1")
    assert _verify(mini_db).ok


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 shell not installed")
def test_sqlite3_shell_write_fails(mini_db):
    result = subprocess.run(["sqlite3", str(mini_db), "UPDATE measurements SET value = 1;"],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "pmtui_guard" in result.stderr


def test_edited_entry_is_named(mini_db):
    _without_trigger(_raw(mini_db), "audit_log_no_update", "UPDATE audit_log SET reason = 'x' WHERE seq = 7")
    report = _verify(mini_db)
    assert not report.ok
    first = [f for f in report.findings if f.kind == "chain"][0]
    assert first.seq == 7 and "entry 7" in first.message


def test_deleted_entry_is_named(mini_db):
    _without_trigger(_raw(mini_db), "audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 12")
    chain = [f for f in _verify(mini_db).findings if f.kind == "chain"]
    assert chain[0].seq == 12 and "missing" in chain[0].message


def test_inserted_entry_is_named(mini_db):
    raw = _raw(mini_db)
    last = raw.execute("SELECT max(seq), (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)"
                       " FROM audit_log").fetchone()
    _without_trigger(raw, "guard_audit_log_insert",
                     "INSERT INTO audit_log (seq, ts, actor, action, entity, entity_key, prev_hash, hash)"
                     f" VALUES ({last[0] + 1}, '2026-01-01T00:00:00Z', 'eve', 'x', 'units', '1', '{last[1]}', 'f00')")
    chain = [f for f in _verify(mini_db).findings if f.kind == "chain"]
    assert chain and chain[0].seq == last[0] + 1


def test_truncated_tail_is_caught_by_the_anchor(mini_db):
    raw = _raw(mini_db)
    n = raw.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    _without_trigger(raw, "audit_log_no_delete", f"DELETE FROM audit_log WHERE seq > {n - 3}")
    report = _verify(mini_db)
    kinds = {f.kind for f in report.findings}
    assert "anchor" in kinds
    assert any("truncated" in f.message for f in report.findings)


def test_recomputed_chain_is_caught_by_the_anchor(mini_db):
    raw = _raw(mini_db)
    for name in ("audit_log_no_update",):
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute("UPDATE audit_log SET reason = 'rewritten' WHERE seq = 5")
    prev = raw.execute("SELECT hash FROM audit_log WHERE seq = 4").fetchone()[0]
    cols = ("seq", "ts", "actor", "action", "entity", "entity_key", "old", "new", "reason")
    for row in raw.execute(f"SELECT {', '.join(cols)} FROM audit_log WHERE seq >= 5 ORDER BY seq").fetchall():
        entry = dict(zip(cols, row))
        digest = canonical.entry_hash(prev, entry)
        raw.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", [prev, digest, entry["seq"]])
        prev = digest
    raw.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END")
    report = _verify(mini_db)
    assert [f.kind for f in report.findings] == ["anchor"]
    assert "rewritten" in report.findings[0].message


def test_changed_data_row_is_named(mini_db):
    raw = _raw(mini_db)
    mid = raw.execute("SELECT id FROM measurements ORDER BY id LIMIT 1").fetchone()[0]
    _without_trigger(raw, ["guard_measurements_update", "measurements_approved_locked"], f"UPDATE measurements SET value = value + 1 WHERE id = {mid}")
    findings = _verify(mini_db).findings
    assert [f.kind for f in findings] == ["replay"]
    assert f"measurements id={mid}" in findings[0].message


def test_unaudited_and_deleted_rows_are_named(mini_db):
    raw = _raw(mini_db)
    _without_trigger(raw, "guard_units_insert",
                     "INSERT INTO units (code, name, kind, parent_id) VALUES ('EVIL', 'Evil', 'team', 1)")
    _without_trigger(raw, ["guard_targets_delete", "targets_no_delete"], "DELETE FROM targets WHERE id = 1")
    messages = [f.message for f in _verify(mini_db).findings]
    assert any("no audit entry" in m and "units" in m for m in messages)
    assert any("targets id=1" in m and "missing" in m for m in messages)


def test_dropped_trigger_is_reported(mini_db):
    _raw(mini_db).execute("DROP TRIGGER guard_measurements_update")
    messages = [f.message for f in _verify(mini_db).findings]
    assert messages == ["trigger guard_measurements_update is missing (dropped outside pmtui?)"]
