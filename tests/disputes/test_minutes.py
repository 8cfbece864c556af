"""The minutes archive (M7.6): ranked full-text search, snippets, safe queries and immutability."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmtui.services import minutes
from pmtui.services.errors import NotFound, PmError
from pmtui.store import audit
from pmtui.store.db import atomic, connect
from tests.builders import NOW, build_mini
from tests.disputes.conftest import add_archive, add_meeting


def _hits(data):
    return [(r["meeting"], r["kind"]) for r in data["results"]]


def test_search_ranks_matches_and_marks_them_in_snippets(archive):
    data = minutes.search(archive, "carrier")
    assert data["match"] == '"carrier"' and data["total"] == 4
    assert set(_hits(data)) == {("BU_A-2026-08", "minutes"), ("BU_A-2026-09", "minutes"),
                                ("BU_A-2026-09", "decision"), ("BU_B-2026-09", "minutes")}
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores)  # bm25: best (lowest) first
    minutes_row = next(r for r in data["results"] if r["meeting"] == "BU_A-2026-08")
    assert "[carrier]" in minutes_row["snippet"] and minutes_row["title"] == "Monthly review Unit A, August"
    decision = next(r for r in data["results"] if r["kind"] == "decision")
    assert decision["title_marked"] == "[Carrier] contract" and decision["snippet"].startswith("act: Award")


def test_phrases_prefixes_and_all_words(archive):
    assert _hits(minutes.search(archive, '"supplier audit"')) == [("BU_A-2026-08", "minutes")]
    assert minutes.search(archive, '"audit supplier"')["total"] == 0
    assert minutes.search(archive, "carr*")["total"] == 4
    assert _hits(minutes.search(archive, "tool quality")) == [("BU_A-2026-09", "decision"),
                                                              ("BU_A-2026-09", "minutes")]
    assert minutes.search(archive, "escalate")["results"][0]["snippet"].startswith("[escalate]")


def test_custom_marks(archive):
    [row] = minutes.search(archive, "strike", mark=("<<", ">>"))["results"]
    assert "<<strike>>" in row["snippet"]


@pytest.mark.parametrize("query", [
    '"', "((", ")", "a:b", "-x", "NEAR(a b", "AND", "OR NOT", "*", "^", "title:carrier", "'; DROP TABLE meetings;",
    'carrier"', "\x00", "…", "🙂", "\\", "{x}", "[abc]", '"" ""', "carrier -strike", "col:*",
])
def test_hostile_queries_never_raise(archive, query):
    data = minutes.search(archive, query)
    assert data["total"] >= 0
    assert archive.execute("SELECT count(*) FROM meetings").fetchone()[0] == 3


@pytest.fixture(scope="module")
def archive_module():
    conn = connect(":memory:")
    build_mini(conn)
    add_archive(conn)
    yield conn
    conn.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_safe_query(archive_module, text):
    data = minutes.search(archive_module, text, limit=5)
    assert len(data["results"]) <= 5


def test_empty_query_lists_the_archive_latest_first(archive):
    data = minutes.search(archive, "  ")
    assert data["match"] is None and data["total"] == 7
    held = [r["held_on"] for r in data["results"]]
    assert held == sorted(held, reverse=True) and held[0] == "2026-09-28" and held[-1] == "2026-08-28"


def test_paging(archive):
    pages = [minutes.search(archive, "", limit=3, offset=o) for o in (0, 3, 6)]
    assert [len(p["results"]) for p in pages] == [3, 3, 1] and {p["total"] for p in pages} == {7}
    assert len({r["entry"] for p in pages for r in p["results"]}) == 7
    with pytest.raises(PmError, match="limit must be"):
        minutes.search(archive, "x", limit=0)


def test_published_search_leaves_out_confidential_meetings_and_items(archive):
    add_meeting(archive, "BU_A-2026-10", "BU_A", "2026-10", "Monthly review Unit A, October",
                "Carrier contract signed.", [("Carrier penalty clause", "close", "Settled with the carrier")])
    assert minutes.search(archive, "divestment")["total"] == 1
    assert minutes.search(archive, "divestment", published=True)["total"] == 0
    public = _hits(minutes.search(archive, "carrier", published=True))
    assert ("BU_B-2026-09", "minutes") not in public and ("BU_A-2026-10", "decision") in public


def test_only_finalised_meetings_are_archived(archive):
    add_meeting(archive, "BU_A-2026-11", "BU_A", "2026-11", "Draft review", "Draft note on the warehouse lease",
                [], finalise=False)
    assert minutes.search(archive, "warehouse")["total"] == 0


def test_show_returns_the_whole_record(archive):
    record = minutes.show(archive, "BU_A-2026-09")
    assert (record["status"], record["chair"], record["finalised_by"], record["unit"]) == (
        "finalised", "bob", "bob", "BU_A")
    assert [(a["seq"], a["decision"]) for a in record["agenda"]] == [(1, "escalate"), (2, "act")]
    assert record["minutes"].startswith("Carrier capacity stayed tight")
    with pytest.raises(NotFound, match="unknown meeting 'NOPE'"):
        minutes.show(archive, "NOPE")


@pytest.mark.parametrize("sql", [
    "UPDATE meetings SET minutes = 'rewritten' WHERE code = 'BU_A-2026-09'",
    "UPDATE meetings SET status = 'in_progress' WHERE code = 'BU_A-2026-09'",
    "DELETE FROM meetings WHERE code = 'BU_A-2026-09'",
    "UPDATE agenda_items SET decision = 'close' WHERE meeting_id = (SELECT id FROM meetings WHERE code = 'BU_A-2026-09')",
    "DELETE FROM agenda_items WHERE meeting_id = (SELECT id FROM meetings WHERE code = 'BU_A-2026-09')",
    "INSERT INTO agenda_items (meeting_id, seq, kind, title) SELECT id, 9, 'other', 'Late addition' FROM meetings"
    " WHERE code = 'BU_A-2026-09'",
])
def test_a_finalised_meeting_is_immutable_even_inside_a_pmtui_transaction(archive, sql):
    before = minutes.show(archive, "BU_A-2026-09")
    with pytest.raises(sqlite3.IntegrityError, match="a finalised meeting is immutable"), atomic(archive):
        archive.execute(sql)
    assert minutes.show(archive, "BU_A-2026-09") == before
    assert minutes.search(archive, "rewritten")["total"] == 0


def test_the_audited_path_is_refused_too(archive):
    key = archive.execute("SELECT id FROM meetings WHERE code = 'BU_A-2026-09'").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="immutable"), atomic(archive):
        audit.update(archive, "meetings", key, {"minutes": "rewritten"}, actor="admin", now=NOW)


def test_outside_pmtui_the_guard_refuses_first(tmp_path):
    path = tmp_path / "m.db"
    conn = connect(path)
    build_mini(conn)
    add_archive(conn)
    conn.close()
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="pmtui_guard"):
        raw.execute("UPDATE meetings SET minutes = 'x' WHERE code = 'BU_A-2026-09'")
    raw.close()
