"""``pmtui publish``: what a published file holds, and what it must never hold."""

from __future__ import annotations

import sqlite3

import pytest

from pmtui.publish import redact
from pmtui.services import publishing
from pmtui.store.db import connect
from tests.builders import NOW
from tests.publishing.conftest import hidden_tokens

LEVELS = {"public": ("public",), "internal": ("public", "internal")}


def _text_cells(path):
    conn = sqlite3.connect(path)
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            for column, value in zip(columns, row):
                if isinstance(value, str):
                    yield table, column, value
    for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"):
        yield "sqlite_master", "sql", sql
    conn.close()


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_no_code_or_name_above_the_level_anywhere_in_the_file(published_demo, audience):
    live, folder = published_demo
    tokens = hidden_tokens(live, LEVELS[audience])
    assert {"PACKAGING", "Packaging Solutions (divestment)", "RESTRUCT_COST", "Restructuring cost"} <= set(tokens)
    hits = set()
    for table, column, value in _text_cells(folder / f"{audience}.db"):
        for token in tokens:
            # Codes are matched as written (the word "packaging" is not the unit PACKAGING), names in any case.
            found = token in value if token.isupper() else token.lower() in value.lower()
            if found:
                hits.add((table, column, token))
    assert hits == set()


def test_confidential_kpi_values_are_gone_and_their_audit_entries_redacted(published_demo):
    live, folder = published_demo
    src = sqlite3.connect(live)
    kpi_id = src.execute("SELECT id FROM kpis WHERE code = 'RESTRUCT_COST'").fetchone()[0]
    ids = [str(r[0]) for r in src.execute("SELECT id FROM measurements WHERE kpi_id = ?", [kpi_id])]
    assert ids
    for audience in ("public", "internal"):
        pub = sqlite3.connect(folder / f"{audience}.db")
        rows = pub.execute(f"SELECT old, new, reason, actor, ts FROM audit_log WHERE entity = 'measurements'"
                           f" AND entity_key IN ({','.join('?' * len(ids))})", ids).fetchall()
        assert rows and all(r[1] == redact.REDACTED_JSON and r[2] is None and r[3] and r[4] for r in rows)
        assert pub.execute("SELECT count(*) FROM measurements WHERE kpi_id = ?", [kpi_id]).fetchone()[0] == 0


def test_published_file_is_marked_approved_only_and_has_no_triggers_views_or_emails(published_demo):
    _, folder = published_demo
    pub = sqlite3.connect(folder / "internal.db")
    settings = dict(pub.execute("SELECT key, value FROM settings"))
    assert settings["published_audience"] == "internal" and settings["published_at"] == "2026-11-26T09:00:00Z"
    assert pub.execute("SELECT count(*) FROM measurements WHERE status != 'approved'").fetchone()[0] == 0
    kinds = dict(pub.execute("SELECT type, count(*) FROM sqlite_master GROUP BY type"))
    assert "view" not in kinds and "trigger" not in kinds
    assert pub.execute("SELECT count(*) FROM users WHERE email IS NOT NULL").fetchone()[0] == 0
    tables = {r[0] for r in pub.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"pub_kpi_results", "pub_unit_scorecard", "pub_audit_log", "pub_home_units"} <= tables
    assert pub.execute("SELECT count(*) FROM pub_pending_approvals").fetchone()[0] > 0
    assert publishing.file_marker(folder / "internal.db")["published_audience"] == "internal"


def test_internal_keeps_internal_elements_public_does_not(published_demo):
    _, folder = published_demo
    units = {a: {r[0] for r in sqlite3.connect(folder / f"{a}.db").execute("SELECT code FROM units")}
             for a in ("public", "internal")}
    assert "LOGISTICS" in units["internal"] and "LOGISTICS" not in units["public"]
    assert "PACKAGING" not in units["internal"]


def test_formulas_are_neutralised_and_removed_names_scrubbed_in_every_text_cell():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, n REAL)")
    conn.executemany("INSERT INTO notes (body, n) VALUES (?, ?)", [
        ("=HYPERLINK(\"http://x\")", 1), ("+1", -2), ("-3", 3), ("@SUM(A1)", 4), ("\tx", 5), ("\rx", 6),
        ("see PACKAGING and Restructuring Cost", 7), ("packaging line", 8), ("plain", 9)])
    changed = redact.clean_text(conn, redact.token_pattern(["PACKAGING"], ["Restructuring cost"]))
    bodies = [r[0] for r in conn.execute("SELECT body FROM notes ORDER BY id")]
    assert bodies == ["'=HYPERLINK(\"http://x\")", "'+1", "'-3", "'@SUM(A1)", "'\tx", "'\rx",
                      "see [redacted] and [redacted]", "packaging line", "plain"]
    assert changed == 7
    assert [r[0] for r in conn.execute("SELECT n FROM notes ORDER BY id")][:2] == [1, -2]


@pytest.mark.parametrize(("audience", "levels"), [("public", ("public",)), ("internal", ("public", "internal"))])
def test_allowed_levels(audience, levels):
    assert redact.allowed_levels(audience) == levels


def test_confidential_is_never_an_audience():
    with pytest.raises(ValueError):
        redact.allowed_levels("confidential")


def test_publish_replaces_the_file_atomically_and_leaves_no_work_file(mini_db, tmp_path):
    conn = connect(mini_db)
    out = tmp_path / "pub" / "public.db"
    first = publishing.publish(conn, out, "public", now=NOW)
    inode = out.stat().st_ino
    second = publishing.publish(conn, out, "public", now=NOW)
    assert out.stat().st_ino != inode  # a new file moved into place, not an in-place rewrite
    assert not out.with_name("public.db.tmp").exists()
    assert first["sha256"] == second["sha256"] and second["source_audit_seq"] > 0
    codes = {r[0] for r in sqlite3.connect(out).execute("SELECT code FROM units")}
    assert "BU_B" not in codes and "BU_A" in codes


def test_is_stale_follows_the_live_audit_head(mini_db, tmp_path):
    conn = connect(mini_db)
    folder = tmp_path / "pub"
    assert publishing.is_stale(conn, folder)
    publishing.publish_all(conn, folder, now=NOW)
    assert not publishing.is_stale(conn, folder)
