"""Confidentiality of the execution tables (M5.6): actions, meetings, agenda items, minutes.

The rows come from the action service and from audited schema writes
(:func:`tests.publishing.conftest.add_execution_rows`); each audience's file must hold
nothing above its level: not in the tables, not in the audit log's values, not in the
full-text index of the minutes.
"""

from __future__ import annotations

import sqlite3

import pytest

from pmtui.publish import redact
from tests.publishing.conftest import HIDDEN_ACTIONS, INTERNAL_ACTIONS, PUBLIC_ACTIONS

VISIBLE = {"public": set(PUBLIC_ACTIONS), "internal": set(PUBLIC_ACTIONS) | set(INTERNAL_ACTIONS)}
#: Text that must not appear anywhere in an audience's file.
SECRETS = {"public": [*HIDDEN_ACTIONS, *INTERNAL_ACTIONS, "Contoso", "BU_A-2026-09"],
           "internal": [*HIDDEN_ACTIONS, "Contoso", "BU_A-2026-09"]}


def _open(folder, audience):
    return sqlite3.connect(folder / f"{audience}.db")


def _all_text(conn) -> str:
    chunks = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            chunks += [v for v in row if isinstance(v, str)]
    chunks += [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")]
    return "\n".join(chunks)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_each_audience_gets_the_actions_of_its_level(execution_published, audience):
    _, folder, _ = execution_published
    conn = _open(folder, audience)
    assert {r[0] for r in conn.execute("SELECT title FROM pub_actions")} == VISIBLE[audience]
    assert {r[0] for r in conn.execute("SELECT title FROM actions")} == VISIBLE[audience]


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_no_secret_text_anywhere_in_the_file(execution_published, audience):
    live, folder, _ = execution_published
    assert "Contoso" in _all_text(sqlite3.connect(live))  # the live file has it: the test can fail
    text = _all_text(_open(folder, audience))
    assert [s for s in SECRETS[audience] if s in text] == []


@pytest.mark.parametrize(("audience", "hidden"), [
    ("public", ["Renegotiate bank covenants", "Prepare Falcon layoffs", "Sell unit B machinery"]),
    ("internal", ["Prepare Falcon layoffs", "Sell unit B machinery"]),
])
def test_audit_entries_of_hidden_actions_keep_their_place_without_values(execution_published, audience, hidden):
    live, folder, ids = execution_published
    keys = [str(ids[t]) for t in hidden]
    source = sqlite3.connect(live).execute(
        f"SELECT seq, actor, action FROM audit_log WHERE entity = 'actions' AND entity_key IN"
        f" ({','.join('?' * len(keys))}) ORDER BY seq", keys).fetchall()
    rows = _open(folder, audience).execute(
        f"SELECT seq, actor, action, old, new, reason FROM audit_log WHERE entity = 'actions' AND entity_key IN"
        f" ({','.join('?' * len(keys))}) ORDER BY seq", keys).fetchall()
    assert [r[:3] for r in rows] == source and len(rows) == len(hidden)
    assert all(r[4] == redact.REDACTED_JSON and r[5] is None for r in rows)


def test_audit_entries_of_the_confidential_meeting_and_its_agenda_are_redacted(execution_published):
    _, folder, ids = execution_published
    conn = _open(folder, "internal")
    rows = conn.execute("SELECT entity, new FROM audit_log WHERE (entity = 'meetings' AND entity_key = ?)"
                        " OR entity = 'agenda_items'", [str(ids["BU_A-2026-09"])]).fetchall()
    by_entity = {}
    for entity, new in rows:
        by_entity.setdefault(entity, []).append(new)
    assert by_entity["meetings"] == [redact.REDACTED_JSON, redact.REDACTED_JSON]  # insert and finalise
    assert redact.REDACTED_JSON in by_entity["agenda_items"]
    assert any("Scrap on line 3" in new for new in by_entity["agenda_items"])  # the public item keeps its values


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_minutes_index_is_rebuilt_from_the_redacted_rows(execution_published, audience):
    live, folder, _ = execution_published
    assert sqlite3.connect(live).execute(
        "SELECT count(*) FROM minutes_fts WHERE minutes_fts MATCH 'Contoso'").fetchone()[0] == 2
    conn = _open(folder, audience)
    assert conn.execute("SELECT count(*) FROM minutes_fts WHERE minutes_fts MATCH 'Contoso'").fetchone()[0] == 0
    hits = conn.execute("SELECT meeting_code, kind, title, body FROM minutes_fts WHERE minutes_fts MATCH 'scrap'"
                        " ORDER BY kind").fetchall()
    assert hits == [("BU_A-2026-10", "decision", "Scrap on line 3", "act: owner named"),
                    ("BU_A-2026-10", "minutes", "BU_A review 2026-10", "Scrap reviewed; see [redacted].")]
    conn.execute("INSERT INTO minutes_fts (minutes_fts) VALUES ('integrity-check')")  # raises if corrupt


def test_an_fts_index_without_a_known_source_is_dropped(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.execute("CREATE VIRTUAL TABLE notes_fts USING fts5(body)")
    conn.execute("INSERT INTO notes_fts VALUES ('secret plan')")
    dropped = redact.drop_fts(conn)
    assert set(dropped) == {"notes_fts"}
    assert redact.rebuild_fts(conn, dropped) == {}
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'notes_fts%'")] == []


@pytest.mark.parametrize(("column", "present", "expected"), [
    ("kpi_id", {"kpis", "units"}, "kpis"),
    ("unit_id", {"kpis", "units"}, "units"),
    ("initiative_id", {"initiatives"}, "initiatives"),
    ("batch_id", {"batches"}, "batches"),
    ("category_id", {"categories"}, "categories"),
    ("owner_user_id", {"users"}, None),
    ("kpi", {"kpis"}, None),
    ("source_id", {"data_sources"}, None),
])
def test_implicit_parent(column, present, expected):
    assert redact.implicit_parent(column, present) == expected


def test_a_cache_row_without_a_foreign_key_follows_its_hidden_parent(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.executescript("""
        CREATE TABLE widgets (id INTEGER PRIMARY KEY, code TEXT, confidentiality TEXT);
        CREATE TABLE widget_cache (widget_id INTEGER, value REAL);
        INSERT INTO widgets VALUES (1, 'W_PUBLIC', 'public'), (2, 'W_SECRET', 'confidential');
        INSERT INTO widget_cache VALUES (1, 1.0), (2, 2.0);
    """)
    counts = redact.delete_above(conn, ("public", "internal"))
    assert counts == {"widgets": 1, "widget_cache": 1}
    assert conn.execute("SELECT widget_id FROM widget_cache").fetchall() == [(1,)]
